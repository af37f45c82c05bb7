-- CreateTable
CREATE TABLE "payout_runs" (
    "id" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "active_period" TEXT,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "sync_first" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "error" TEXT,
    "counts" JSONB,
    "unplanned" JSONB,
    "warnings" JSONB,

    CONSTRAINT "payout_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "statements" (
    "id" UUID NOT NULL,
    "payee_id" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 1,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "commission_total" DECIMAL(24,6) NOT NULL,
    "adjustment_total" DECIMAL(24,6) NOT NULL,
    "total" DECIMAL(24,6) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "hash" TEXT NOT NULL,
    "run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_at" TIMESTAMPTZ(3),
    "approved_by" TEXT,
    "paid_at" TIMESTAMPTZ(3),
    "paid_by" TEXT,
    "payroll_reference" TEXT,

    CONSTRAINT "statements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "statement_lines" (
    "id" UUID NOT NULL,
    "line_key" TEXT NOT NULL,
    "statement_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "call_id" TEXT NOT NULL,
    "call_period" TEXT NOT NULL,
    "payee_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "base_amount" DECIMAL(24,6) NOT NULL,
    "amount" DECIMAL(24,6) NOT NULL,
    "plan_id" UUID,
    "adjusts_line_id" UUID,
    "explanation" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "statement_lines_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payout_runs_active_period_key" ON "payout_runs"("active_period");

-- CreateIndex
CREATE INDEX "payout_runs_period_created_at_idx" ON "payout_runs"("period", "created_at");

-- CreateIndex
CREATE INDEX "statements_period_status_idx" ON "statements"("period", "status");

-- CreateIndex
CREATE UNIQUE INDEX "statements_payee_id_period_sequence_key" ON "statements"("payee_id", "period", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "statement_lines_line_key_key" ON "statement_lines"("line_key");

-- CreateIndex
CREATE INDEX "statement_lines_statement_id_position_idx" ON "statement_lines"("statement_id", "position");

-- CreateIndex
CREATE INDEX "statement_lines_call_id_idx" ON "statement_lines"("call_id");

-- CreateIndex
CREATE INDEX "statement_lines_call_period_payee_id_idx" ON "statement_lines"("call_period", "payee_id");

-- AddForeignKey
ALTER TABLE "statement_lines" ADD CONSTRAINT "statement_lines_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statements"("id") ON DELETE CASCADE ON UPDATE CASCADE;
