import { ChatSession } from '../../../src/client/session.js';
import { webSocketTransport } from '../../../src/client/websocket-transport.js';

/** The server that served this page: its WebSocket and its HTTP API (files). */
export function serverUrls(loc: Location = location): { ws: string; http: string } {
  return { ws: `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`, http: loc.origin };
}

export function newSession(): ChatSession {
  return new ChatSession({ connect: webSocketTransport(serverUrls().ws), clientName: 'banter-web', backoffMaxMs: 5_000 });
}

export interface SavedSession {
  user: string;
  token: string;
}

const KEY = 'banter.session';

/** The token of the last login: in localStorage ("remember me"), else in sessionStorage (this tab). */
export const tokenStore = {
  load(): SavedSession | undefined {
    for (const store of stores()) {
      try {
        const raw = store.getItem(KEY);
        if (!raw) continue;
        const v = JSON.parse(raw) as Partial<SavedSession>;
        if (typeof v.user === 'string' && typeof v.token === 'string') return { user: v.user, token: v.token };
      } catch {
        // unreadable: as if absent
      }
    }
    return undefined;
  },
  save(s: SavedSession, remember: boolean): void {
    this.clear();
    try {
      (remember ? localStorage : sessionStorage).setItem(KEY, JSON.stringify(s));
    } catch {
      // storage disabled: the session lasts until the page is closed
    }
  },
  clear(): void {
    for (const store of stores()) {
      try {
        store.removeItem(KEY);
      } catch {
        // nothing to clear
      }
    }
  },
};

function stores(): Storage[] {
  try {
    return [localStorage, sessionStorage];
  } catch {
    return [];
  }
}
