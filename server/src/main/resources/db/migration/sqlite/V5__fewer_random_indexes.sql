-- Indexes whose keys are random per row cost one page written per row per commit (on SQLite a whole
-- page into the WAL); these two served only erasures, which now find their rows another way
-- (docs/runtime.md, "Erasure"):
--   timers_profile  an erasure scans the timers for the profile's ids, outside the write
--                   transaction (erasures are rare; every timer set is not)
--   outbox_profile  every outbox row has its decision's timeline row under the same message id
DROP INDEX timers_profile;
DROP INDEX outbox_profile;

-- events_profile made every ingested event write a random-key page in the acknowledging
-- transaction. A profile's events are now found through its timeline: the runtime writes an
-- 'event' row (input_seq = the events row) for every log row it applies, next to the rows of the
-- decisions it caused (the same page of timeline_profile). Merge markers, the one lookup by
-- profile left on the log (the runtime's merge barrier), get a partial index: they are rare.
INSERT INTO timeline (workspace, profile, at, kind, input_seq, detail)
  SELECT e.workspace, e.profile, e.timestamp, 'event', e.seq, '{}'
  FROM events e JOIN partition_cursors p ON p.partition = e.partition
  WHERE e.seq <= p.seq AND e.type <> 'erase'
  ORDER BY e.seq;
DROP INDEX events_profile;
CREATE INDEX events_merge_out ON events(workspace, profile, seq) WHERE type = 'merge_out';
