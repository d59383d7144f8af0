ALTER TABLE `redis_instances` ADD `server_address` text;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `server_run_id` text;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `isolation_report` text;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `isolation_checked_at` integer;--> statement-breakpoint
CREATE INDEX `redis_instances_server_address_idx` ON `redis_instances` (`server_address`);--> statement-breakpoint
CREATE INDEX `redis_instances_server_run_id_idx` ON `redis_instances` (`server_run_id`);