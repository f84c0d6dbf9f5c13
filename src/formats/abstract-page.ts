/**
 * The abstract page, `/id/eprint/N/`: what EPrints' summary page shows (pub flavour
 * citations/eprint/summary_page.xml and cfg.d/eprint_render.pl), server-rendered, with no
 * client framework. Title, citation, abstract, a metadata table (the summary page's rows
 * plus DOI and refereed), the export links, and in the head the Highwire Press and PRISM
 * `<meta>` tags Google Scholar and Zotero read.
 *
 * It is written as polyglot HTML (well-formed XML as well as HTML5) so it can be checked
 * with an XML parser, and every value is escaped. The citation and the meta tags come
 * from the registry's `HTML`, `HighwirePress` and `Prism` formats when they are registered.
 */
import type { EPrint, Name } from "../records/schema.js";
import { formatById } from "./registry.js";
import { MONOGRAPH_TYPE_NAMES, THESIS_TYPE_NAMES } from "./phrases.js";
import { makeNameString, typeLabel } from "./render.js";
import { eprintUri, exportUrl, recordFormats } from "./export.js";
import type { ExportFormat, FormatContext } from "./types.js";

const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;

export function escapeHtml(s: string): string {
  // most values need nothing: test first, so they are used without a copy
  return HTML_SPECIAL.test(s)
    ? s.replace(HTML_SPECIALS, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"))
    : s;
}

/** A format's media type and label as the page writes them (the registry is fixed, so kept). */
const formatText = new WeakMap<ExportFormat, { type: string; label: string }>();
function textOf(f: ExportFormat): { type: string; label: string } {
  let t = formatText.get(f);
  if (!t) formatText.set(f, (t = { type: escapeHtml(f.mediaType), label: escapeHtml(f.label) }));
  return t;
}

/** Everything the page shows that is not in the record itself. */
export interface PageExtras {
  /** The depositing user's name, from the user table. */
  depositor?: Name | { username: string };
}

/** eprint_fieldopt_pres_type_* (phrases.ts has no pres_type labels yet). */
const PRES_TYPE_LABELS: Readonly<Record<string, string>> = {
  paper: "Paper",
  lecture: "Lecture",
  speech: "Speech",
  poster: "Poster",
  keynote: "Keynote",
  other: "Other",
};
const STATUS_NOTES: Readonly<Record<string, string>> = {
  inbox: "This item is in its depositor's work area and is not public.",
  buffer: "This item is under review and is not public yet.",
  deletion: "This item has been retired and is no longer public.",
};
const SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** EPrints' short rendering of a time field at minute resolution: `02 Jan 2026 15:30`. */
export function renderShortTime(value: string): string {
  const m = /^(\d{4})(?:-(\d\d)(?:-(\d\d)(?: (\d\d):(\d\d))?)?)?/.exec(value);
  if (!m) return value;
  let out = m[1]!;
  if (m[2]) out = `${SHORT_MONTHS[Number(m[2]) - 1] ?? m[2]} ${out}`;
  if (m[3]) out = `${m[3]} ${out}`;
  if (m[4]) out += ` ${m[4]}:${m[5]}`;
  return out;
}

/** A DOI in any of the forms people type into id_number; undefined when it is not one. */
export function doiOf(value: string): string | undefined {
  const m = /^\s*(?:doi:\s*|https?:\/\/(?:dx\.)?doi\.org\/)?(10\.\d{4,9}\/\S+)\s*$/i.exec(value);
  return m?.[1];
}

/** The `name: value` lines of a head-tags format (HighwirePress, Prism) as meta tags. */
function metaTags(formatId: string, r: EPrint, ctx: FormatContext): [string, string][] {
  const f = formatById(formatId);
  if (!f) return [];
  const out: [string, string][] = [];
  for (const line of f.serialize(r, ctx).replace(/^\uFEFF/, "").split("\n")) {
    const at = line.indexOf(": ");
    if (at > 0) out.push([line.slice(0, at), line.slice(at + 2)]);
  }
  return out;
}

function paragraphs(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.split(/\r?\n/).map(escapeHtml).join("<br/>")}</p>`)
    .join("\n");
}

function link(href: string, text = href): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

function subjectPaths(ids: readonly string[], ctx: FormatContext): string {
  const items: string[] = [];
  for (const id of ids) {
    for (const path of ctx.subjects.paths(id)) items.push(`<li>${path.map((s) => escapeHtml(ctx.subjects.name(s))).join(" &gt; ")}</li>`);
  }
  return `<ul class="paths">${items.join("")}</ul>`;
}

function depositorName(d: NonNullable<PageExtras["depositor"]>): string {
  if ("username" in d) return d.username;
  return makeNameString(d, true).trim() || "";
}

export const CSS = `
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#555;--line:#d0d0d0;--link:#0b5cad}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#151515;--muted:#aaa;--line:#444;--link:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--link)}
a:focus-visible{outline:3px solid currentColor;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;padding:.5rem 1rem;background:var(--bg)}
.skip:focus{left:0}
header,main,footer{max-width:52rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid var(--line)}
header p{margin:0;font-weight:600}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.75rem 0 .5rem}
.citation{margin:0 0 1rem}
.note{padding:.5rem .75rem;border-left:4px solid #c77c00}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding-bottom:.25rem}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-top:1px solid var(--line)}
th{width:12rem;font-weight:600}
ul.paths,ul.exports{margin:0;padding-left:1.1rem}
ul.exports{columns:2 12rem}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:36rem){th,td{display:block;width:auto;border:0;padding:.15rem 0}tr{display:block;border-top:1px solid var(--line);padding:.4rem 0}h1{font-size:1.35rem}}
`;

export function renderAbstractPage(r: EPrint, ctx: FormatContext, extras: PageExtras = {}): string {
  const uri = eprintUri(r, ctx);
  const title = r.title ?? `eprint ${r.eprintid}`;
  const formats = recordFormats();
  const exportHrefs = formats.map((f) => escapeHtml(exportUrl(f, r, ctx)));
  const html = formatById("HTML");
  const citation = html ? html.serialize(r, ctx).replace(/^\uFEFF/, "").trim() : `<p class="citation"><em>${escapeHtml(title)}</em></p>`;

  const head: string[] = [
    `<meta charset="utf-8"/>`,
    `<meta name="viewport" content="width=device-width, initial-scale=1"/>`,
    `<title>${escapeHtml(title)} - ${escapeHtml(ctx.repo.archiveName)}</title>`,
    `<link rel="canonical" href="${escapeHtml(`${uri}/`)}"/>`,
    `<link rel="cite-as" href="${escapeHtml(uri)}"/>`,
  ];
  if (r.eprint_status !== "archive") head.push(`<meta name="robots" content="noindex, nofollow"/>`);
  formats.forEach((f, i) => {
    const { type, label } = textOf(f);
    head.push(`<link rel="alternate" href="${exportHrefs[i]}" type="${type}" title="${label}"/>`);
  });
  for (const [name, content] of [...metaTags("HighwirePress", r, ctx), ...metaTags("Prism", r, ctx)]) {
    head.push(`<meta name="${escapeHtml(name)}" content="${escapeHtml(content)}"/>`);
  }
  head.push(`<style>${CSS}</style>`);

  const rows: [string, string][] = [];
  let type = escapeHtml(typeLabel(r.type));
  if (r.type === "conference_item" && r.pres_type) type += ` (${escapeHtml(PRES_TYPE_LABELS[r.pres_type] ?? r.pres_type)})`;
  if (r.type === "monograph" && r.monograph_type) type += ` (${escapeHtml(MONOGRAPH_TYPE_NAMES[r.monograph_type])})`;
  if (r.type === "thesis" && r.thesis_type) type += ` (${escapeHtml(THESIS_TYPE_NAMES[r.thesis_type])})`;
  rows.push(["Item Type", type]);
  if (r.id_number) {
    const doi = doiOf(r.id_number);
    rows.push(doi ? ["DOI", link(`https://doi.org/${doi}`, doi)] : ["Identification Number", escapeHtml(r.id_number)]);
  }
  if (r.refereed !== undefined) rows.push(["Refereed", r.refereed ? "Yes" : "No"]);
  if (r.note) rows.push(["Additional Information", paragraphs(r.note)]);
  if (r.keywords) rows.push(["Uncontrolled Keywords", escapeHtml(r.keywords)]);
  if (r.subjects?.length) rows.push(["Subjects", subjectPaths(r.subjects, ctx)]);
  if (r.divisions?.length) rows.push(["Divisions", subjectPaths(r.divisions, ctx)]);
  if (extras.depositor) {
    const name = depositorName(extras.depositor);
    if (name) rows.push(["Depositing User", escapeHtml(name)]);
  }
  if (r.datestamp) rows.push(["Date Deposited", escapeHtml(renderShortTime(r.datestamp))]);
  rows.push(["Last Modified", escapeHtml(renderShortTime(r.lastmod))]);
  rows.push(["URI", link(uri)]);

  const body: string[] = [
    `<a class="skip" href="#content">Skip to content</a>`,
    `<header role="banner"><p>${link(`${ctx.repo.baseUrl}/`, ctx.repo.archiveName)}</p></header>`,
    `<main id="content" role="main">`,
    `<article aria-labelledby="title">`,
    `<h1 id="title">${escapeHtml(title)}</h1>`,
  ];
  const note = STATUS_NOTES[r.eprint_status];
  if (note) body.push(`<p class="note" role="status">${escapeHtml(note)}</p>`);
  body.push(
    `<section aria-labelledby="cite-heading">`,
    `<h2 id="cite-heading" class="visually-hidden">Citation</h2>`,
    citation,
    `</section>`,
    `<p>Full text not available from this repository.</p>`,
  );
  if (r.official_url) body.push(`<p>Official URL: ${link(r.official_url)}</p>`);
  if (r.abstract) {
    body.push(`<section aria-labelledby="abstract-heading">`, `<h2 id="abstract-heading">Abstract</h2>`, paragraphs(r.abstract), `</section>`);
  }
  body.push(
    `<section aria-labelledby="details-heading">`,
    `<h2 id="details-heading">Item details</h2>`,
    `<table>`,
    `<caption class="visually-hidden">Metadata of this item</caption>`,
    `<tbody>`,
    ...rows.map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}:</th><td>${value}</td></tr>`),
    `</tbody>`,
    `</table>`,
    `</section>`,
    `</article>`,
  );
  if (formats.length) {
    body.push(
      `<nav aria-labelledby="export-heading">`,
      `<h2 id="export-heading">Export to</h2>`,
      `<ul class="exports">`,
      ...formats.map((f, i) => `<li><a href="${exportHrefs[i]}" type="${textOf(f).type}">${textOf(f).label}</a></li>`),
      `</ul>`,
      `</nav>`,
    );
  }
  body.push(`</main>`, `<footer role="contentinfo"><p>${escapeHtml(ctx.repo.archiveName)}: ${link(uri)}</p></footer>`);

  return `<!DOCTYPE html>\n<html lang="en" xmlns="http://www.w3.org/1999/xhtml">\n<head>\n${head.join("\n")}\n</head>\n<body>\n${body.join("\n")}\n</body>\n</html>\n`;
}
