ALTER TABLE `api_keys` ADD `kind` text DEFAULT 'user' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `viewer_data_access` integer DEFAULT false NOT NULL;