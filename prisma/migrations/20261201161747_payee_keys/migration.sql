-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "payee_id" TEXT;
