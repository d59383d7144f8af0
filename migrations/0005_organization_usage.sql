CREATE TABLE `organization_usage` (
	`organization_id` text PRIMARY KEY NOT NULL,
	`day` text NOT NULL,
	`requests` integer NOT NULL,
	`commands` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `organization_usage_day_commands_idx` ON `organization_usage` (`day`,`commands`);