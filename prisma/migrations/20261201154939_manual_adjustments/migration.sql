-- AlterTable
ALTER TABLE "statement_lines" ALTER COLUMN "run_id" DROP NOT NULL,
ALTER COLUMN "call_id" DROP NOT NULL,
ALTER COLUMN "call_period" DROP NOT NULL,
ALTER COLUMN "role" DROP NOT NULL,
ALTER COLUMN "base_amount" DROP NOT NULL;

-- CreateTable
CREATE TABLE "manual_adjustments" (
    "id" UUID NOT NULL,
    "payee_id" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "amount" DECIMAL(24,6) NOT NULL,
    "currency" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "statement_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,
    "deleted_at" TIMESTAMPTZ(3),
    "deleted_by" TEXT,

    CONSTRAINT "manual_adjustments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "manual_adjustments_payee_id_period_idx" ON "manual_adjustments"("payee_id", "period");

-- CreateIndex
CREATE INDEX "manual_adjustments_period_created_at_idx" ON "manual_adjustments"("period", "created_at");
