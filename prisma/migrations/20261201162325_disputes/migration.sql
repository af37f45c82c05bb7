-- CreateTable
CREATE TABLE "disputes" (
    "id" UUID NOT NULL,
    "statement_id" UUID NOT NULL,
    "line_id" UUID,
    "payee_id" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "opened_by" TEXT NOT NULL,
    "opened_role" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolution_note" TEXT,
    "adjustment_id" UUID,
    "resolved_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "disputes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "disputes_statement_id_status_idx" ON "disputes"("statement_id", "status");

-- CreateIndex
CREATE INDEX "disputes_payee_id_period_idx" ON "disputes"("payee_id", "period");

-- CreateIndex
CREATE INDEX "disputes_status_opened_at_idx" ON "disputes"("status", "opened_at");
