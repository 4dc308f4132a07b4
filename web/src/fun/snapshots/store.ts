import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';

/** One screenshot kept in the browser until it is deleted. */
export interface Snapshot {
  id: string;
  kind: 'window' | 'screen';
  createdAt: number;
  width: number;
  height: number;
  blob: Blob;
}

/** The gallery keeps this many; adding one more drops the oldest. */
export const MAX_SNAPSHOTS = 60;

type Listener = () => void;

/** As stored: bytes rather than a Blob, which some engines' IndexedDB cannot keep. */
type Stored = Omit<Snapshot, 'blob'> & { bytes: ArrayBuffer; mime: string };

const toSnapshot = ({ bytes, mime, ...rest }: Stored): Snapshot => ({ ...rest, blob: new Blob([bytes], { type: mime }) });

/** The Snapshots gallery over IndexedDB (idb-keyval), with change notifications for the UI. */
export class SnapshotStore {
  private readonly listeners = new Set<Listener>();
  private store: UseStore | null = null;

  constructor(private readonly dbName = 'banter-fun', private readonly max = MAX_SNAPSHOTS) {}

  private db(): UseStore {
    this.store ??= createStore(this.dbName, 'snapshots');
    return this.store;
  }

  static available(): boolean {
    return typeof indexedDB !== 'undefined';
  }

  async add(shot: Omit<Snapshot, 'id' | 'createdAt'> & { createdAt?: number }): Promise<Snapshot> {
    const createdAt = shot.createdAt ?? Date.now();
    const id = `${createdAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const full: Snapshot = { ...shot, id, createdAt };
    const { blob, ...meta } = full;
    const stored: Stored = { ...meta, bytes: await blob.arrayBuffer(), mime: blob.type || 'image/png' };
    await set(id, stored, this.db());
    const all = await this.list();
    await Promise.all(all.slice(this.max).map((s) => del(s.id, this.db())));
    this.changed();
    return full;
  }

  /** Newest first. */
  async list(): Promise<Snapshot[]> {
    const all = await entries<string, Stored>(this.db());
    return all.map(([, v]) => toSnapshot(v)).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  async get(id: string): Promise<Snapshot | undefined> {
    const stored = await get<Stored>(id, this.db());
    return stored && toSnapshot(stored);
  }

  async remove(id: string): Promise<void> {
    await del(id, this.db());
    this.changed();
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}

export const snapshots = new SnapshotStore();

/** A file name for a download or an upload: `screenshot-2026-12-01T05-30-00.png`. */
export function snapshotFileName(s: Pick<Snapshot, 'kind' | 'createdAt'>, prefix = s.kind === 'window' ? 'chat' : 'screen'): string {
  return `${prefix}-${new Date(s.createdAt).toISOString().slice(0, 19).replace(/:/g, '-')}.png`;
}
