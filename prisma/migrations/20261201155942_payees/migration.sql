-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN     "team" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "payees" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "aura_role" TEXT,
    "employee_id" TEXT,
    "payroll_code" TEXT,
    "listed_upstream" BOOLEAN NOT NULL DEFAULT false,
    "raw" JSONB,
    "content_hash" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payees_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payee_versions" (
    "id" BIGSERIAL NOT NULL,
    "payee_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "changed_by" TEXT,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payee_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "payees_name_idx" ON "payees"("name");

-- CreateIndex
CREATE UNIQUE INDEX "payee_versions_payee_id_version_key" ON "payee_versions"("payee_id", "version");

-- AddForeignKey
ALTER TABLE "payee_versions" ADD CONSTRAINT "payee_versions_payee_id_fkey" FOREIGN KEY ("payee_id") REFERENCES "payees"("id") ON DELETE CASCADE ON UPDATE CASCADE;
