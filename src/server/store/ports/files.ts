/** The records of uploads (the bytes are kept elsewhere, by content hash: files/disk-file-store.ts). */
export interface FileRecordStore {
  /** Stores a new file record; its id is new (the caller makes it random). */
  create(file: FileRecord): Promise<void>;
  find(id: string): Promise<FileRecord | null>;
  /** The sum of the sizes of every file record this user uploaded (equal uploads count each time); 0 if none. */
  uploadedBytes(userId: number): Promise<number>;
  /** Records that a file was sent to a conversation (key as in NewMessage.conv); doing it again changes nothing. */
  share(fileId: string, conv: string): Promise<void>;
  /** The conversation keys a file was sent to, in no particular order; [] if none or unknown. */
  conversationsOf(fileId: string): Promise<string[]>;
}

/** An uploaded file: the bytes are stored under `sha256`; `name` is already sanitised. */
export interface FileRecord {
  /** Random, URL-safe. */
  id: string;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  size: number;
  mime: string;
  name: string;
  uploaderId: number;
  createdAt: number;
}
