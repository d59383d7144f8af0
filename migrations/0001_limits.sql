ALTER TABLE `api_keys` ADD `rate_limit_requests` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `rate_limit_window_seconds` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `max_requests_per_day` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `rate_limit_requests` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `rate_limit_window_seconds` integer;