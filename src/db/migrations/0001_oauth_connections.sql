CREATE TABLE "oauth_connections" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"app_id" text COLLATE "C" NOT NULL,
	"connector_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"state_hash" text NOT NULL,
	"state_expires_at" timestamp (3) with time zone NOT NULL,
	"state_used_at" timestamp (3) with time zone,
	"redirect_uri" text NOT NULL,
	"return_path" text,
	"endpoint_id" text COLLATE "C",
	"credentials" text,
	"account" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error_code" text,
	"error_detail" text,
	"refresh_lease_until" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "oauth_connections" ADD CONSTRAINT "oauth_connections_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "oauth_connections_state_key" ON "oauth_connections" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "oauth_connections_app_idx" ON "oauth_connections" USING btree ("app_id","id");--> statement-breakpoint
CREATE INDEX "oauth_connections_endpoint_idx" ON "oauth_connections" USING btree ("endpoint_id") WHERE "oauth_connections"."endpoint_id" is not null;