-- AlterTable
ALTER TABLE "calls" ADD COLUMN     "changed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "moved_at" TIMESTAMPTZ(6);

-- CreateTable
CREATE TABLE "period_computations" (
    "period" TEXT NOT NULL,
    "computed_at" TIMESTAMPTZ(6),
    "run_id" UUID,
    "run_period" TEXT,
    "inputs" TEXT,
    "unsettled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "period_computations_pkey" PRIMARY KEY ("period")
);

-- CreateIndex
CREATE INDEX "calls_changed_at_idx" ON "calls"("changed_at");

-- calls.changed_at moves whenever anything a run reads of the call changes: every column but the sync's own
-- bookkeeping. clock_timestamp(), not now(): the moment of the write, which runs compare with their read point.
-- The body is an E'' string whose semicolons are written \073: Prisma's pg adapter runs a migration script
-- statement by statement, split at every semicolon, dollar quotes or not (docs/database.md).
CREATE FUNCTION "calls_set_changed_at"() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  previous calls\073
BEGIN
  IF TG_OP = ''INSERT'' THEN
    NEW.changed_at := clock_timestamp()\073
    RETURN NEW\073
  END IF\073
  previous := OLD\073
  previous.last_synced_at := NEW.last_synced_at\073
  previous.missing_upstream := NEW.missing_upstream\073
  previous.changed_at := NEW.changed_at\073
  previous.moved_at := NEW.moved_at\073
  IF previous IS DISTINCT FROM NEW THEN
    NEW.changed_at := clock_timestamp()\073
  END IF\073
  IF NEW.period IS DISTINCT FROM OLD.period THEN
    NEW.moved_at := clock_timestamp()\073
  END IF\073
  RETURN NEW\073
END';

CREATE TRIGGER "calls_changed_at" BEFORE INSERT OR UPDATE ON "calls" FOR EACH ROW EXECUTE FUNCTION "calls_set_changed_at"();

-- Every period holding a call line is one a run settles, and none has been computed under this table yet.
INSERT INTO "period_computations" ("period") SELECT DISTINCT "call_period" FROM "statement_lines" WHERE "call_period" IS NOT NULL;

-- AlterTable
ALTER TABLE "payout_runs" ADD COLUMN     "full_recompute" BOOLEAN NOT NULL DEFAULT false;
