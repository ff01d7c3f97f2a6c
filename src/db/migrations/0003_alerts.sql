CREATE TABLE "alert_sends" (
	"endpoint_id" text COLLATE "C" NOT NULL,
	"kind" text NOT NULL,
	"sent_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "alert_sends_endpoint_id_kind_pk" PRIMARY KEY("endpoint_id","kind")
);
--> statement-breakpoint
CREATE TABLE "app_alert_settings" (
	"app_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"emails" text[] DEFAULT '{}' NOT NULL,
	"kinds" text[] DEFAULT '{"endpoint.failing","endpoint.disabled","message.attempt.exhausted"}' NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "app_alert_settings" ADD CONSTRAINT "app_alert_settings_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;