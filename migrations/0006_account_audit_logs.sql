CREATE TABLE `account_audit_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`action` text NOT NULL,
	`ip` text,
	`user_agent` text,
	`request_id` text,
	`metadata` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `account_audit_logs_user_created_idx` ON `account_audit_logs` (`user_id`,`created_at`);