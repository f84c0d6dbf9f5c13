/**
 * OpenURL ContextObject XML (perl_lib/EPrints/Plugin/Export/ContextObject.pm and its
 * Journal, Book, Dissertation and DublinCore parts): the eprint as the referent of a
 * `ctx:context-object`, described by value in the metadata format its type calls for.
 *
 * Kept as EPrints writes it: the context object declares `xmlns:xsi` as
 * "http://www.w3.org/2001/XML" (not the XML Schema instance namespace), and every
 * format's root element is named `journal`, the book and dissertation ones with the
 * prefix `dis`. The field order inside it is Vellum's fixed choice (see openurl.ts),
 * where EPrints' follows Perl hash order.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { DC_NS, OAI_DC_NS, OAI_DC_SCHEMA } from "./oai_dc.js";
import { indentedDc } from "./oai_bibliography.js";
import { referent, type OpenUrlFormat, type Referent } from "./openurl.js";
import { XSI_NS, el, eprintsString, textEl, type XmlElement } from "./xml-tree.js";

const CTX_NS = "info:ofi/fmt:xml:xsd:ctx";
const CTX_SCHEMA_LOCATION = `${CTX_NS} http://www.openurl.info/registry/docs/info:ofi/fmt:xml:xsd:ctx`;
/** What EPrints declares as xsi here: a truncated URI, kept for fidelity. */
const CTX_XSI = "http://www.w3.org/2001/XML";

const FORMAT_NS: Readonly<Record<OpenUrlFormat, string>> = {
  journal: "info:ofi/fmt:xml:xsd:journal",
  book: "info:ofi/fmt:xml:xsd:book",
  dissertation: "info:ofi/fmt:xml:xsd:dissertation",
  dc: "info:ofi/fmt:xml:xsd:oai_dc",
};
const PREFIX = { journal: "jnl", book: "dis", dissertation: "dis" } as const;

/**
 * The referent's metadata element. Standing alone (what EPrints' sub-plugins export) it
 * declares the namespaces a context object would otherwise provide.
 */
export function referentMetadata(ref: Referent, standalone = false): XmlElement {
  if (ref.format === "dc") {
    const ns: [string, string][] = [
      ["oai_dc", OAI_DC_NS],
      ["dc", DC_NS],
    ];
    // Alone, the order is oai_dc's own; in a context object EPrints writes xsi first.
    return el(
      "oai_dc:dc",
      [["xsi:schemaLocation", `${OAI_DC_NS} ${OAI_DC_SCHEMA}`]],
      indentedDc(ref.dc),
      standalone ? [...ns, ["xsi", XSI_NS]] : [["xsi", XSI_NS], ...ns],
    );
  }
  const p = PREFIX[ref.format];
  const ns = FORMAT_NS[ref.format];
  const authors = ref.authors.map((a) =>
    el(`${p}:author`, [], [textEl(`${p}:aulast`, a.aulast), textEl(`${p}:aufirst`, a.aufirst), textEl(`${p}:au`, a.au)]),
  );
  return el(
    `${p}:journal`,
    [["xsi:schemaLocation", `${ns} http://www.openurl.info/registry/docs/${ns}`]],
    [...(authors.length ? [el(`${p}:authors`, [], authors)] : []), ...ref.fields.map(([k, v]) => textEl(`${p}:${k}`, v))],
    standalone ? [[p, ns], ["xsi", CTX_XSI]] : [[p, ns]],
  );
}

/** "YYYY-MM-DD hh:mm:ss" as "YYYY-MM-DDThh:mm:ssZ". */
function ctxTimestamp(lastmod: string): string {
  const [date, time = ""] = lastmod.split(" ");
  return `${date}T${time}Z`;
}

function contextObjectElement(r: EPrint, ctx: FormatContext): XmlElement {
  const ref = referent(r, ctx);
  return el(
    "ctx:context-object",
    [
      ["xsi:schemaLocation", CTX_SCHEMA_LOCATION],
      ["timestamp", ctxTimestamp(r.lastmod)],
    ],
    [
      el("ctx:referent", [], [
        textEl("ctx:identifier", `info:oai:${ctx.repo.host}:${r.eprintid}`),
        el("ctx:metadata-by-val", [], [textEl("ctx:format", FORMAT_NS[ref.format]), el("ctx:metadata", [], [referentMetadata(ref)])]),
      ]),
    ],
    [
      ["ctx", CTX_NS],
      ["xsi", CTX_XSI],
    ],
  );
}

const LIST_HEAD =
  '<?xml version="1.0" encoding="utf-8" ?>\n\n' +
  `<context-objects xmlns="${CTX_NS}" xmlns:xsi="${XSI_NS}" xsi:schemaLocation="${CTX_SCHEMA_LOCATION}">\n`;

export const contextObjectFormat: ExportFormat = {
  id: "ContextObject",
  label: "OpenURL ContextObject",
  mediaType: "text/xml; charset=utf-8",
  extension: ".xml",
  visibility: "all",
  serialize: (record, ctx) => eprintsString(contextObjectElement(record, ctx)),
  list: {
    head: () => LIST_HEAD,
    item: (record, ctx) => eprintsString(contextObjectElement(record, ctx)),
    tail: () => "</context-objects>\n",
  },
};
