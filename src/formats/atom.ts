/**
 * Atom (EPrints::Plugin::Export::Atom): an `<entry>` per eprint, with the SWORD 2 links and
 * state EPrints' CRUD API also serves, written by libxml2 with indentation. The one-record
 * export is a bare entry with its own namespace declarations and no final newline; a list
 * is a `<feed>` whose `<updated>` is "now". Byte for byte as EPrints, except as noted.
 *
 * Kept from EPrints: `type="xhtml"` on a title and summary that are not wrapped in an XHTML
 * `div` (and the summary's paragraphs are in the Atom namespace), which strict Atom
 * validators reject. The `<generator>` names EPrints 3.4.7, whose output this is.
 *
 * Divergences, documented: an author's `<email>` is empty unless `exportCreatorIds` is on
 * (creator-ids.ts); `sword:depositedBy` is not written, as the record does not carry the
 * depositor's username; search feeds have no opensearch elements or self link, as a list
 * export is not told about the search. Documents are not in Vellum's record, so no `<icon>`.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { creatorIdsPublic } from "./creator-ids.js";
import { briefCitationNodes } from "./brief-citation.js";
import { feedTitle, frontPage, siteLogoUrl } from "./feed.js";
import { makeNameString, typeLabel } from "./render.js";
import { el, escapeText, libxmlString, textEl, type XmlElement, type XmlNode } from "./xml-tree.js";

const ATOM_NS = "http://www.w3.org/2005/Atom";
const SWORD_NS = "http://purl.org/net/sword/";
const EP_DATA_NS = "http://eprints.org/ep2/data/2.0";
const EPRINTS_VERSION = "3.4.7";

/** `eprint_fieldopt_eprint_status_<status>`. */
const STATUS_LABELS: Record<EPrint["eprint_status"], string> = {
  inbox: "User Workarea",
  buffer: "Under Review",
  archive: "Live Archive",
  deletion: "Retired",
};

/** `cgi/users/edit_eprint:staff_item_is_in_<status>`; the archive one names the record's URI. */
function stateDescription(status: EPrint["eprint_status"], uri: string): string {
  switch (status) {
    case "inbox":
      return "This item is still in the user's work area.";
    case "buffer":
      return "This item is in review. It will not appear in the repository until it has been approved by an editor.";
    case "archive":
      return `This item is in the repository with the URL: ${uri}`;
    case "deletion":
      return "This item has been retired from the repository.";
  }
}

/** MetaField::Time::iso_value: the stored parts joined by T, then Z. */
const isoValue = (time: string) => `${time.replace(" ", "T")}Z`;

/** EPrints::Extras::render_paras, the abstract's rendering: a `<p>` per paragraph, `<br/>` per line break. */
function renderParas(text: string): XmlElement[] {
  return text
    .replace(/\r\n|\r/g, "\n")
    .split("\n\n")
    .map((p) => p.replace(/^\s+/, "").replace(/\s+$/, ""))
    .filter((p) => p !== "")
    .map((p) =>
      el(
        "p",
        [["class", "ep_field_para"]],
        p.split("\n").flatMap((line, i): XmlNode[] => (i === 0 ? [line] : [el("br"), line])),
      ),
    );
}

const link = (rel: string, href: string) => el("link", [["rel", rel], ["href", href]]);

export function atomEntry(r: EPrint, ctx: FormatContext, single: boolean): string {
  const uri = `${ctx.repo.baseUrl}/id/eprint/${r.eprintid}`;
  const exportUrl = `${ctx.repo.baseUrl}/cgi/export/eprint/${r.eprintid}/Atom/${ctx.repo.repoId}-eprint-${r.eprintid}.xml`;
  const datestamp = r.datestamp === undefined ? [] : [isoValue(r.datestamp)];
  const showIds = creatorIdsPublic(ctx);
  const children: XmlElement[] = [
    link("self", exportUrl),
    link("edit", uri),
    link("edit-media", `${uri}/contents`),
    link("contents", `${uri}/contents`),
    link("alternate", uri),
    el("published", [], datestamp),
    textEl("updated", isoValue(r.lastmod)),
    textEl("id", uri),
    el("category", [
      ["term", r.type],
      ["label", typeLabel(r.type)],
      ["scheme", `${ctx.repo.baseUrl}/data/eprint/type`],
    ]),
    el("category", [
      ["term", r.eprint_status],
      ["label", STATUS_LABELS[r.eprint_status]],
      ["scheme", `${EP_DATA_NS}/eprint/eprint_status`],
    ]),
    link("http://purl.org/net/sword/terms/statement", uri),
    el("sword:state", [["href", `${EP_DATA_NS}/eprint/eprint_status/${r.eprint_status}`]]),
    textEl("sword:stateDescription", stateDescription(r.eprint_status, uri)),
    el("sword:originalDeposit", [["href", uri]], [el("sword:depositedOn", [], datestamp)]),
    el("title", [["type", "xhtml"]], r.title !== undefined ? [r.title] : briefCitationNodes(r)),
  ];
  if (r.abstract !== undefined) children.push(el("summary", [["type", "xhtml"]], renderParas(r.abstract)));
  for (const c of r.creators ?? []) {
    children.push(el("author", [], [textEl("name", makeNameString(c.name, true)), el("email", [], showIds && c.id ? [c.id] : [])]));
  }
  const ns: [string, string][] = single ? [["", ATOM_NS], ["sword", SWORD_NS]] : [];
  return libxmlString(el("entry", [], children, ns), { format: true });
}

const XML_DECL = '<?xml version="1.0" encoding="utf-8" ?>\n';

function feedHead(ctx: FormatContext): string {
  const line = (node: XmlElement) => `${libxmlString(node)}\n`;
  const now = ctx.now().toISOString().replace(/\.\d+Z$/, "Z");
  return (
    XML_DECL +
    `<feed\n\txmlns="${ATOM_NS}"\n\txmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"\n\txmlns:xhtml="http://www.w3.org/1999/xhtml"\n\txmlns:sword="${SWORD_NS}"\n>\n` +
    `<title>${escapeText(feedTitle(ctx))}</title>\n` +
    line(link("alternate", frontPage(ctx))) +
    line(textEl("updated", now)) +
    line(textEl("generator", "EPrints", [["uri", "http://www.eprints.org/"], ["version", EPRINTS_VERSION]])) +
    line(textEl("logo", siteLogoUrl(ctx))) +
    line(textEl("id", frontPage(ctx)))
  );
}

export const atomFormat: ExportFormat = {
  id: "Atom",
  label: "Atom",
  mediaType: "application/atom+xml;charset=utf-8",
  extension: ".xml",
  aliases: ["application/atom+xml"],
  visibility: "all",
  serialize: (record, ctx) => XML_DECL + atomEntry(record, ctx, true),
  list: {
    head: feedHead,
    item: (record, ctx) => `${atomEntry(record, ctx, false)}\n`,
    tail: () => "</feed>\n",
  },
};
