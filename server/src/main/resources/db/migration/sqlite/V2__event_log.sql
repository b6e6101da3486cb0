-- The event log: every accepted message, in the order it was accepted (seq, assigned by the single
-- ingest writer). A 200 from the tracking API means the rows are committed here. The runtime reads
-- it per partition; the profile timeline reads it per profile.
--   partition   floorMod(murmur3(workspace + NUL + profile), partitions): ingest.Partitioner
--   profile     the profile the event was routed to (userId, or anonymousId until one is known)
--   type/name   the Segment call type and Event.name ('Order Completed', 'Identify', ...)
--   timestamp   the event time after the clock-skew and future rules (docs/tracking.md): the
--               authority, the runtime replaces the body's timestamp with it
--   body        the message as received (UTF-8 JSON that EventParser accepts on its own), with
--               type and messageId filled in, the batch context merged, writeKey removed
-- A merge is two rows: first a marker (type 'merge_out', profile = the anonymous profile A, name =
-- the target profile U, body '{}'), then the event that caused it (profile U, merge_from = A).
CREATE TABLE events (
  -- INTEGER PRIMARY KEY: in SQLite the rowid itself, so rows are stored in seq order, no extra index
  seq         INTEGER PRIMARY KEY,
  workspace   TEXT NOT NULL,
  partition   INTEGER NOT NULL,
  profile     TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  type        TEXT NOT NULL,
  name        TEXT NOT NULL,
  timestamp   BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  merge_from  TEXT,
  body        BLOB NOT NULL
);
CREATE INDEX events_partition ON events(partition, seq);
CREATE INDEX events_profile ON events(workspace, profile, seq);

-- messageIds seen within the dedupe window (ingest.dedupe_window); pruned by received_at. The
-- writer claims each id with one upsert; the event's row is found by events.message_id.
CREATE TABLE message_ids (
  workspace   TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (workspace, message_id)
) WITHOUT ROWID;
CREATE INDEX message_ids_received ON message_ids(received_at);

-- Which profile an identity (a userId or an anonymousId) belongs to: (user, U) -> U for every
-- userId seen; (anonymous, X) -> the profile X leads to (X itself while X's own anonymous profile
-- exists). The key starts with the value, so one lookup finds both kinds of an id.
CREATE TABLE identities (
  workspace TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('user', 'anonymous')),
  value     TEXT NOT NULL,
  profile   TEXT NOT NULL,
  PRIMARY KEY (workspace, value, kind)
) WITHOUT ROWID;
CREATE INDEX identities_profile ON identities(workspace, profile);

-- Facts about the store itself, fixed or advanced by the server: 'partitions' (the partition count
-- chosen at the first start; a profile's partition depends on it, so another count is refused) and
-- 'event_seq' (the highest seq ever committed, so a seq is never reused even after the newest
-- events were erased).
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
