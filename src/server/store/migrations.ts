/**
 * The schema, one version after another, in both dialects side by side so they cannot drift: a
 * version is the same tables, columns, indexes and constraints on SQLite and on PostgreSQL
 * (test/store/schema-parity.test.ts compares them). SQLite records how far a file has come in
 * PRAGMA user_version, PostgreSQL in the table schema_version. Types: times (ms since the epoch)
 * and sizes are INTEGER in SQLite (64-bit) and BIGINT in PostgreSQL; flags are INTEGER 0/1 in
 * SQLite and BOOLEAN in PostgreSQL. PostgreSQL's function banter_append is not part of a version:
 * postgres/routines.ts replaces it at every start.
 */
export interface Migration {
  version: number;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sqlite: `
    CREATE TABLE users (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      key TEXT NOT NULL UNIQUE,
      pass_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
      created_at INTEGER NOT NULL,
      muted_until INTEGER,            -- ms since the epoch; -1 means until unmuted
      ban_reason TEXT
    );
    CREATE TABLE sessions (
      token_hash TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id),
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      revoked INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sessions_by_user ON sessions(user_id);
    CREATE TABLE conversations (
      key TEXT PRIMARY KEY,
      last_seq INTEGER NOT NULL DEFAULT 0,
      last_ts INTEGER,
      user_a TEXT,                    -- private conversations: the two user keys
      user_b TEXT
    );
    CREATE INDEX conversations_by_a ON conversations(user_a);
    CREATE INDEX conversations_by_b ON conversations(user_b);
    CREATE TABLE messages (
      conv TEXT NOT NULL,
      seq INTEGER NOT NULL,
      ts INTEGER NOT NULL,
      sender_id INTEGER NOT NULL,
      sender_name TEXT NOT NULL,
      kind TEXT NOT NULL,
      body TEXT NOT NULL,
      cid TEXT,
      PRIMARY KEY (conv, seq)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX messages_by_cid ON messages(sender_id, cid) WHERE cid IS NOT NULL;
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY,
      ts INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      detail TEXT
    );`,
    postgres: `
    CREATE TABLE users (
      id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name TEXT NOT NULL,
      key TEXT NOT NULL UNIQUE,
      pass_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
      created_at BIGINT NOT NULL,
      muted_until BIGINT,
      ban_reason TEXT
    );
    CREATE TABLE sessions (
      token_hash TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id),
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      revoked BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX sessions_by_user ON sessions(user_id);
    -- One row per conversation; appends lock it and take last_seq + 1, which keeps seq gap-free
    -- and strictly increasing with writers on several nodes.
    CREATE TABLE conversations (
      key TEXT PRIMARY KEY,
      last_seq INTEGER NOT NULL DEFAULT 0,
      last_ts BIGINT,
      user_a TEXT,
      user_b TEXT
    );
    CREATE INDEX conversations_by_a ON conversations(user_a);
    CREATE INDEX conversations_by_b ON conversations(user_b);
    CREATE TABLE messages (
      conv TEXT NOT NULL,
      seq INTEGER NOT NULL,
      ts BIGINT NOT NULL,
      sender_id INTEGER NOT NULL,
      sender_name TEXT NOT NULL,
      kind TEXT NOT NULL,
      body TEXT NOT NULL,
      cid TEXT,
      PRIMARY KEY (conv, seq)
    );
    CREATE UNIQUE INDEX messages_by_cid ON messages(sender_id, cid) WHERE cid IS NOT NULL;
    CREATE TABLE audit (
      id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ts BIGINT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      detail TEXT
    );
    INSERT INTO conversations (key) VALUES ('#lobby');`,
  },
  {
    version: 2,
    sqlite: `
    CREATE TABLE files (
      id TEXT PRIMARY KEY,            -- random, URL-safe
      sha256 TEXT NOT NULL,           -- the content is stored under this hash
      size INTEGER NOT NULL,
      mime TEXT NOT NULL,             -- sniffed from the content
      name TEXT NOT NULL,             -- sanitised original name
      uploader_id INTEGER NOT NULL REFERENCES users(id),
      created_at INTEGER NOT NULL
    );
    CREATE INDEX files_by_sha256 ON files(sha256);
    CREATE TABLE file_shares (
      file_id TEXT NOT NULL REFERENCES files(id),
      conv TEXT NOT NULL,             -- conversation key, as in messages.conv
      PRIMARY KEY (file_id, conv)
    ) WITHOUT ROWID;`,
    postgres: `
    CREATE TABLE files (
      id TEXT PRIMARY KEY,
      sha256 TEXT NOT NULL,
      size BIGINT NOT NULL,
      mime TEXT NOT NULL,
      name TEXT NOT NULL,
      uploader_id INTEGER NOT NULL REFERENCES users(id),
      created_at BIGINT NOT NULL
    );
    CREATE INDEX files_by_sha256 ON files(sha256);
    CREATE TABLE file_shares (
      file_id TEXT NOT NULL REFERENCES files(id),
      conv TEXT NOT NULL,
      PRIMARY KEY (file_id, conv)
    );`,
  },
  {
    version: 3,
    sqlite: 'CREATE INDEX files_by_uploader ON files(uploader_id);',
    postgres: 'CREATE INDEX files_by_uploader ON files(uploader_id);',
  },
  {
    // Edits, deletes and reactions (each change takes the conversation's next update sequence,
    // with its row locked in PostgreSQL, as appends do for seq), read markers, rooms.
    version: 4,
    sqlite: `
    ALTER TABLE messages ADD COLUMN edited_ts INTEGER;
    ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE messages ADD COLUMN useq INTEGER;
    CREATE INDEX messages_by_useq ON messages(conv, useq) WHERE useq IS NOT NULL;
    ALTER TABLE conversations ADD COLUMN last_useq INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE reactions (
      conv TEXT NOT NULL,
      seq INTEGER NOT NULL,
      emoji TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users(id),
      user_name TEXT NOT NULL,
      ts INTEGER NOT NULL,
      PRIMARY KEY (conv, seq, emoji, user_id)
    ) WITHOUT ROWID;
    CREATE TABLE read_markers (
      user_id INTEGER NOT NULL REFERENCES users(id),
      conv TEXT NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (user_id, conv)
    ) WITHOUT ROWID;
    CREATE TABLE rooms (
      key TEXT PRIMARY KEY,           -- "#" + name key, as in messages.conv
      name TEXT NOT NULL,             -- "#" + the name as created
      topic TEXT NOT NULL,
      private INTEGER NOT NULL,
      owner_id INTEGER NOT NULL REFERENCES users(id),
      created_at INTEGER NOT NULL
    );
    CREATE TABLE room_members (
      room TEXT NOT NULL REFERENCES rooms(key),
      user_id INTEGER NOT NULL REFERENCES users(id),
      joined_at INTEGER NOT NULL,
      muted_until INTEGER,            -- a mute within the room, as users.muted_until
      PRIMARY KEY (room, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX room_members_by_user ON room_members(user_id, room);`,
    postgres: `
    ALTER TABLE messages ADD COLUMN edited_ts BIGINT, ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE, ADD COLUMN useq INTEGER;
    CREATE INDEX messages_by_useq ON messages(conv, useq) WHERE useq IS NOT NULL;
    ALTER TABLE conversations ADD COLUMN last_useq INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE reactions (
      conv TEXT NOT NULL,
      seq INTEGER NOT NULL,
      emoji TEXT NOT NULL,
      user_id INTEGER NOT NULL REFERENCES users(id),
      user_name TEXT NOT NULL,
      ts BIGINT NOT NULL,
      PRIMARY KEY (conv, seq, emoji, user_id)
    );
    CREATE TABLE read_markers (
      user_id INTEGER NOT NULL REFERENCES users(id),
      conv TEXT NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (user_id, conv)
    );
    CREATE TABLE rooms (
      key TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      topic TEXT NOT NULL,
      private BOOLEAN NOT NULL,
      owner_id INTEGER NOT NULL REFERENCES users(id),
      created_at BIGINT NOT NULL
    );
    CREATE TABLE room_members (
      room TEXT NOT NULL REFERENCES rooms(key),
      user_id INTEGER NOT NULL REFERENCES users(id),
      joined_at BIGINT NOT NULL,
      muted_until BIGINT,
      PRIMARY KEY (room, user_id)
    );
    CREATE INDEX room_members_by_user ON room_members(user_id, room);`,
  },
  {
    // The rooms a user owns are counted at each create and hand-over (the per-user cap).
    version: 5,
    sqlite: 'CREATE INDEX rooms_by_owner ON rooms(owner_id);',
    postgres: 'CREATE INDEX rooms_by_owner ON rooms(owner_id);',
  },
  {
    // Server secrets, generated at first start: the key that signs file links, one for every node.
    version: 6,
    sqlite: 'CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;',
    postgres: 'CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);',
  },
  {
    // Both adapters purge sessions by expires_at (at start, then hourly). PostgreSQL schemas
    // numbered before the dialects shared versions already have it (postgres/migrate.ts).
    version: 7,
    sqlite: 'CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions(expires_at);',
    postgres: 'CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions(expires_at);',
  },
  {
    // A user name's look-alike skeleton (core/name-skeleton.ts): registration refuses a name whose
    // skeleton another user has, and the unique index makes that hold under races. It is computed
    // in JavaScript, so rows from before this version get it from the server at start
    // (Accounts.backfillSkeletons); of two old names that look alike, the second keeps NULL
    // (NULLs never clash), and both keep working.
    version: 8,
    sqlite: 'ALTER TABLE users ADD COLUMN skeleton TEXT; CREATE UNIQUE INDEX users_by_skeleton ON users(skeleton);',
    postgres: 'ALTER TABLE users ADD COLUMN skeleton TEXT; CREATE UNIQUE INDEX users_by_skeleton ON users(skeleton);',
  },
];

/** The version a database is at once every migration has run. */
export const SCHEMA_VERSION = MIGRATIONS.length;
