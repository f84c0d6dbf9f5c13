-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "eprint_status" AS ENUM ('inbox', 'buffer', 'archive', 'deletion');

-- CreateEnum
CREATE TYPE "usertype" AS ENUM ('user', 'editor', 'admin');

-- CreateTable
CREATE TABLE "eprint" (
    "eprintid" SERIAL NOT NULL,
    "rev_number" INTEGER NOT NULL,
    "eprint_status" "eprint_status" NOT NULL,
    "userid" INTEGER,
    "type" VARCHAR(64) NOT NULL,
    "title" TEXT,
    "date" VARCHAR(10),
    "date_year" INTEGER,
    "date_type" VARCHAR(32),
    "ispublished" VARCHAR(32),
    "refereed" BOOLEAN,
    "id_number" VARCHAR(255),
    "publication" VARCHAR(255),
    "subjects" VARCHAR(128)[],
    "divisions" VARCHAR(128)[],
    "datestamp" TIMESTAMP(0),
    "lastmod" TIMESTAMP(0) NOT NULL,
    "status_changed" TIMESTAMP(0),
    "data" JSONB NOT NULL,
    "public_json" TEXT,

    CONSTRAINT "eprint_pkey" PRIMARY KEY ("eprintid")
);

-- CreateTable
CREATE TABLE "eprint_revision" (
    "eprintid" INTEGER NOT NULL,
    "rev_number" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "lastmod" TIMESTAMP(0) NOT NULL,
    "actor" INTEGER,

    CONSTRAINT "eprint_revision_pkey" PRIMARY KEY ("eprintid","rev_number")
);

-- CreateTable
CREATE TABLE "eprint_change" (
    "seq" BIGSERIAL NOT NULL,
    "eprintid" INTEGER NOT NULL,
    "rev_number" INTEGER NOT NULL,
    "action" VARCHAR(16) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "eprint_change_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "subject" (
    "subjectid" VARCHAR(128) NOT NULL,
    "rev_number" INTEGER NOT NULL DEFAULT 1,
    "name" JSONB NOT NULL,
    "parents" VARCHAR(128)[],
    "depositable" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "subject_pkey" PRIMARY KEY ("subjectid")
);

-- CreateTable
CREATE TABLE "user" (
    "userid" SERIAL NOT NULL,
    "username" VARCHAR(255) NOT NULL,
    "usertype" "usertype" NOT NULL DEFAULT 'user',
    "email" VARCHAR(255),
    "name" JSONB NOT NULL,
    "dept" VARCHAR(255),
    "org" VARCHAR(255),
    "joined" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_pkey" PRIMARY KEY ("userid")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" SERIAL NOT NULL,
    "userid" INTEGER NOT NULL,
    "label" VARCHAR(255),
    "hash" CHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "created" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used" TIMESTAMPTZ(3),
    "revoked" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "eprint_eprint_status_eprintid_idx" ON "eprint"("eprint_status", "eprintid");

-- CreateIndex
CREATE INDEX "eprint_lastmod_eprintid_idx" ON "eprint"("lastmod", "eprintid");

-- CreateIndex
CREATE INDEX "eprint_userid_idx" ON "eprint"("userid");

-- CreateIndex
CREATE INDEX "eprint_type_idx" ON "eprint"("type");

-- CreateIndex
CREATE INDEX "eprint_date_year_idx" ON "eprint"("date_year");

-- CreateIndex
CREATE INDEX "eprint_subjects_idx" ON "eprint" USING GIN ("subjects");

-- CreateIndex
CREATE INDEX "eprint_divisions_idx" ON "eprint" USING GIN ("divisions");

-- CreateIndex
CREATE INDEX "eprint_change_eprintid_idx" ON "eprint_change"("eprintid");

-- CreateIndex
CREATE UNIQUE INDEX "user_username_key" ON "user"("username");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_hash_key" ON "api_token"("hash");

-- CreateIndex
CREATE INDEX "api_token_userid_idx" ON "api_token"("userid");

-- AddForeignKey
ALTER TABLE "eprint_revision" ADD CONSTRAINT "eprint_revision_eprintid_fkey" FOREIGN KEY ("eprintid") REFERENCES "eprint"("eprintid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_token" ADD CONSTRAINT "api_token_userid_fkey" FOREIGN KEY ("userid") REFERENCES "user"("userid") ON DELETE CASCADE ON UPDATE CASCADE;


-- CreateTable
CREATE TABLE "setting" (
    "key" VARCHAR(64) NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "setting_pkey" PRIMARY KEY ("key")
);
