ALTER TABLE `redis_instances` ADD `transport` text DEFAULT 'pooled' NOT NULL;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `region` text;