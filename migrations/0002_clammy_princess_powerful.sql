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
CREATE INDEX `redis_instances_server_run_id_idx` ON `redis_instances` (`server_run_id`);