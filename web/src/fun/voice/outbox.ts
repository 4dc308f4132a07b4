import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import type { Clip } from './recorder-machine';

/**
 * Voice messages not sent yet, kept in IndexedDB from the moment an upload fails until it is sent
 * or discarded, so that closing the page or a crash does not lose them.
 */
interface Stored {
  bytes: ArrayBuffer;
  mime: string;
  durationMs: number;
  name: string;
  conv?: string;
}

let store: UseStore | null = null;
const db = () => (store ??= createStore('banter-fun-voice', 'outbox'));
const available = () => typeof indexedDB !== 'undefined';

export async function keepClip(clip: Clip): Promise<void> {
  if (!available()) return;
  const { blob, ...rest } = clip;
  await set(clip.name, { ...rest, bytes: await blob.arrayBuffer() } satisfies Stored, db());
}

export async function dropClip(name: string): Promise<void> {
  if (available()) await del(name, db());
}

/** The oldest unsent clip, if any. */
export async function unsentClip(): Promise<Clip | undefined> {
  if (!available()) return undefined;
  const all = await entries<string, Stored>(db());
  const first = all.map(([, v]) => v).sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  if (!first) return undefined;
  const { bytes, ...rest } = first;
  return { ...rest, blob: new Blob([bytes], { type: first.mime }) };
}
