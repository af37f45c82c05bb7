-- CreateIndex
CREATE INDEX "calls_moved_at_idx" ON "calls"("moved_at");

-- CreateIndex
CREATE INDEX "statement_lines_kind_idx" ON "statement_lines"("kind");

-- Calls that moved to another month before moved_at was stamped: a line of theirs in another period than their own
-- shows it. Marked now, so that the run's check for moved calls reads only calls with moved_at set (ledger.repository
-- anyMovedCall). The calls trigger leaves changed_at alone: moved_at is not one of the columns it compares.
UPDATE "calls" c SET "moved_at" = clock_timestamp()
 WHERE c."moved_at" IS NULL
   AND EXISTS (SELECT 1 FROM "statement_lines" l
                WHERE l."call_id" = c."id" AND l."call_period" IS NOT NULL AND l."call_period" IS DISTINCT FROM c."period");
