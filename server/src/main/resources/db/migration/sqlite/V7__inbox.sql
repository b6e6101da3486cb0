-- The in-app inbox (docs/channels.md#in-app-inbox): one row per message the inbox channel
-- delivered, written by the channel in its own transaction. message_id is the outbox's
-- deterministic id: a retried attempt (ambiguous after a crash) inserts nothing the second time.
--   profile     the profile it went to (the merge target at the time of sending)
--   data        the journey's data for the app, a JSON object
--   seq         the row's last change (delivered, read, unread, archived), from one increasing
--               sequence: the id of its Server-Sent Event, so a reconnecting stream asks for the
--               rows changed after the last id it saw (Last-Event-ID)
--   first_seq   the seq of its delivery: the inbox's order (newest first), and changes after a
--               client's last id are new messages when first_seq is after it, updates otherwise
--   read_at, archived_at  epoch ms, null while unread / not archived
CREATE TABLE inbox (
  workspace   TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  profile     TEXT NOT NULL,
  journey     TEXT,
  template    TEXT,
  category    TEXT,
  topic       TEXT,
  title       TEXT,
  body        TEXT,
  url         TEXT,
  image_url   TEXT,
  data        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  read_at     BIGINT,
  archived_at BIGINT,
  seq         BIGINT NOT NULL,
  first_seq   BIGINT NOT NULL,
  PRIMARY KEY (workspace, message_id)
);
-- A profile's inbox, newest first (the list and its cursor).
CREATE INDEX inbox_profile ON inbox(workspace, profile, first_seq);
-- A profile's changes after a stream's last event id.
CREATE INDEX inbox_changes ON inbox(workspace, profile, seq);
