-- The libSQL store's tables (the db and cached_db engines), for an app that does not generate them
-- from stores/libsql-schema.ts with drizzle-kit: run it once (it is idempotent) before the first request.
CREATE TABLE IF NOT EXISTS `sessions` (
	`key_hash` text PRIMARY KEY NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ended_at` integer,
	`user_id` integer,
	`user_agent` text,
	`network` text
);
CREATE INDEX IF NOT EXISTS `sessions_expires_at_idx` ON `sessions` (`expires_at`);
CREATE INDEX IF NOT EXISTS `sessions_user_id_idx` ON `sessions` (`user_id`) WHERE "sessions"."user_id" IS NOT NULL;
-- The number of sessions without a signed-in user, kept by triggers: the store bounds it
-- (SESSION_ANONYMOUS_MAX_SESSIONS) without a COUNT(*).
CREATE TABLE IF NOT EXISTS `session_counts` (`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1), `anonymous` integer NOT NULL);
INSERT OR IGNORE INTO `session_counts` (`id`, `anonymous`) SELECT 1, count(*) FROM `sessions` WHERE `user_id` IS NULL;
CREATE TRIGGER IF NOT EXISTS `sessions_anonymous_inserted` AFTER INSERT ON `sessions` WHEN NEW.`user_id` IS NULL
BEGIN UPDATE `session_counts` SET `anonymous` = `anonymous` + 1 WHERE `id` = 1; END;
CREATE TRIGGER IF NOT EXISTS `sessions_anonymous_deleted` AFTER DELETE ON `sessions` WHEN OLD.`user_id` IS NULL
BEGIN UPDATE `session_counts` SET `anonymous` = `anonymous` - 1 WHERE `id` = 1; END;
CREATE TRIGGER IF NOT EXISTS `sessions_anonymous_changed` AFTER UPDATE OF `user_id` ON `sessions` WHEN (OLD.`user_id` IS NULL) <> (NEW.`user_id` IS NULL)
BEGIN UPDATE `session_counts` SET `anonymous` = `anonymous` + (CASE WHEN NEW.`user_id` IS NULL THEN 1 ELSE -1 END) WHERE `id` = 1; END;
