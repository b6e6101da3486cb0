-- Indexes whose keys are random per row cost one page written per row per commit (on SQLite a whole
-- page into the WAL); these two served only erasures, which now find their rows another way
-- (docs/runtime.md, "Erasure"):
--   timers_profile  an erasure scans the timers for the profile's ids, outside the write
--                   transaction (erasures are rare; every timer set is not)
--   outbox_profile  every outbox row has its decision's timeline row under the same message id
DROP INDEX timers_profile;
DROP INDEX outbox_profile;
