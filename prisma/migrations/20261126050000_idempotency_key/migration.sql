-- CreateTable
CREATE TABLE "idempotency_key" (
    "userid" INTEGER NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "fingerprint" CHAR(64) NOT NULL,
    "result" TEXT,
    "created" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("userid","key")
);

-- CreateIndex
CREATE INDEX "idempotency_key_created_idx" ON "idempotency_key"("created");
