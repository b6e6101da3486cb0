-- Journey stats per message (docs/api.md "Journey stats", docs/decisions.md 27): what became of
-- each message after the engine decided it, kept on its outbox row. Each column is set the first
-- time it is reported and never changed after, by the transaction that logs the event reporting
-- it (the dispatcher's settlement, an open, a click, an unsubscribe, a provider's status callback,
-- an inbox read), so the counts and the timeline agree after any crash. Epoch ms, null until then.
--   delivered_at     Message Sent: the provider (SMTP server, SMS API, push service...) took it
--   bounced_at       Message Bounced: a hard bounce, at once (SMTP 5xx) or reported later (SMS)
--   failed_at        it failed for good otherwise: the dispatcher gave up, or the provider
--                    reported it undelivered later
--   first_open_at    the first human open (Email Opened, machine false)
--   machine_opens    opens flagged machine (mail privacy prefetch, scanners): how many
--   first_click_at   the first human click (Email Link Clicked, machine false)
--   unsubscribed_at  the first Unsubscribed through this message's links, or an SMS STOP the
--                    provider reported for it
--   read_at          the first Inbox Message Read
ALTER TABLE outbox ADD COLUMN delivered_at BIGINT;
ALTER TABLE outbox ADD COLUMN bounced_at BIGINT;
ALTER TABLE outbox ADD COLUMN failed_at BIGINT;
ALTER TABLE outbox ADD COLUMN first_open_at BIGINT;
ALTER TABLE outbox ADD COLUMN machine_opens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN first_click_at BIGINT;
ALTER TABLE outbox ADD COLUMN unsubscribed_at BIGINT;
ALTER TABLE outbox ADD COLUMN read_at BIGINT;

-- Messages settled before this version: their outcome is on the row (engagement is not: it
-- counts from this version on).
UPDATE outbox SET delivered_at = updated_at WHERE status = 'sent';
UPDATE outbox SET bounced_at = updated_at WHERE status = 'failed' AND outcome LIKE 'bounced:%';
UPDATE outbox SET failed_at = updated_at
  WHERE status = 'failed' AND (outcome IS NULL OR outcome NOT LIKE 'bounced:%');

-- The stats read one journey's messages decided in a time window: without this index they
-- would read the whole outbox. Its columns never change after the insert, so the dispatcher's
-- claims and settlements do not write it.
CREATE INDEX outbox_journey ON outbox(workspace, journey, created_at);
