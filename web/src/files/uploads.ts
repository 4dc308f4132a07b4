import { uploadFile } from '../../../src/client/files.js';
import type { ChatStore } from '../app/chat-store.js';
import { serverUrls } from '../app/connection.js';

export interface Upload {
  id: number;
  conv: string;
  name: string;
  size: number;
  done: number;
  state: 'uploading' | 'sending';
}

/**
 * Files on their way: upload over HTTP with progress, then `send {file}` to the conversation.
 * Each can be cancelled while it uploads. Snapshots for React, like ChatStore.
 */
export class Uploads {
  private list: readonly Upload[] = [];
  private readonly aborts = new Map<number, AbortController>();
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  constructor(private readonly chat: ChatStore) {}

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getSnapshot = (): readonly Upload[] => this.list;

  /** Uploads and sends one file; resolves once the message is stored. */
  async send(file: File, conv: string, name = file.name || 'file'): Promise<void> {
    const token = this.chat.session.sessionToken;
    if (!token) throw new Error('not logged in');
    const id = this.nextId++;
    const abort = new AbortController();
    this.aborts.set(id, abort);
    this.set([...this.list, { id, conv, name, size: file.size, done: 0, state: 'uploading' }]);
    let lastPaint = 0;
    try {
      const uploaded = await uploadFile(file, file.size, {
        httpBase: serverUrls().http,
        token,
        name,
        signal: abort.signal,
        onProgress: (done) => {
          const now = performance.now();
          if (now - lastPaint < 50 && done < file.size) return; // at most 20 repaints a second
          lastPaint = now;
          this.update(id, { done });
        },
      });
      this.update(id, { done: file.size, state: 'sending' });
      await this.chat.send({ file: { id: uploaded.id } }, conv, uploaded.name);
    } finally {
      // Cancelled (AbortError), refused or sent: the row goes; the caller tells the user why.
      this.aborts.delete(id);
      this.remove(id);
    }
  }

  cancel(id: number): void {
    this.aborts.get(id)?.abort();
  }

  private update(id: number, patch: Partial<Upload>): void {
    this.set(this.list.map((u) => (u.id === id ? { ...u, ...patch } : u)));
  }
  private remove(id: number): void {
    this.set(this.list.filter((u) => u.id !== id));
  }
  private set(list: readonly Upload[]): void {
    this.list = list;
    for (const l of this.listeners) l();
  }
}
