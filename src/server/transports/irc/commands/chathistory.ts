import { randomBytes } from 'node:crypto';
import { LOBBY, MAX_HISTORY_LIMIT, ProtocolError, isValidName, isValidRoomName, type ChatMessage } from '../../../../protocol/index.js';
import { formatTags } from '../message.js';
import { renderMessage, seqOfMessageId } from '../render.js';
import type { IrcSession } from '../session.js';
import { isLobby } from '../lobby.js';
import type { IrcCommandTable } from './command.js';

/** Largest page a CHATHISTORY request gets (ISUPPORT CHATHISTORY=): Banter's own history page. */
export const MAX_HISTORY_PAGE = MAX_HISTORY_LIMIT;
/** A timestamp is turned into a seq by reading history backwards, at most this many pages. */
const MAX_SCAN_PAGES = 25;

type Ref = { kind: 'seq'; seq: number } | { kind: 'time'; ts: number } | { kind: 'none' };

class HistoryError extends Error {
  constructor(
    readonly code: string,
    readonly params: string[],
  ) {
    super(params[params.length - 1]);
  }
}

/**
 * IRCv3 draft/chathistory, backed by Banter's history: LATEST, BEFORE, AFTER, AROUND, BETWEEN
 * (msgid= or timestamp= references) and TARGETS. Replies come in a `chathistory` batch.
 */
export const chathistoryCommands: IrcCommandTable = {
  CHATHISTORY: {
    minParams: 1,
    registered: true,
    run: async (s, m) => {
      const sub = m.params[0]!.toUpperCase();
      try {
        if (sub === 'TARGETS') return await targets(s, m.params);
        if (!['LATEST', 'BEFORE', 'AFTER', 'AROUND', 'BETWEEN'].includes(sub)) throw new HistoryError('UNKNOWN_COMMAND', [sub, 'Unknown subcommand']);
        const need = sub === 'BETWEEN' ? 5 : 4;
        if (m.params.length < need) throw new HistoryError('NEED_MORE_PARAMS', [sub, 'Not enough parameters']);
        const target = m.params[1]!;
        const conv = conversation(target);
        if (!conv) throw new HistoryError('INVALID_TARGET', [sub, target, 'No such conversation']);
        const limit = parseLimit(m.params[need - 1]!, m.params);
        const refs = m.params.slice(2, need - 1).map((p) => parseRef(p, sub === 'LATEST', m.params));
        const messages = await select(s, sub, conv, refs, limit);
        sendBatch(s, 'chathistory', [target], (batch) => messages.map((msg) => renderMessage(msg, s.nick, s.style, s.ctx.fileLink, batch)).join(''));
      } catch (err) {
        if (err instanceof HistoryError) return s.line(s.ctx.serverName, 'FAIL', ['CHATHISTORY', err.code, ...err.params]);
        if (err instanceof ProtocolError && ['NO_SUCH_USER', 'BAD_REQUEST', 'NO_SUCH_ROOM', 'NOT_A_MEMBER'].includes(err.code)) {
          return s.line(s.ctx.serverName, 'FAIL', ['CHATHISTORY', 'INVALID_TARGET', sub, m.params[1] ?? '*', 'No such conversation']);
        }
        s.line(s.ctx.serverName, 'FAIL', ['CHATHISTORY', 'MESSAGE_ERROR', sub, m.params[1] ?? '*', 'History is not available right now']);
      }
    },
  },
};

function conversation(target: string): string | undefined {
  if (isLobby(target)) return LOBBY;
  if (target.startsWith('#')) return isValidRoomName(target) ? target : undefined;
  return !target.startsWith('#') && isValidName(target) ? `@${target}` : undefined;
}

function parseLimit(text: string, params: string[]): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new HistoryError('INVALID_PARAMS', [...params, 'Invalid limit']);
  return Math.min(Number(text), MAX_HISTORY_PAGE);
}

function parseRef(text: string, starAllowed: boolean, params: string[]): Ref {
  if (text === '*' && starAllowed) return { kind: 'none' };
  const eq = text.indexOf('=');
  const [type, value] = [text.slice(0, eq), text.slice(eq + 1)];
  if (type === 'msgid') {
    const seq = seqOfMessageId(value);
    if (seq !== undefined) return { kind: 'seq', seq };
  } else if (type === 'timestamp') {
    const ts = Date.parse(value);
    if (Number.isFinite(ts) && /^\d{4}-\d\d-\d\dT/.test(value)) return { kind: 'time', ts };
  }
  throw new HistoryError('INVALID_PARAMS', [...params, 'Invalid message reference']);
}

type History = (q: { before?: number; after?: number; limit: number }) => Promise<ChatMessage[]>;

async function select(s: IrcSession, sub: string, conv: string, refs: Ref[], limit: number): Promise<ChatMessage[]> {
  const history: History = async (q) => (await s.request('history', { conv, ...q })).messages;
  // As seqs: a message reference is exclusive, so "before a time" is before the first seq at or after it.
  const before = async (r: Ref): Promise<number> => (r.kind === 'seq' ? r.seq : r.kind === 'time' ? (await lastSeqBefore(history, r.ts, false)) + 1 : Number.MAX_SAFE_INTEGER);
  const after = async (r: Ref): Promise<number> => (r.kind === 'seq' ? r.seq : r.kind === 'time' ? lastSeqBefore(history, r.ts, true) : 0);
  const [a, b] = refs as [Ref, Ref | undefined];
  switch (sub) {
    case 'LATEST': {
      const floor = await after(a);
      return (await history({ limit })).filter((m) => m.seq > floor);
    }
    case 'BEFORE':
      return history({ before: await before(a), limit });
    case 'AFTER':
      return history({ after: await after(a), limit });
    case 'AROUND': {
      const pivot = a.kind === 'seq' ? a.seq : await lastSeqBefore(history, (a as { ts: number }).ts, true);
      const older = await history({ before: pivot + 1, limit: Math.ceil(limit / 2) });
      const newer = Math.floor(limit / 2) > 0 ? await history({ after: pivot, limit: Math.floor(limit / 2) }) : [];
      return [...older, ...newer];
    }
    default: {
      // BETWEEN: the messages strictly between, `limit` of them counted from the first reference.
      const [lo, hi] = [await after(a), await before(b!)];
      const forward = lo < hi || (a.kind === 'seq' && b!.kind === 'seq' && a.seq < b!.seq);
      if (forward) return history({ after: lo, before: hi, limit });
      const [lo2, hi2] = [await after(b!), await before(a)];
      return (await history({ before: hi2, limit })).filter((m) => m.seq > lo2);
    }
  }
}

/** The seq of the newest message sent before `ts` (at or before, if `inclusive`); 0 if none. */
async function lastSeqBefore(history: History, ts: number, inclusive: boolean): Promise<number> {
  let cursor: number | undefined;
  for (let page = 0; page < MAX_SCAN_PAGES; page++) {
    const rows = await history(cursor === undefined ? { limit: MAX_HISTORY_LIMIT } : { before: cursor, limit: MAX_HISTORY_LIMIT });
    for (let i = rows.length - 1; i >= 0; i--) if (inclusive ? rows[i]!.ts <= ts : rows[i]!.ts < ts) return rows[i]!.seq;
    // seqs have no gaps: a page that reaches seq 1 is the last (a short one may just have hit the byte budget).
    if (rows.length === 0 || rows[0]!.seq <= 1) return 0;
    cursor = rows[0]!.seq;
  }
  return Math.max(0, (cursor ?? 1) - 1); // older than the scan reaches: treated as the oldest read
}

/** CHATHISTORY TARGETS: conversations with messages between two times, with their latest time. */
async function targets(s: IrcSession, params: string[]): Promise<void> {
  if (params.length < 4) throw new HistoryError('NEED_MORE_PARAMS', ['TARGETS', 'Not enough parameters']);
  const [from, to] = [parseRef(params[1]!, false, params), parseRef(params[2]!, false, params)];
  if (from.kind !== 'time' || to.kind !== 'time') throw new HistoryError('INVALID_PARAMS', [...params, 'TARGETS takes timestamps']);
  const limit = parseLimit(params[3]!, params);
  const [lo, hi] = [Math.min(from.ts, to.ts), Math.max(from.ts, to.ts)];
  const { convs } = await s.request('convs', {});
  const hits = convs
    .filter((c) => c.last_ts !== null && c.last_ts > lo && c.last_ts < hi)
    .sort((x, y) => x.last_ts! - y.last_ts!)
    .slice(0, limit);
  sendBatch(s, 'draft/chathistory-targets', [], (batch) =>
    hits
      .map((c) => {
        const tags = batch === undefined ? '' : `@${formatTags([['batch', batch]])} `;
        return `${tags}:${s.ctx.serverName} CHATHISTORY TARGETS ${c.conv.startsWith('#') ? c.conv : c.conv.slice(1)} ${new Date(c.last_ts!).toISOString()}\r\n`;
      })
      .join(''),
  );
}

/** Lines inside `BATCH +ref type params` ... `BATCH -ref` when the client has `batch`, else bare. */
function sendBatch(s: IrcSession, type: string, params: string[], body: (batch: string | undefined) => string): void {
  if (!s.caps.has('batch')) return s.peer.send(Buffer.from(body(undefined)));
  const ref = randomBytes(6).toString('base64url');
  s.line(s.ctx.serverName, 'BATCH', [`+${ref}`, type, ...params]);
  s.peer.send(Buffer.from(body(ref)));
  s.line(s.ctx.serverName, 'BATCH', [`-${ref}`]);
}
