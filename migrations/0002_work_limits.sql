ALTER TABLE `redis_instances` ADD `max_pipeline_commands` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_reply_bytes` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_reply_elements` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_streams_per_key` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_streams_per_instance` integer;--> statement-breakpoint
ALTER TABLE `redis_instances` ADD `max_stream_seconds` integer;