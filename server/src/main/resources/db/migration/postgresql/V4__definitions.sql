-- The definitions of each workspace: journeys, segments, templates, the settings sections
-- (calendars, geofences, scoring, lifecycle, pools, policies) and the product catalogue. Owned by
-- the definitions capability (io.kairos.server.definitions); the runtime reads them through
-- PublishedDefinitions, never with its own SQL.

-- Every version of every document ever saved, never updated or deleted: customers in flight may
-- still be on any journey version that was once published. version is the first 12 hex digits of
-- the SHA-256 of content (for journeys, Journey.version()).
CREATE TABLE definition_versions (
  workspace  TEXT NOT NULL REFERENCES workspaces(id),
  kind       TEXT NOT NULL,
  id         TEXT NOT NULL,
  version    TEXT NOT NULL,
  content    TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (workspace, kind, id, version)
);

-- The head of each document. latest: the newest saved version (a journey's draft); live: the
-- version published last (kept while a journey is paused or archived). A journey is live when its
-- status is 'published'; every other kind is live unless 'deleted'. position: the order of
-- creation within the kind (for seeded documents, the order of the directory's files), the order
-- the engine gets them in — as kairos simulate gets a directory's files in name order.
CREATE TABLE definitions (
  workspace  TEXT NOT NULL REFERENCES workspaces(id),
  kind       TEXT NOT NULL,
  id         TEXT NOT NULL,
  status     TEXT NOT NULL
             CHECK (status IN ('draft', 'published', 'paused', 'archived', 'deleted')),
  latest     TEXT NOT NULL,
  live       TEXT,
  position   BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (workspace, kind, id)
);

-- Every change to what is live, in order per workspace: a document version became live (version
-- set) or a document left the live set (version null: paused, archived, deleted). seq is assigned
-- as the workspace's previous seq + 1 by a change validated against that state, so two changes
-- validated against the same state cannot both commit (the primary key refuses the second). It is
-- also the history: which version was live when, and who changed it.
CREATE TABLE definition_changes (
  workspace TEXT NOT NULL REFERENCES workspaces(id),
  seq       BIGINT NOT NULL,
  kind      TEXT NOT NULL,
  id        TEXT NOT NULL,
  version   TEXT,
  action    TEXT NOT NULL,
  at        BIGINT NOT NULL,
  actor     TEXT NOT NULL,
  PRIMARY KEY (workspace, seq)
);
CREATE INDEX definition_changes_document ON definition_changes(workspace, kind, id, seq);
