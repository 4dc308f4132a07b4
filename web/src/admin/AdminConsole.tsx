import type { ChatStore } from '../app/chat-store.js';

export function AdminConsole({ store }: { store: ChatStore }) {
  return <div>{store.getSnapshot().user}</div>;
}
