-- The event log: every accepted message, in the order it was accepted (seq, assigned by the single
-- ingest writer). A 200 from the tracking API means the rows are committed here. The runtime reads
-- it per partition; the profile timeline reads it per profile.
CREATE TABLE events (
  seq         BIGINT PRIMARY KEY,
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

-- messageIds seen within the dedupe window; pruned by received_at.
CREATE TABLE message_ids (
  workspace   TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  seq         BIGINT NOT NULL,
  PRIMARY KEY (workspace, message_id)
);
CREATE INDEX message_ids_received ON message_ids(received_at);

-- Which profile an identity (a userId or an anonymousId) belongs to.
CREATE TABLE identities (
  workspace TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('user', 'anonymous')),
  value     TEXT NOT NULL,
  profile   TEXT NOT NULL,
  PRIMARY KEY (workspace, kind, value)
);
CREATE INDEX identities_profile ON identities(workspace, profile);
