-- Workspaces own every record; keys are stored as SHA-256 hashes, never in clear.
CREATE TABLE workspaces (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  workspace  TEXT NOT NULL REFERENCES workspaces(id),
  scope      TEXT NOT NULL CHECK (scope IN ('ingest', 'read', 'admin')),
  hash       TEXT NOT NULL UNIQUE,
  name       TEXT,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX api_keys_workspace ON api_keys(workspace);

-- What was done that must be provable later (an erasure, a key revoked), with who asked.
CREATE TABLE audit_log (
  id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace TEXT NOT NULL,
  at        BIGINT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  detail    TEXT
);
CREATE INDEX audit_log_workspace ON audit_log(workspace, at);
