import { useEffect, useSyncExternalStore } from 'react';
import type { ReplyResults } from '../../../src/protocol/messages.js';

export type FileUrlReply = ReplyResults['file_url'];

/** Absolute links to one file, for `<img src>`, players and download links. */
export interface FileLink {
  url: string;
  thumbUrl: string;
  /** ms since the epoch (the server's clock). */
  expires: number;
}

/** A link is asked for again this long before it expires (and links are valid for 4 h or more). */
export const REFRESH_BEFORE_MS = 30 * 60_000;
/** After a failed request (offline, refused), the next try waits this long at least. */
const RETRY_MS = 5_000;

/**
 * The signed download links of the files on screen (op `file_url`, docs/protocol.md §4.34): the
 * session token never goes into a URL. One request per file, shared by every row that shows
 * it; asked again shortly before it expires. Snapshots for React (useSyncExternalStore).
 */
export class FileLinks {
  private readonly links = new Map<string, FileLink>();
  private readonly asking = new Map<string, Promise<void>>();
  private readonly failedAt = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly ask: (id: string) => Promise<FileUrlReply>,
    /** The HTTP base the paths of the replies resolve against. */
    private readonly httpBase: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** The current link, if one is known and has not expired. */
  get(id: string): FileLink | undefined {
    const link = this.links.get(id);
    return link && link.expires > this.now() ? link : undefined;
  }

  /**
   * Asks for a link unless a fresh one is known (or being asked for); resolves when there is
   * nothing more to do. `force` asks even so (the link was refused: the server's clock ran ahead).
   */
  ensure(id: string, force = false): Promise<void> {
    const known = this.links.get(id);
    if (!force && known && known.expires - this.now() > REFRESH_BEFORE_MS) return Promise.resolve();
    const pending = this.asking.get(id);
    if (pending) return pending;
    if (this.now() - (this.failedAt.get(id) ?? -Infinity) < RETRY_MS) return Promise.resolve();
    const request = this.ask(id).then(
      (reply) => {
        const base = this.httpBase().replace(/\/$/, '');
        this.links.set(id, { url: base + reply.url, thumbUrl: base + reply.thumb_url, expires: reply.expires });
        this.failedAt.delete(id);
        this.changed();
      },
      () => void this.failedAt.set(id, this.now()),
    );
    const done = request.finally(() => this.asking.delete(id));
    this.asking.set(id, done);
    return done;
  }

  /** When a known link should be asked for again, in ms from now (undefined: none known). */
  refreshIn(id: string): number | undefined {
    const link = this.links.get(id);
    return link && Math.max(RETRY_MS, link.expires - REFRESH_BEFORE_MS - this.now());
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/**
 * The link of one file, asked for when a row shows it and again before it expires (so a
 * download link is never stale); undefined until the first answer. A failed ask (offline) is
 * tried again every few seconds.
 */
export function useFileLink(links: FileLinks, id: string): FileLink | undefined {
  const link = useSyncExternalStore(links.subscribe, () => links.get(id));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const cycle = (): void => {
      void links.ensure(id).then(() => {
        if (stopped) return;
        timer = setTimeout(cycle, links.refreshIn(id) ?? RETRY_MS);
      });
    };
    cycle();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [links, id]);
  return link;
}
