-- Search and the change feed.
--
-- The search document, the exact-match filter keys, the title sort key and the metadata
-- visibility of each eprint are kept by the database itself (trigger eprint_search_maintain),
-- from the typed columns, `data` and the subject table: every writer, present or future,
-- keeps them right, and no application loop ever rebuilds them. A subject's new name reaches
-- the documents of the records filed under it through trigger subject_search_refresh.
--
-- Every eprint_change row records the status after the change and what an anonymous mirror
-- may learn from it (trigger eprint_change_classify), and the id of the transaction that
-- wrote it, which the feed orders by so that a reader never skips a change that commits late
-- (records/changes.ts).

CREATE EXTENSION IF NOT EXISTS unaccent;

-- English stemming, with accents folded first, so `Muller` finds `Müller` and `networks` finds `network`.
CREATE TEXT SEARCH CONFIGURATION vellum_search (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION vellum_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
ALTER TEXT SEARCH CONFIGURATION vellum_search ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;

-- unaccent() is STABLE because it looks its dictionary up by name; naming the dictionary makes it immutable.
CREATE FUNCTION vellum_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$;

-- The normal form of exact-match keys: accents folded, lower case, single spaces, at most 200 characters.
CREATE FUNCTION vellum_norm(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT left(btrim(regexp_replace(lower(vellum_unaccent($1)), '[[:space:]]+', ' ', 'g')), 200) $$;

-- Weights: A title; B creator names (people and corporate) and keywords; C abstract;
-- D publication and the names of the record's subjects (every language).
-- Exact-match keys: o: ORCID, f: family name, g: family|given (whole, and the first given
-- name), i: family|initial, k: keyword, p: publication, d: DOI.
-- (Helper SQL functions are kept out of the queries here: called from inside a query they are
-- not inlined and cost more than the rest of the trigger.)
CREATE FUNCTION eprint_search_maintain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  c jsonb;
  people text;
  corporate text;
  subject_names text;
  fam text;
  giv text;
  k text;
  keys text[] := '{}';
  candidates text[];
BEGIN
  FOR c IN SELECT jsonb_array_elements(CASE WHEN jsonb_typeof(NEW.data->'creators') = 'array' THEN NEW.data->'creators' ELSE '[]' END) LOOP
    people := concat_ws(' ; ', people, concat_ws(' ', c->'name'->>'honourific', c->'name'->>'given', c->'name'->>'family', c->'name'->>'lineage'));
    fam := nullif(vellum_norm(c->'name'->>'family'), '');
    giv := nullif(vellum_norm(c->'name'->>'given'), '');
    candidates := ARRAY[
      'o:' || nullif(upper(btrim(c->>'orcid')), ''),
      'f:' || fam,
      'g:' || fam || '|' || giv,
      'g:' || fam || '|' || nullif(split_part(translate(giv, '-.', '  '), ' ', 1), ''),
      'i:' || fam || '|' || left(giv, 1)];
    FOREACH k IN ARRAY candidates LOOP
      IF k IS NOT NULL AND NOT k = ANY (keys) THEN keys := keys || k; END IF;
    END LOOP;
  END LOOP;
  IF jsonb_typeof(NEW.data->'corp_creators') = 'array' THEN
    SELECT string_agg(x, ' ; ') INTO corporate FROM jsonb_array_elements_text(NEW.data->'corp_creators') x;
  END IF;
  IF cardinality(NEW.subjects) > 0 THEN
    SELECT string_agg(jsonb_path_query_array(s.name, '$[*].name')::text, ' ; ') INTO subject_names
      FROM subject s WHERE s.subjectid = ANY (NEW.subjects);
  END IF;
  candidates := ARRAY[
    'p:' || nullif(vellum_norm(NEW.publication), ''),
    'd:' || lower(substring(NEW.id_number FROM '10\.[0-9]{4,9}/[^[:space:]]+'))];
  FOREACH k IN ARRAY coalesce(string_to_array(translate(NEW.data->>'keywords', E';\n', ',,'), ','), '{}') LOOP
    candidates := candidates || ('k:' || nullif(vellum_norm(k), ''));
  END LOOP;
  FOREACH k IN ARRAY candidates LOOP
    IF k IS NOT NULL AND NOT k = ANY (keys) THEN keys := keys || k; END IF;
  END LOOP;

  NEW.filter_keys := keys;
  NEW.search :=
       setweight(to_tsvector('vellum_search', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('vellum_search', concat_ws(' ; ', people, corporate, NEW.data->>'keywords')), 'B')
    || setweight(to_tsvector('vellum_search', coalesce(NEW.data->>'abstract', '')), 'C')
    || setweight(to_tsvector('vellum_search', concat_ws(' ; ', NEW.publication, subject_names)), 'D');
  NEW.title_sort := nullif(left(ltrim(lower(vellum_unaccent(NEW.title)), E' \t\r\n"''`([{<¿¡*#-_.,:;!?/\\|~'), 128), '');
  NEW.metadata_visibility := coalesce(NEW.data->>'metadata_visibility', 'show');
  RETURN NEW;
END $$;

-- A subject renamed, added or removed: the documents of the records filed under it follow
-- (rewriting `subjects` with itself runs eprint_search_maintain; lastmod and the feed stay as they are).
CREATE FUNCTION subject_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  id varchar(128) := CASE WHEN TG_OP = 'DELETE' THEN OLD.subjectid ELSE NEW.subjectid END;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.name IS NOT DISTINCT FROM NEW.name THEN
    RETURN NULL;
  END IF;
  UPDATE eprint SET subjects = subjects WHERE subjects @> ARRAY[id]::varchar(128)[];
  RETURN NULL;
END $$;

-- The status after each change, and what an anonymous mirror learns from it: `created` when a
-- record becomes public, `updated` when a public record changes, `deleted` when it stops being
-- public (retired, or moved back to the review buffer); nothing for changes that were never public.
CREATE FUNCTION eprint_change_classify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  before eprint_status;
BEGIN
  IF NEW.action = 'deleted' THEN
    NEW.eprint_status := NULL;
  ELSE
    SELECT e.eprint_status INTO NEW.eprint_status FROM eprint e WHERE e.eprintid = NEW.eprintid;
  END IF;
  SELECT c.eprint_status INTO before FROM eprint_change c WHERE c.eprintid = NEW.eprintid ORDER BY c.seq DESC LIMIT 1;
  NEW.public_action := CASE
    WHEN NEW.eprint_status = 'archive' THEN CASE WHEN before = 'archive' THEN 'updated' ELSE 'created' END
    WHEN before = 'archive' THEN 'deleted'
  END;
  RETURN NEW;
END $$;

-- AlterTable
ALTER TABLE "eprint" ADD COLUMN     "filter_keys" TEXT[],
ADD COLUMN     "metadata_visibility" VARCHAR(16) NOT NULL DEFAULT 'show',
ADD COLUMN     "search" tsvector,
ADD COLUMN     "title_sort" VARCHAR(128);

-- AlterTable
ALTER TABLE "eprint_change" ADD COLUMN     "eprint_status" "eprint_status",
ADD COLUMN     "public_action" VARCHAR(16),
ADD COLUMN     "xid" xid8 NOT NULL DEFAULT '0';
-- rows written before this migration sort first; from now on each row carries its writer's xid
ALTER TABLE "eprint_change" ALTER COLUMN "xid" SET DEFAULT pg_current_xact_id();

CREATE TRIGGER eprint_search_maintain BEFORE INSERT OR UPDATE ON eprint
  FOR EACH ROW EXECUTE FUNCTION eprint_search_maintain();
CREATE TRIGGER subject_search_refresh AFTER INSERT OR UPDATE OF name OR DELETE ON subject
  FOR EACH ROW EXECUTE FUNCTION subject_search_refresh();
CREATE TRIGGER eprint_change_classify BEFORE INSERT ON eprint_change
  FOR EACH ROW EXECUTE FUNCTION eprint_change_classify();

-- Existing rows: documents built by the trigger, changes classified from their revisions.
UPDATE eprint SET subjects = subjects;

WITH s AS (
  SELECT c.seq, c.eprintid,
         CASE WHEN c.action = 'deleted' THEN NULL ELSE (r.data->>'eprint_status')::eprint_status END AS st
    FROM eprint_change c LEFT JOIN eprint_revision r ON r.eprintid = c.eprintid AND r.rev_number = c.rev_number
), p AS (
  SELECT seq, st, lag(st) OVER (PARTITION BY eprintid ORDER BY seq) AS prev FROM s
)
UPDATE eprint_change c
   SET eprint_status = p.st,
       public_action = CASE
         WHEN p.st = 'archive' THEN CASE WHEN p.prev = 'archive' THEN 'updated' ELSE 'created' END
         WHEN p.prev = 'archive' THEN 'deleted'
       END
  FROM p WHERE p.seq = c.seq;

-- CreateIndex
CREATE INDEX "eprint_search_idx" ON "eprint" USING GIN ("search");

-- CreateIndex
CREATE INDEX "eprint_filter_keys_idx" ON "eprint" USING GIN ("filter_keys");

-- CreateIndex
CREATE INDEX "eprint_date_eprintid_idx" ON "eprint"("date", "eprintid");

-- CreateIndex
CREATE INDEX "eprint_title_sort_eprintid_idx" ON "eprint"("title_sort", "eprintid");

-- CreateIndex
CREATE INDEX "eprint_datestamp_eprintid_idx" ON "eprint"("datestamp", "eprintid");

-- CreateIndex
CREATE INDEX "eprint_change_xid_seq_idx" ON "eprint_change"("xid", "seq");
