-- Search at scale (records/search.ts).
--
-- 1. What a search reads stays in the row. A search document (title, names, keywords,
--    abstract, subject names) is about 2 kB and barely compresses, so PostgreSQL moved it out
--    of the row into the TOAST table with `data` and `public_json`: ranking or matching a
--    record cost a TOAST index probe and page reads (ranking the 36,000 matches of one word
--    at 100,000 records read 640 MB of TOAST), and the planner, which does not price that,
--    chose for a frequent word a sequential scan that detoasted every row. Keeping the
--    document in the row is not enough on its own: PostgreSQL then shrinks the row towards
--    2 kB by moving out every other value longer than a TOAST pointer, so the subjects and
--    divisions the facets count would be read from TOAST instead.
--    So: the document and the columns searches filter, count and sort on are STORAGE MAIN
--    (kept in the row unless the row could not fit a page otherwise), and the table's
--    toast_tuple_target is 3000 bytes, so that moving `data` and `public_json` out (they go
--    first, being the largest) is enough for a typical row; rows with a long document move
--    out their title, publication or filter keys too, which searches do not read from the
--    row. A row is then about 2.7 kB, three to a page. The rows already stored are rewritten
--    once (CLUSTER) so that theirs are laid out the same way.
--
-- 2. The full-text GIN index also holds `type` and `date_year` (btree_gin operator classes),
--    so `q` with a type and a year is answered inside one index: GIN intersects the three
--    posting lists, skipping through the long ones, instead of building and ANDing bitmaps of
--    every record with the word and every record of the type. With the word alone it serves
--    as the old index did; it replaces it (two indexes over the documents would double the
--    cost of writing them).

CREATE EXTENSION IF NOT EXISTS btree_gin;

ALTER TABLE "eprint"
  ALTER COLUMN "search" SET STORAGE MAIN,
  ALTER COLUMN "type" SET STORAGE MAIN,
  ALTER COLUMN "date" SET STORAGE MAIN,
  ALTER COLUMN "date_type" SET STORAGE MAIN,
  ALTER COLUMN "ispublished" SET STORAGE MAIN,
  ALTER COLUMN "subjects" SET STORAGE MAIN,
  ALTER COLUMN "divisions" SET STORAGE MAIN,
  ALTER COLUMN "metadata_visibility" SET STORAGE MAIN,
  ALTER COLUMN "title_sort" SET STORAGE MAIN,
  SET (toast_tuple_target = 3000);

-- DropIndex
DROP INDEX "eprint_search_idx";

-- CreateIndex
CREATE INDEX "eprint_search_type_date_year_idx" ON "eprint" USING GIN ("search", "type" varchar_ops, "date_year" int4_ops);

CLUSTER "eprint" USING "eprint_pkey";
ALTER TABLE "eprint" SET WITHOUT CLUSTER;
ANALYZE "eprint";
