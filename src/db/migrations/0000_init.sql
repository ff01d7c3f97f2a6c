CREATE TABLE "api_tokens" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"app_id" text COLLATE "C",
	"session_id" text,
	"expires_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "apps" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"uid" text,
	"name" text NOT NULL,
	"throttle_rate" integer,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "attempts" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"app_id" text COLLATE "C" NOT NULL,
	"delivery_id" bigint NOT NULL,
	"message_id" text COLLATE "C" NOT NULL,
	"endpoint_id" text COLLATE "C" NOT NULL,
	"url" text NOT NULL,
	"status" smallint NOT NULL,
	"response_status_code" smallint DEFAULT 0 NOT NULL,
	"response" text,
	"response_duration_ms" integer DEFAULT 0 NOT NULL,
	"error_class" text,
	"trigger_type" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "background_tasks" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"app_id" text COLLATE "C" NOT NULL,
	"endpoint_id" text COLLATE "C" NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"since" timestamp (3) with time zone NOT NULL,
	"until" timestamp (3) with time zone NOT NULL,
	"cursor" text,
	"processed" integer DEFAULT 0 NOT NULL,
	"leased_until" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"app_id" text COLLATE "C" NOT NULL,
	"message_id" text COLLATE "C" NOT NULL,
	"endpoint_id" text COLLATE "C" NOT NULL,
	"status" smallint DEFAULT 1 NOT NULL,
	"attempt_count" smallint DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone,
	"manual" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoint_throttles" (
	"endpoint_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"tat" timestamp (3) with time zone NOT NULL,
	"granted" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"app_id" text COLLATE "C" NOT NULL,
	"uid" text,
	"url" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"event_types" text[],
	"channels" text[],
	"throttle_rate" integer,
	"disabled" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret" text NOT NULL,
	"previous_secrets" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"headers" text,
	"connector_id" text,
	"connector_template" text,
	"connector_region" text,
	"connector_credentials" text,
	"transformation_code" text,
	"transformation_enabled" boolean DEFAULT false NOT NULL,
	"transformation_variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"transformation_updated_at" timestamp (3) with time zone,
	"failing_since" timestamp (3) with time zone,
	"last_failure_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "event_types" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"group_name" text,
	"schemas" jsonb,
	"feature_flags" jsonb,
	"archived" boolean DEFAULT false NOT NULL,
	"deprecated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"response_status" smallint,
	"response_body" text,
	"locked_until" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"app_id" text COLLATE "C" NOT NULL,
	"event_id" text,
	"event_type" text NOT NULL,
	"payload" jsonb,
	"channels" text[],
	"tags" text[],
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"payload_expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_key" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_app_idx" ON "api_tokens" USING btree ("app_id");--> statement-breakpoint
CREATE UNIQUE INDEX "apps_uid_key" ON "apps" USING btree ("uid") WHERE "apps"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "attempts_endpoint_idx" ON "attempts" USING btree ("endpoint_id","id");--> statement-breakpoint
CREATE INDEX "attempts_message_idx" ON "attempts" USING btree ("message_id","id");--> statement-breakpoint
CREATE INDEX "attempts_response_age_idx" ON "attempts" USING btree ("created_at") WHERE "attempts"."response" is not null;--> statement-breakpoint
CREATE INDEX "background_tasks_runnable_idx" ON "background_tasks" USING btree ("leased_until") WHERE "background_tasks"."status" = 'running';--> statement-breakpoint
CREATE INDEX "background_tasks_app_idx" ON "background_tasks" USING btree ("app_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_message_endpoint_key" ON "deliveries" USING btree ("message_id","endpoint_id");--> statement-breakpoint
CREATE INDEX "deliveries_endpoint_idx" ON "deliveries" USING btree ("endpoint_id","message_id");--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "deliveries" USING btree ("next_attempt_at") WHERE "deliveries"."status" in (1, 3);--> statement-breakpoint
CREATE INDEX "endpoints_app_idx" ON "endpoints" USING btree ("app_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "endpoints_app_uid_key" ON "endpoints" USING btree ("app_id","uid") WHERE "endpoints"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "messages_app_idx" ON "messages" USING btree ("app_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_app_event_id_key" ON "messages" USING btree ("app_id","event_id");--> statement-breakpoint
CREATE INDEX "messages_payload_expiry_idx" ON "messages" USING btree ("payload_expires_at") WHERE "messages"."payload" is not null;