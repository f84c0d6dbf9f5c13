/**
 * EPrints' legacy read-only REST API for eprints (REFERENCE.md §6.3, Apache/REST.pm):
 * `/rest/eprint/` lists ids, `/rest/eprint/N.xml` is the EP3 XML export,
 * `/rest/eprint/N/FIELD.txt` a field's raw stored value. With EPrints' privacy holes
 * closed: only archive records are public (staff see every status), the listing shows
 * only what the caller may read, and creator ids and private fields are never served to
 * non-staff (EPrints' REST serves `creators/K/id.txt` and lists every id).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { isStaff } from "../../accounts/viewer.js";
import { problems } from "../../errors.js";
import { escapeHtml } from "../../formats/abstract-page.js";
import { renderRecord } from "../../formats/export.js";
import { lexical } from "../../formats/lexical.js";
import { formatById } from "../../formats/registry.js";
import { EPRINT_FIELDS, FIELD_BY_NAME, type FieldDef } from "../../records/fields.js";
import { readForPublic, visibleIds } from "../../records/public-read.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { sendRepresentation } from "../representation.js";
import { ProblemSchema } from "../schemas.js";
import { eprintIdOf } from "../eprint-id.js";

const XML_TYPE = "text/xml; charset=UTF-8";
const TEXT_TYPE = "text/plain; charset=UTF-8";
const HTML_TYPE = "text/html; charset=UTF-8";
const errors = { 403: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema };

/** REST.pm render_html: a small XHTML page titled "EPrints REST: …". */
function restPage(title: string, list: string): string {
  const t = escapeHtml(`EPrints REST: ${title}`);
  return `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>

<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
  <title>${t}</title>
  <style type="text/css">
    body { font-family: sans-serif; }
  </style>
</head>
<body>
  <h1>${t}</h1>
${list}
</body>
</html>
`;
}

const li = (href: string) => `<li><a href='${escapeHtml(href)}'>${escapeHtml(href)}</a></li>\n`;

/** A field with a `.txt` form: single, and not a compound or a name (REST.pm serve_dataobj). */
function hasText(def: FieldDef): boolean {
  return !def.multiple && def.type !== "compound" && def.type !== "name";
}

export function restRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  const r = typed(app);
  const read = (id: number, req: FastifyRequest) => readForPublic(services.db.readPool, id, req.viewer, "rest");
  const schema = (summary: string) => ({ tags: ["rest"], summary, response: errors });
  const IdParam = z.object({ id: z.string().max(64) });

  r.get("/rest", { schema: { ...schema("Redirects to /rest/"), hide: true } }, async (_req, reply) => reply.redirect("/rest/", 302));
  r.get("/rest/", { schema: schema("The REST API's datasets") }, async (_req, reply) =>
    reply.type(HTML_TYPE).send(restPage("Datasets", `<ul>\n<li><a href='eprint/'>EPrints</a></li>\n</ul>\n`) as never),
  );
  r.get("/rest/eprint", { schema: { ...schema("Redirects to /rest/eprint/"), hide: true } }, async (_req, reply) =>
    reply.redirect("/rest/eprint/", 302),
  );

  r.get("/rest/eprint/", { schema: schema("The ids of the eprints the caller may read, two links each (N/ and N.xml)") }, async (req, reply) => {
    const ids = await visibleIds(services.db.readPool, req.viewer, "rest");
    const list = `<ul>\n${ids.map((id) => li(`${id}/`) + li(`${id}.xml`)).join("")}</ul>\n`;
    return reply.type(HTML_TYPE).header("vary", "Authorization").send(restPage("EPrints DataSet", list) as never);
  });

  r.get(
    "/rest/eprint/:file",
    { schema: { ...schema("N.xml: the eprint as EP3 XML (N alone redirects to N/)"), params: z.object({ file: z.string().max(64) }) } },
    async (req, reply) => {
      const file = req.params.file;
      if (/^\d+$/.test(file)) return reply.redirect(`/rest/eprint/${file}/`, 302);
      const m = /^(\d+)\.xml$/.exec(file);
      const xml = formatById("XML");
      if (!m || !xml) throw problems.notFound(`/rest/eprint/${file}`);
      const record = await read(eprintIdOf(m[1]!).id, req);
      const ctx = await services.formatContext();
      return sendRepresentation(req, reply, { record, variant: "rest-xml", body: renderRecord(xml, record, ctx), mediaType: XML_TYPE });
    },
  );

  r.get("/rest/eprint/:id/", { schema: { ...schema("The eprint's fields that have a .txt form"), params: IdParam } }, async (req, reply) => {
    const record = await read(eprintIdOf(req.params.id).id, req);
    const staff = isStaff(req.viewer);
    const fields = EPRINT_FIELDS.filter((d) => hasText(d) && (staff || d.exported));
    const list = `<ul>\n${fields.map((d) => li(`${d.name}.txt`)).join("")}</ul>\n`;
    return reply.type(HTML_TYPE).header("vary", "Authorization").send(restPage(`eprint ${record.eprintid}`, list) as never);
  });

  r.get(
    "/rest/eprint/:id/:file",
    {
      schema: {
        ...schema("FIELD.txt: one single-valued field's raw stored value (booleans TRUE/FALSE; empty if unset)"),
        params: IdParam.extend({ file: z.string().max(128) }),
      },
    },
    async (req, reply) => {
      const m = /^([a-z_]+)\.txt$/.exec(req.params.file);
      const def = m ? FIELD_BY_NAME.get(m[1]!) : undefined;
      const record = await read(eprintIdOf(req.params.id).id, req);
      if (!def || !hasText(def)) throw problems.notFound(`/rest/eprint/${record.eprintid}/${req.params.file.slice(0, 128)}`);
      if (!def.exported && !isStaff(req.viewer)) throw problems.forbidden(`${def.name} is private to staff`);
      const value = (record as Record<string, unknown>)[def.name];
      const body = value === undefined || value === null ? "" : lexical(value);
      return sendRepresentation(req, reply, { record, variant: `rest-${def.name}`, body, mediaType: TEXT_TYPE });
    },
  );
}
