-- CreateTable
CREATE TABLE "calls" (
    "id" TEXT NOT NULL,
    "status" TEXT,
    "closer_id" TEXT,
    "setter_id" TEXT,
    "lead_id" TEXT,
    "product_id" TEXT,
    "booking_link_id" TEXT,
    "linked_payment_id" TEXT,
    "call_kind" TEXT,
    "utm_source" TEXT,
    "utm_medium" TEXT,
    "utm_campaign" TEXT,
    "utm_content" TEXT,
    "utm_term" TEXT,
    "referral" TEXT,
    "expected_deal_value" BIGINT,
    "base_amount" DECIMAL(24,6),
    "currency" TEXT NOT NULL,
    "commission_at" TIMESTAMPTZ(3),
    "commission_day" TEXT,
    "period" TEXT,
    "commissionable" BOOLEAN NOT NULL,
    "reason" TEXT,
    "missing_upstream" BOOLEAN NOT NULL DEFAULT false,
    "raw" JSONB NOT NULL,
    "content_hash" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "upstream_updated_at" TIMESTAMPTZ(3),
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "call_versions" (
    "id" BIGSERIAL NOT NULL,
    "call_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "snapshot" JSONB NOT NULL,
    "content_hash" TEXT NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3) NOT NULL,
    "sync_run_id" UUID,

    CONSTRAINT "call_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quarantined_records" (
    "id" BIGSERIAL NOT NULL,
    "content_hash" TEXT NOT NULL,
    "upstream_id" TEXT,
    "reason" TEXT NOT NULL,
    "field" TEXT,
    "message" TEXT NOT NULL,
    "raw" JSONB NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_sync_run_id" UUID,
    "times_seen" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "quarantined_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" UUID NOT NULL,
    "active_slot" TEXT,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "checkpoint_cursor" TEXT,
    "resumed_count" INTEGER NOT NULL DEFAULT 0,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "rate_limit_wait_ms" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,
    "inserted" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "quarantined" INTEGER NOT NULL DEFAULT 0,
    "missing_upstream" INTEGER NOT NULL DEFAULT 0,
    "duration_ms" INTEGER,

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_run_pages" (
    "sync_run_id" UUID NOT NULL,
    "page_number" INTEGER NOT NULL,
    "cursor" TEXT,
    "next_cursor" TEXT,
    "call_ids" TEXT[],
    "committed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_run_pages_pkey" PRIMARY KEY ("sync_run_id","page_number")
);

-- CreateIndex
CREATE INDEX "calls_period_commissionable_idx" ON "calls"("period", "commissionable");

-- CreateIndex
CREATE INDEX "calls_closer_id_period_idx" ON "calls"("closer_id", "period");

-- CreateIndex
CREATE INDEX "calls_setter_id_period_idx" ON "calls"("setter_id", "period");

-- CreateIndex
CREATE UNIQUE INDEX "call_versions_call_id_version_key" ON "call_versions"("call_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "quarantined_records_content_hash_key" ON "quarantined_records"("content_hash");

-- CreateIndex
CREATE INDEX "quarantined_records_upstream_id_idx" ON "quarantined_records"("upstream_id");

-- CreateIndex
CREATE UNIQUE INDEX "sync_runs_active_slot_key" ON "sync_runs"("active_slot");

-- CreateIndex
CREATE INDEX "sync_runs_created_at_idx" ON "sync_runs"("created_at");

-- AddForeignKey
ALTER TABLE "call_versions" ADD CONSTRAINT "call_versions_call_id_fkey" FOREIGN KEY ("call_id") REFERENCES "calls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_run_pages" ADD CONSTRAINT "sync_run_pages_sync_run_id_fkey" FOREIGN KEY ("sync_run_id") REFERENCES "sync_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
