-- Runtime state, written by the partition writers in one transaction per batch together with the
-- partition's cursor: after a crash, the log is replayed from the cursor and nothing is applied
-- twice.
CREATE TABLE partition_cursors (
  partition INTEGER PRIMARY KEY,
  seq       BIGINT NOT NULL
);

-- One row per customer: the engine's state (StateCodec) and, for search, its identities and
-- traits as JSON.
CREATE TABLE profiles (
  workspace  TEXT NOT NULL,
  id         TEXT NOT NULL,
  partition  INTEGER NOT NULL,
  user_id    TEXT,
  traits     TEXT NOT NULL,
  state      BYTEA NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (workspace, id)
);
CREATE INDEX profiles_user ON profiles(workspace, user_id);

-- Pending timers. A timer is never updated: stale ones are recognised by the engine and deleted
-- when they fire.
CREATE TABLE timers (
  id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace TEXT NOT NULL,
  partition INTEGER NOT NULL,
  due       BIGINT NOT NULL,
  profile   TEXT NOT NULL,
  kind      TEXT NOT NULL,
  key       TEXT NOT NULL,
  instance  INTEGER NOT NULL,
  token     INTEGER NOT NULL
);
CREATE INDEX timers_due ON timers(partition, due, id);

-- Messages decided by the engine, waiting for the dispatcher (the delivery issue). message_id is
-- the engine's deterministic id: a replayed batch cannot add a message twice.
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

-- What happened to a profile, in order: journey entries and steps, decisions with their reasons,
-- messages. Read by the timeline API; aggregated for journey stats.
CREATE TABLE timeline (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace  TEXT NOT NULL,
  profile    TEXT NOT NULL,
  at         BIGINT NOT NULL,
  kind       TEXT NOT NULL,
  journey    TEXT,
  version    INTEGER,
  step       TEXT,
  message_id TEXT,
  revenue    DOUBLE PRECISION,
  detail     TEXT NOT NULL
);
CREATE INDEX timeline_profile ON timeline(workspace, profile, id);
CREATE INDEX timeline_journey ON timeline(workspace, journey, kind);
