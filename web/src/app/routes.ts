import { LOBBY } from '../../../src/protocol/limits.js';

/**
 * Each conversation's address, so a reload, back/forward or a shared link opens it:
 * `/c/lobby`, `/c/@bob`, `/c/%23garden` ("#" would start a fragment). The admin console is `/admin`.
 */
export function convPath(conv: string): string {
  if (conv.toLowerCase() === LOBBY) return '/c/lobby';
  const encoded = encodeURIComponent(conv);
  return `/c/${conv.startsWith('@') ? `@${encoded.slice(3)}` : encoded}`;
}

/** The conversation a path names, or undefined for any other path (`/`, `/admin`, a bad name). */
export function pathConv(pathname: string): string | undefined {
  const m = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (!m) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  if (name.toLowerCase() === 'lobby' || name.toLowerCase() === LOBBY) return LOBBY;
  return /^[@#][^\s@#:]+$/u.test(name) ? name : undefined;
}
