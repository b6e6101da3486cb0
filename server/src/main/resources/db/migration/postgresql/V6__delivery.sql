-- Delivery (docs/delivery.md): the dispatcher takes outbox rows that are due, records every attempt
-- before it is made, and its outcome after.
--   status      pending (waiting for its due time), sending (an attempt is in flight: found so
--               after a crash, its result is unknown and it is retried with the same id), sent,
--               skipped (the send-time check said no), failed (permanently, or out of attempts)
--   attempts    attempts started, including one in flight
--   expires_at  after this the message is not worth sending (the step's expire_after); null: never
--   outcome     the last attempt's outcome, for people (the timeline has the whole story)
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN expires_at BIGINT;
ALTER TABLE outbox ADD COLUMN updated_at BIGINT;
ALTER TABLE outbox ADD COLUMN outcome TEXT;
ALTER TABLE outbox ADD COLUMN provider_id TEXT;

-- The dispatcher asks per channel for the rows due soonest, so a backlog on one channel (a slow
-- SMTP server) never hides the rows of another; the outbox depth gauge counts by status alike.
DROP INDEX outbox_due;
CREATE INDEX outbox_ready ON outbox(status, channel, due);
