/**
 * PostgreSQL's functions. They hold no data, so they are not schema versions (migrations.ts):
 * migrate.ts replaces them at every start, in the migration's transaction, which also brings a
 * database from any earlier version up to today's definition.
 */
export const ROUTINES = `
  -- A batch of appends in one call, so a conversation's row stays locked only while the
  -- database works, not across network round trips to the node.
  CREATE OR REPLACE FUNCTION banter_append(p_conv TEXT[], p_sender INTEGER[], p_name TEXT[], p_kind TEXT[], p_body TEXT[], p_cid TEXT[], p_now BIGINT)
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
      INSERT INTO messages (conv, seq, ts, sender_id, sender_name, kind, body, cid)
        VALUES (p_conv[n], seq, ts, p_sender[n], p_name[n], p_kind[n], p_body[n], p_cid[n]);
      RETURN QUERY SELECT n, p_conv[n], seq, ts, p_sender[n], p_name[n], p_kind[n], p_body[n], p_cid[n], FALSE;
    END LOOP;
  END $$;
`;
