/**
 * Schema versions, applied in order; the table schema_version records how far a database has
 * come. The same tables as the SQLite adapter's (src/server/store/sqlite/migrations.ts), in
 * PostgreSQL's types: times and sizes are BIGINT (ms since the epoch, bytes).
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE users (
    id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    pass_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
    created_at BIGINT NOT NULL,
    muted_until BIGINT,             -- ms since the epoch; -1 means until unmuted
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
  CREATE INDEX sessions_by_expiry ON sessions(expires_at);
  -- One row per conversation; appends lock it and take last_seq + 1, which keeps seq gap-free
  -- and strictly increasing with writers on several nodes.
  CREATE TABLE conversations (
    key TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL DEFAULT 0,
    last_ts BIGINT,
    user_a TEXT,                    -- private conversations: the two user keys
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
  CREATE TABLE files (
    id TEXT PRIMARY KEY,            -- random, URL-safe
    sha256 TEXT NOT NULL,           -- the content is stored under this hash
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,             -- sniffed from the content
    name TEXT NOT NULL,             -- sanitised original name
    uploader_id INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
  );
  CREATE INDEX files_by_sha256 ON files(sha256);
  CREATE INDEX files_by_uploader ON files(uploader_id);
  CREATE TABLE file_shares (
    file_id TEXT NOT NULL REFERENCES files(id),
    conv TEXT NOT NULL,             -- conversation key, as in messages.conv
    PRIMARY KEY (file_id, conv)
  );
  INSERT INTO conversations (key) VALUES ('#lobby');
  `,
  // v2: a batch of appends in one call, so a conversation's row stays locked only while the
  // database works, not across network round trips to the node.
  `
  CREATE FUNCTION banter_append(p_conv TEXT[], p_sender INTEGER[], p_name TEXT[], p_kind TEXT[], p_body TEXT[], p_cid TEXT[], p_now BIGINT)
  RETURNS TABLE (i INTEGER, conv TEXT, seq INTEGER, ts BIGINT, sender_id INTEGER, sender_name TEXT, kind TEXT, body TEXT, cid TEXT, duplicate BOOLEAN)
  -- Resolves the tables in the schema it was created in, whoever calls it.
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
  DECLARE
    keys TEXT[] := ARRAY(SELECT DISTINCT k FROM unnest(p_conv) AS k ORDER BY k);
    prior messages%ROWTYPE;
  BEGIN
    INSERT INTO conversations (key, user_a, user_b)
      SELECT k, CASE WHEN k LIKE 'dm:%' THEN split_part(k, ':', 2) END, CASE WHEN k LIKE 'dm:%' THEN split_part(k, ':', 3) END
      FROM unnest(keys) AS k ORDER BY k
      ON CONFLICT (key) DO NOTHING;
    -- In key order, so two nodes locking overlapping sets cannot deadlock.
    PERFORM 1 FROM conversations c WHERE c.key = ANY(keys) ORDER BY c.key FOR UPDATE;
    FOR n IN 1 .. coalesce(array_length(p_conv, 1), 0) LOOP
      IF p_cid[n] IS NOT NULL THEN
        SELECT * INTO prior FROM messages m WHERE m.sender_id = p_sender[n] AND m.cid = p_cid[n];
        IF FOUND THEN
          RETURN QUERY SELECT n, prior.conv, prior.seq, prior.ts, prior.sender_id, prior.sender_name, prior.kind, prior.body, prior.cid, TRUE;
          CONTINUE;
        END IF;
      END IF;
      -- Never before a time already given in this conversation, whatever a node's clock says.
      UPDATE conversations c SET last_seq = c.last_seq + 1, last_ts = greatest(coalesce(c.last_ts, 0), p_now)
        WHERE c.key = p_conv[n] RETURNING c.last_seq, c.last_ts INTO seq, ts;
      INSERT INTO messages VALUES (p_conv[n], seq, ts, p_sender[n], p_name[n], p_kind[n], p_body[n], p_cid[n]);
      RETURN QUERY SELECT n, p_conv[n], seq, ts, p_sender[n], p_name[n], p_kind[n], p_body[n], p_cid[n], FALSE;
    END LOOP;
  END $$;
  `,
  // v3: rooms, read markers, edits, deletes and reactions (the SQLite adapter's v4). Each change
  // of a message takes its conversation's last_useq + 1 with the conversation row locked, as
  // banter_append does for seq, so useq is gap-free and increasing with writers on several nodes.
  `
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
    key TEXT PRIMARY KEY,           -- "#" + name key, as in messages.conv
    name TEXT NOT NULL,             -- "#" + the name as created
    topic TEXT NOT NULL,
    private BOOLEAN NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
  );
  CREATE TABLE room_members (
    room TEXT NOT NULL REFERENCES rooms(key),
    user_id INTEGER NOT NULL REFERENCES users(id),
    joined_at BIGINT NOT NULL,
    muted_until BIGINT,             -- a mute within the room, as users.muted_until
    PRIMARY KEY (room, user_id)
  );
  CREATE INDEX room_members_by_user ON room_members(user_id, room);
  `,
  // v4: the rooms a user owns are counted at each create and hand-over (the per-user cap; the
  // SQLite adapter's v5).
  `
  CREATE INDEX rooms_by_owner ON rooms(owner_id);
  `,
  // v5: server secrets, generated at first start: the key that signs file links, one for every node.
  `
  CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
];
