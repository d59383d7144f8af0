ALTER TABLE `organizations` ADD `max_instances` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `max_api_keys` integer;