-- The number of sessions without a signed-in user (live and ended), kept by triggers in the
-- statement that changes it: the store bounds it (SESSION_ANONYMOUS_MAX_SESSIONS) without a COUNT(*).
CREATE TABLE `session_counts` (`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1), `anonymous` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `session_counts` (`id`, `anonymous`) SELECT 1, count(*) FROM `sessions` WHERE `user_id` IS NULL;
--> statement-breakpoint
CREATE TRIGGER `sessions_anonymous_inserted` AFTER INSERT ON `sessions` WHEN NEW.`user_id` IS NULL
BEGIN UPDATE `session_counts` SET `anonymous` = `anonymous` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `sessions_anonymous_deleted` AFTER DELETE ON `sessions` WHEN OLD.`user_id` IS NULL
BEGIN UPDATE `session_counts` SET `anonymous` = `anonymous` - 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `sessions_anonymous_changed` AFTER UPDATE OF `user_id` ON `sessions` WHEN (OLD.`user_id` IS NULL) <> (NEW.`user_id` IS NULL)
BEGIN UPDATE `session_counts` SET `anonymous` = `anonymous` + (CASE WHEN NEW.`user_id` IS NULL THEN 1 ELSE -1 END) WHERE `id` = 1; END;
