-- AlterTable
ALTER TABLE "calls" ADD COLUMN     "earnings_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "effective_base_amount" DECIMAL(24,6),
ADD COLUMN     "refunded_share" DECIMAL(11,10),
ADD COLUMN     "terms_changed_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "quarantined_records" ADD COLUMN     "raw_text" TEXT,
ADD COLUMN     "resource" TEXT NOT NULL DEFAULT 'call';

-- AlterTable
ALTER TABLE "sync_run_pages" ADD COLUMN     "resource" TEXT NOT NULL DEFAULT 'calls';

-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN     "payments" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "phase" TEXT NOT NULL DEFAULT 'calls';

-- CreateTable
CREATE TABLE "payments" (
    "id" TEXT NOT NULL,
    "status" TEXT,
    "amount" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "call_id" TEXT,
    "lead_id" TEXT,
    "payment_date" TIMESTAMPTZ(3),
    "refunded_amount" BIGINT,
    "refunded_at" TIMESTAMPTZ(3),
    "refund_status" TEXT,
    "missing_upstream" BOOLEAN NOT NULL DEFAULT false,
    "terms_changed_at" TIMESTAMPTZ(3),
    "upstream_updated_at" TIMESTAMPTZ(3),
    "unreadable_since" TIMESTAMPTZ(3),
    "unreadable_reason" TEXT,
    "raw" JSONB NOT NULL,
    "content_hash" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_versions" (
    "id" BIGSERIAL NOT NULL,
    "payment_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "snapshot" JSONB NOT NULL,
    "content_hash" TEXT NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3) NOT NULL,
    "sync_run_id" UUID,

    CONSTRAINT "payment_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" BIGSERIAL NOT NULL,
    "event" TEXT NOT NULL,
    "data_id" TEXT NOT NULL,
    "upstream_created_at" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "processed_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3),
    "outcome" JSONB,
    "error" TEXT,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payment_versions_payment_id_version_key" ON "payment_versions"("payment_id", "version");

-- CreateIndex
CREATE INDEX "webhook_events_status_id_idx" ON "webhook_events"("status", "id");

-- CreateIndex
CREATE INDEX "webhook_events_resource_data_id_idx" ON "webhook_events"("resource", "data_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_event_data_id_upstream_created_at_key" ON "webhook_events"("event", "data_id", "upstream_created_at");

-- CreateIndex
CREATE INDEX "calls_linked_payment_id_idx" ON "calls"("linked_payment_id");

-- AddForeignKey
ALTER TABLE "payment_versions" ADD CONSTRAINT "payment_versions_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Data: calls stored before payments were synced were judged without their
-- payment. Until the next sync stores the payments (and judges every linked
-- call again), none of them is commissionable, and runs refuse to start
-- (docs/payouts.md). Their change time is when their version was stored.
UPDATE "calls" SET "terms_changed_at" = "last_changed_at", "earnings_changed_at" = "last_changed_at";
UPDATE "calls" SET "commissionable" = false, "reason" = 'payment_missing' WHERE "commissionable";
