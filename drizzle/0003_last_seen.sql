-- One name for when a session was last written (its "last seen" in the device list): the column
-- was `updated_at`, while the code called the same moment last seen.
ALTER TABLE `sessions` RENAME COLUMN `updated_at` TO `last_seen_at`;
