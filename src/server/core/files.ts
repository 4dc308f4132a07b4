import { randomBytes } from 'node:crypto';
import { LOBBY, ProtocolError } from '../../protocol/index.js';
import type { FileRecord, Store, UserRecord } from '../store/port.js';
import { dmParties, isRoomKey } from './conversations.js';

/** Longest stored file name, in characters (code points). */
export const MAX_FILE_NAME_CHARS = 200;

/** What an upload produced, before it has a record. */
export interface UploadedFile {
  sha256: string;
  size: number;
  /** Sniffed from the content by the caller, never taken from the client. */
  mime: string;
  /** The name the client gave (already percent-decoded), or undefined. */
  name: string | undefined;
}

/**
 * File records and who may see them. The bytes live in a blob store the transports use; the core
 * keeps the records: who uploaded what, under which (sanitised) name, and where it was sent.
 */
export class Files {
  constructor(private readonly store: Store) {}

  async add(upload: UploadedFile, uploader: UserRecord): Promise<FileRecord> {
    const record: FileRecord = {
      id: randomBytes(16).toString('base64url'),
      sha256: upload.sha256,
      size: upload.size,
      mime: upload.mime,
      name: sanitizeFileName(upload.name),
      uploaderId: uploader.id,
      createdAt: Date.now(),
    };
    await this.store.files.create(record);
    return record;
  }

  /** Bytes this user has uploaded so far (every record counts, equal contents too): the quota's measure. */
  async uploadedBytes(user: UserRecord): Promise<number> {
    return this.store.files.uploadedBytes(user.id);
  }

  /** The file a user may send: only their own uploads; anything else is NO_SUCH_FILE. */
  async forSending(me: UserRecord, id: string): Promise<FileRecord> {
    const file = await this.store.files.find(id);
    if (!file || file.uploaderId !== me.id) throw new ProtocolError('NO_SUCH_FILE', `no file with id ${JSON.stringify(id)}`);
    return file;
  }

  /** The record, whoever asks: for a signed link, whose signature already says who may read it. */
  async find(id: string): Promise<FileRecord | null> {
    return this.store.files.find(id);
  }

  /** Records that a file went to a conversation, which lets its members download it. */
  async shared(fileId: string, convKey: string): Promise<void> {
    await this.store.files.share(fileId, convKey);
  }

  /**
   * The file if this user may read it: the uploader, anyone once it was sent to #lobby, both
   * parties of a private conversation it was sent to, and the members of a room it was sent to. Otherwise null (unknown and forbidden look
   * the same, so ids cannot be probed).
   */
  async readable(me: UserRecord, id: string): Promise<FileRecord | null> {
    const file = await this.store.files.find(id);
    if (!file) return null;
    if (file.uploaderId === me.id) return file;
    const convs = await this.store.files.conversationsOf(id);
    if (convs.some((c) => c === LOBBY || (dmParties(c)?.includes(me.key) ?? false))) return file;
    // Rooms: their members now.
    for (const c of convs) if (isRoomKey(c) && (await this.store.rooms.findMember(c, me.id))) return file;
    return null;
  }
}

// C0/C1 controls, and the invisible marks that can make "gnp.exe" look like "exe.png".
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A file name safe to store and to offer back in Content-Disposition: no path separators (they
 * become "_"), no control or bidirectional-override characters, NFC, trimmed, at most 200
 * characters (an extension of up to 16 is kept when shortening), never empty, "." or "..".
 */
export function sanitizeFileName(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC').replace(UNSAFE, '').replace(/[/\\]/g, '_').trim();
  const chars = [...name];
  if (chars.length > MAX_FILE_NAME_CHARS) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? [...name.slice(dot)] : [];
    const keep = ext.length > 1 && ext.length <= 16 ? ext : [];
    name = chars.slice(0, MAX_FILE_NAME_CHARS - keep.length).join('').trimEnd() + keep.join('');
  }
  return /^\.*$/.test(name) ? 'file' : name;
}
