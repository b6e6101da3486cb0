-- A profile's timeline rows are found through the rows themselves, not through an index by profile
-- (docs/runtime.md "Timeline", decisions.md 35). timeline_profile put a random-key page into every
-- batch for every profile it touched, next to the page of the profile's own row; now the profile
-- row, written anyway, holds the id of its newest timeline row, and each row the id of the same
-- profile's row before it:
--   timeline.prev_id        the previous row of the same profile (null: its first)
--   timeline.branch_id      on a 'merged' row: the newest row of the anonymous profile merged in,
--                           whose own chain goes on from there
--   profiles.timeline_head  the newest row of the profile
-- Rows of kind 'error' can belong to a profile that has no row (its first input was set apart):
-- a partial index finds those, and it is written only when an input fails.
ALTER TABLE timeline ADD COLUMN prev_id BIGINT;
ALTER TABLE timeline ADD COLUMN branch_id BIGINT;
ALTER TABLE profiles ADD COLUMN timeline_head BIGINT;

UPDATE timeline SET prev_id = (
  SELECT MAX(p.id) FROM timeline p
  WHERE p.workspace = timeline.workspace AND p.profile = timeline.profile AND p.id < timeline.id);
UPDATE profiles SET timeline_head = (
  SELECT MAX(t.id) FROM timeline t WHERE t.workspace = profiles.workspace AND t.profile = profiles.id);
UPDATE timeline SET branch_id = (
  SELECT MAX(a.id) FROM timeline a
  WHERE a.workspace = timeline.workspace AND a.profile = json_extract(timeline.detail, '$.from')
    AND a.id < timeline.id)
WHERE kind = 'merged';

CREATE INDEX timeline_errors ON timeline(workspace, profile, id) WHERE kind = 'error';
DROP INDEX timeline_profile;
