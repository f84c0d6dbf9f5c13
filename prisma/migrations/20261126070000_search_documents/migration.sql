-- The search document, defined once and computed set-based.
--
-- 20261126030000_search kept the document (search, filter_keys, title_sort,
-- metadata_visibility) with a row-at-a-time PL/pgSQL trigger. Its rules are unchanged here;
-- they now live in one SQL function, vellum_search_documents(eprint[]), which computes the
-- documents of many rows in one query (the creators, keywords and subject names of a whole
-- batch in a few joins, instead of a loop of small queries per row). The trigger calls it for
-- the row it sees; a bulk writer (EPrintStore.insertBatch) calls it once per batch and
-- supplies the columns itself, announcing that with the transaction-local setting
-- vellum.search_documents = 'supplied', which makes the trigger stand aside for that
-- transaction's inserts. Anything else (deposits, edits, subject renames, raw SQL) is
-- maintained by the trigger as before.
--
-- Subject names are joined in the subject table's physical order (ORDER BY ctid), which is
-- the order the trigger's sequential scan of that small table gave, so documents are the
-- same as those already stored.
--
-- The change feed's classify trigger looks up a record's latest change (WHERE eprintid = $1
-- ORDER BY seq DESC LIMIT 1). With an index on eprintid alone the planner walked the primary
-- key backwards from the newest change, reading the whole table for a record that had no
-- change yet (every new record): each insert cost O(changes). The index on (eprintid, seq)
-- answers it in one probe; it also serves every query the old index served.

CREATE FUNCTION vellum_search_documents(rows eprint[])
RETURNS TABLE (i bigint, search tsvector, filter_keys text[], title_sort varchar, metadata_visibility varchar)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  -- Weights: A title; B creator names (people and corporate) and keywords; C abstract;
  -- D publication and the names of the record's subjects (every language).
  -- Exact-match keys, first occurrence first: o: ORCID, f: family name, g: family|given
  -- (whole, and the first given name), i: family|initial, then p: publication, d: DOI,
  -- k: each keyword. Names and keys are folded as vellum_norm() folds them (written out here:
  -- a SQL function called inside a query is not inlined and costs more than the rest).
  -- `i` is the row's position in `rows`.
  WITH r AS MATERIALIZED (
    SELECT u.ordinality AS i, u.data, u.title, u.publication, u.id_number, u.subjects
      FROM unnest(rows) WITH ORDINALITY AS u
  ), cr AS MATERIALIZED (
    SELECT r.i, x.ord, x.c,
           nullif(left(btrim(regexp_replace(lower(unaccent('unaccent'::regdictionary, x.c->'name'->>'family')), '[[:space:]]+', ' ', 'g')), 200), '') AS fam,
           nullif(left(btrim(regexp_replace(lower(unaccent('unaccent'::regdictionary, x.c->'name'->>'given')), '[[:space:]]+', ' ', 'g')), 200), '') AS giv
      FROM r, jsonb_array_elements(CASE WHEN jsonb_typeof(r.data->'creators') = 'array' THEN r.data->'creators' ELSE '[]' END) WITH ORDINALITY AS x(c, ord)
  ), people AS (
    SELECT cr.i, string_agg(concat_ws(' ', cr.c->'name'->>'honourific', cr.c->'name'->>'given', cr.c->'name'->>'family', cr.c->'name'->>'lineage'), ' ; ' ORDER BY cr.ord) AS names
      FROM cr GROUP BY cr.i
  ), candidates AS (
    SELECT cr.i, cr.ord * 8 + k.n AS o, k.key
      FROM cr, LATERAL (VALUES
        (1, 'o:' || nullif(upper(btrim(cr.c->>'orcid')), '')),
        (2, 'f:' || cr.fam),
        (3, 'g:' || cr.fam || '|' || cr.giv),
        (4, 'g:' || cr.fam || '|' || nullif(split_part(translate(cr.giv, '-.', '  '), ' ', 1), '')),
        (5, 'i:' || cr.fam || '|' || left(cr.giv, 1))) AS k(n, key)
    UNION ALL
    SELECT r.i, 1000000001, 'p:' || nullif(left(btrim(regexp_replace(lower(unaccent('unaccent'::regdictionary, r.publication)), '[[:space:]]+', ' ', 'g')), 200), '')
      FROM r
    UNION ALL
    SELECT r.i, 1000000002, 'd:' || lower(substring(r.id_number FROM '10\.[0-9]{4,9}/[^[:space:]]+'))
      FROM r
    UNION ALL
    SELECT r.i, 1000000002 + w.n, 'k:' || nullif(left(btrim(regexp_replace(lower(unaccent('unaccent'::regdictionary, w.k)), '[[:space:]]+', ' ', 'g')), 200), '')
      FROM r, unnest(string_to_array(translate(r.data->>'keywords', E';\n', ',,'), ',')) WITH ORDINALITY AS w(k, n)
  ), keys AS (
    SELECT d.i, array_agg(d.key ORDER BY d.o) AS filter_keys
      FROM (SELECT c.i, c.key, min(c.o) AS o FROM candidates c WHERE c.key IS NOT NULL GROUP BY c.i, c.key) d
     GROUP BY d.i
  ), subject_names AS (
    SELECT p.i, string_agg(jsonb_path_query_array(s.name, '$[*].name')::text, ' ; ' ORDER BY s.ctid) AS names
      FROM (SELECT DISTINCT r.i, u.id FROM r, unnest(r.subjects) AS u(id)) p
      JOIN subject s ON s.subjectid = p.id
     GROUP BY p.i
  )
  SELECT r.i,
         setweight(to_tsvector('vellum_search', coalesce(r.title, '')), 'A')
      || setweight(to_tsvector('vellum_search', concat_ws(' ; ', people.names,
           CASE WHEN jsonb_typeof(r.data->'corp_creators') = 'array' THEN (SELECT string_agg(x, ' ; ') FROM jsonb_array_elements_text(r.data->'corp_creators') x) END,
           r.data->>'keywords')), 'B')
      || setweight(to_tsvector('vellum_search', coalesce(r.data->>'abstract', '')), 'C')
      || setweight(to_tsvector('vellum_search', concat_ws(' ; ', r.publication, subject_names.names)), 'D'),
         coalesce(keys.filter_keys, '{}'),
         nullif(left(ltrim(lower(unaccent('unaccent'::regdictionary, r.title)), E' \t\r\n"''`([{<¿¡*#-_.,:;!?/\\|~'), 128), '')::varchar,
         coalesce(r.data->>'metadata_visibility', 'show')::varchar
    FROM r
    LEFT JOIN people ON people.i = r.i
    LEFT JOIN keys ON keys.i = r.i
    LEFT JOIN subject_names ON subject_names.i = r.i
$$;

CREATE OR REPLACE FUNCTION eprint_search_maintain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT d.search, d.filter_keys, d.title_sort, d.metadata_visibility
    INTO NEW.search, NEW.filter_keys, NEW.title_sort, NEW.metadata_visibility
    FROM vellum_search_documents(ARRAY[NEW]) d;
  RETURN NEW;
END $$;

-- Updates are always maintained here; inserts unless their transaction supplies the documents.
DROP TRIGGER eprint_search_maintain ON eprint;
CREATE TRIGGER eprint_search_maintain BEFORE UPDATE ON eprint
  FOR EACH ROW EXECUTE FUNCTION eprint_search_maintain();
CREATE TRIGGER eprint_search_maintain_insert BEFORE INSERT ON eprint
  FOR EACH ROW WHEN (current_setting('vellum.search_documents', true) IS DISTINCT FROM 'supplied')
  EXECUTE FUNCTION eprint_search_maintain();

-- DropIndex
DROP INDEX "eprint_change_eprintid_idx";

-- CreateIndex
CREATE INDEX "eprint_change_eprintid_seq_idx" ON "eprint_change"("eprintid", "seq");
