-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN     "cancel_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "cancel_requested_by" TEXT;
