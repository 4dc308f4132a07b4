import { DEFAULT_USERS_LIMIT, MAX_USERS_LIMIT, nameKey, normalizeName, type ReplyResults } from '../../protocol/index.js';
import type { Store } from '../store/port.js';

/** Looks people up by name, online or not: whom one can start a private conversation with. */
export class People {
  constructor(
    private readonly store: Store,
    private readonly onlineOf: (userKeys: string[]) => Promise<ReadonlySet<string>>,
  ) {}

  /**
   * A page of the users whose name starts with `prefix` (compared as keys are: case-insensitive,
   * NFKC), in key order; `next` is the last one's name when there are more (a name stands for its key).
   */
  async find(page: { prefix?: string; after?: string; limit?: number }): Promise<ReplyResults['users']> {
    const limit = Math.min(page.limit ?? DEFAULT_USERS_LIMIT, MAX_USERS_LIMIT);
    const prefix = nameKey(normalizeName(page.prefix?.trim() ?? ''));
    const after = page.after === undefined ? undefined : nameKey(normalizeName(page.after));
    // One more than the page: whether it exists says if there is a next page.
    const rows = await this.store.users.list({ prefix, after, limit: limit + 1 });
    const shown = rows.slice(0, limit);
    const online = await this.onlineOf(shown.map((u) => u.key));
    const users = shown.map((u) => ({ user: u.name, role: u.role, online: online.has(u.key) }));
    return rows.length > limit ? { users, next: shown[shown.length - 1]!.name } : { users };
  }
}
