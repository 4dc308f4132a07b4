import { ChatSession, type Item } from '../../src/client/index.js';
import { tcpTransport } from '../../src/client/node/tcp-transport.js';
import { ChatStore } from '../../src/tui/chat-store.js';
import { PASSWORD, uniqueName } from '../helpers/clients.js';

/** A new user logged in over a real session, and the terminal client's store of it. */
export async function storeOf(port: number, name = uniqueName('tuistore')): Promise<{ store: ChatStore; session: ChatSession; name: string; dispose: () => void }> {
  const session = new ChatSession({ connect: tcpTransport('127.0.0.1', port), clientName: 'banter-tui-test' });
  await session.register(name, PASSWORD);
  await session.login(name, PASSWORD);
  const store = new ChatStore(session);
  return {
    store,
    session,
    name,
    dispose: () => {
      store.dispose();
      session.close();
    },
  };
}

/** A conversation's rows as text: "alice: hi" for a message, "[info] text" for a system row. */
export function rowsOf(store: ChatStore, conv = store.getSnapshot().current): string[] {
  return (store.getSnapshot().items[conv] ?? []).map(describe);
}

function describe(it: Item): string {
  if (it.kind === 'msg') return `${it.m.from}: ${it.m.deleted ? '(deleted)' : (it.m.text ?? it.m.sticker ?? it.m.file?.name ?? '')}`;
  if (it.kind === 'system') return `[${it.tone}] ${it.text}`;
  return `(sending) ${it.from}`;
}
