CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`invited_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`accepted_at` integer,
	`accepted_by` text,
	`revoked_at` integer,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash_unique` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invitations_org_idx` ON `invitations` (`organization_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `operator_audit_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_user_id` text,
	`action` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text,
	`ip` text,
	`user_agent` text,
	`request_id` text,
	`metadata` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `operator_audit_logs_created_idx` ON `operator_audit_logs` (`created_at`);--> statement-breakpoint
CREATE TABLE `password_resets` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `password_resets_token_hash_unique` ON `password_resets` (`token_hash`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `kind` text DEFAULT 'user' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `max_requests_per_day` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `viewer_data_access` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `owner_max_requests_per_day` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `owner_rate_limit_requests` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `owner_rate_limit_window_seconds` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `suspended_at` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `allow_scripts` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_pipeline_commands` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_reply_bytes` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_reply_elements` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_streams_per_key` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_streams_per_instance` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_stream_seconds` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `server_address` text;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `server_run_id` text;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `isolation_report` text;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `isolation_checked_at` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `transport` text DEFAULT 'pooled' NOT NULL;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `region` text;--> statement-breakpoint
CREATE INDEX `redis_instances_server_address_idx` ON `redis_instances` (`server_address`);--> statement-breakpoint
CREATE INDEX `redis_instances_server_run_id_idx` ON `redis_instances` (`server_run_id`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `last_seen_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `is_operator` integer DEFAULT false NOT NULL;