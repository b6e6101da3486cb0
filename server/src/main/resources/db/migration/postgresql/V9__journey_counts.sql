-- Journey stats as counters (docs/api.md "Journey stats", docs/decisions.md 30): what the engine
-- decided, summed per journey, version, step and quarter hour, written by the runtime in the same
-- transaction as the timeline rows it counts (and taken back by an erasure with them). The stats
-- read these sums, a few rows per quarter hour, instead of every timeline row of the window.
--   partition      the runtime partition that counted it: each partition writer adds to rows of
--                  its own, so two writers never wait for each other's row locks (PostgreSQL);
--                  what counts is the sum over partitions
--   version, step  '' when the decision has none (an entry refused has no version)
--   bucket         the quarter hour (epoch ms, a multiple of 900,000) of the decision's time
--   kind           entered, entry_refused, completed, exited, send, deferred, skipped, converted,
--                  and deferred_messages: messages held back for the first time
--   n              decisions; held: of them, conversions of customers in a holdout
--   revenue        conversion value of customers not held out; held_revenue: of those held out
CREATE TABLE journey_counts (
  workspace    TEXT NOT NULL,
  journey      TEXT NOT NULL,
  partition    INTEGER NOT NULL,
  version      TEXT NOT NULL,
  step         TEXT NOT NULL,
  bucket       BIGINT NOT NULL,
  kind         TEXT NOT NULL,
  n            BIGINT NOT NULL,
  held         BIGINT NOT NULL,
  revenue      DOUBLE PRECISION NOT NULL,
  held_revenue DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (workspace, journey, bucket, step, version, kind, partition)
);

-- The counts of the decisions made before this version, under partition 0. A conversion was held out when its detail
-- says "holdout":true (written without spaces; the same text inside a reason would be escaped).
INSERT INTO journey_counts
  SELECT workspace, journey, 0, COALESCE(version, ''), COALESCE(step, ''),
         at - ((at % 900000) + 900000) % 900000, kind, COUNT(*),
         SUM(CASE WHEN kind = 'converted' AND detail LIKE '%"holdout":true%' THEN 1 ELSE 0 END),
         SUM(CASE WHEN kind = 'converted' AND detail NOT LIKE '%"holdout":true%'
                  THEN COALESCE(revenue, 0) ELSE 0 END),
         SUM(CASE WHEN kind = 'converted' AND detail LIKE '%"holdout":true%'
                  THEN COALESCE(revenue, 0) ELSE 0 END)
  FROM timeline
  WHERE journey IS NOT NULL
    AND kind IN ('entered', 'entry_refused', 'completed', 'exited', 'send', 'deferred', 'skipped',
                 'converted')
  GROUP BY workspace, journey, COALESCE(version, ''), COALESCE(step, ''),
           at - ((at % 900000) + 900000) % 900000, kind;

-- A message held back several times counts once, in the quarter hour it was first held.
INSERT INTO journey_counts
  SELECT workspace, journey, 0, v, s, bucket, 'deferred_messages', COUNT(*), 0, 0, 0
  FROM (SELECT workspace, journey, COALESCE(version, '') AS v, COALESCE(step, '') AS s,
               MIN(at) - ((MIN(at) % 900000) + 900000) % 900000 AS bucket
        FROM timeline
        WHERE journey IS NOT NULL AND kind = 'deferred'
        GROUP BY workspace, journey, COALESCE(version, ''), COALESCE(step, ''), message_id) m
  GROUP BY workspace, journey, v, s, bucket;

-- Only the stats read the timeline by journey.
DROP INDEX timeline_journey;
