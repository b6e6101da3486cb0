-- Runtime state, written by the partition writers in one transaction per batch together with the
-- partition's cursor: after a crash, the log is replayed from the cursor and nothing is applied
-- twice. See docs/runtime.md.

-- Per partition: every events row of the partition with seq <= seq is applied, and clock is the
-- partition's engine clock (epoch ms; it never goes back, also across restarts).
CREATE TABLE partition_cursors (
  partition INTEGER PRIMARY KEY,
  seq       BIGINT NOT NULL,
  clock     BIGINT NOT NULL
);

-- One row per customer: the engine's state (StateCodec) and, for search, its identities and
-- traits as JSON. merged_into is set when an anonymous profile is merged into an identified one
-- (its log marker is applied); the target's writer deletes the row once it has taken the state.
CREATE TABLE profiles (
  workspace   TEXT NOT NULL,
  id          TEXT NOT NULL,
  partition   INTEGER NOT NULL,
  user_id     TEXT,
  traits      TEXT NOT NULL,
  state       BLOB NOT NULL,
  updated_at  BIGINT NOT NULL,
  merged_into TEXT,
  PRIMARY KEY (workspace, id)
);
CREATE INDEX profiles_user ON profiles(workspace, user_id);

-- Pending timers. A timer is never updated: stale ones are recognised by the engine and deleted
-- when they fire. id is assigned by the partition's writer, increasing, so (due, id) is the order
-- timers fire in: by due time, then in the order they were set.
CREATE TABLE timers (
  partition INTEGER NOT NULL,
  id        BIGINT NOT NULL,
  workspace TEXT NOT NULL,
  due       BIGINT NOT NULL,
  profile   TEXT NOT NULL,
  kind      TEXT NOT NULL,
  key       TEXT NOT NULL,
  instance  INTEGER NOT NULL,
  token     INTEGER NOT NULL,
  PRIMARY KEY (partition, id)
) WITHOUT ROWID;
CREATE INDEX timers_due ON timers(partition, due, id);
CREATE INDEX timers_profile ON timers(workspace, profile);

-- Messages (and webhook calls) decided by the engine, waiting for the dispatcher (the delivery
-- issue). message_id is the engine's deterministic id: a replayed batch cannot add one twice.
CREATE TABLE outbox (
  workspace  TEXT NOT NULL,
  message_id TEXT NOT NULL,
  profile    TEXT NOT NULL,
  journey    TEXT,
  step       TEXT,
  channel    TEXT NOT NULL,
  template   TEXT,
  category   TEXT,
  topic      TEXT,
  created_at BIGINT NOT NULL,
  due        BIGINT NOT NULL,
  status     TEXT NOT NULL,
  payload    TEXT NOT NULL,
  PRIMARY KEY (workspace, message_id)
);
CREATE INDEX outbox_due ON outbox(status, due);
CREATE INDEX outbox_profile ON outbox(workspace, profile);

-- What happened to a profile, in order: journey entries and steps, decisions with their reasons,
-- messages. Read by the timeline API; aggregated for journey stats. input_seq is the events row
-- that caused it (null for a timer).
CREATE TABLE timeline (
  id         INTEGER PRIMARY KEY,
  workspace  TEXT NOT NULL,
  profile    TEXT NOT NULL,
  at         BIGINT NOT NULL,
  kind       TEXT NOT NULL,
  journey    TEXT,
  version    TEXT,
  step       TEXT,
  message_id TEXT,
  revenue    DOUBLE PRECISION,
  input_seq  BIGINT,
  detail     TEXT NOT NULL
);
CREATE INDEX timeline_profile ON timeline(workspace, profile, id);
CREATE INDEX timeline_journey ON timeline(workspace, journey, kind);
