/**
 * RSS 2.0 (EPrints::Plugin::Export::RSS2), a list-only format in EPrints: a `<channel>`
 * whose layout is EPrints' hand-made indentation, and an `<item>` per eprint with the
 * deposit date, the brief citation as title, the abstract page as link and guid, and the
 * default citation as plain text. The channel's pubDate and lastBuildDate are "now".
 * Byte for byte as EPrints' list export; a one-record export is a one-item feed.
 *
 * Dates are written in UTC. EPrints reads the stored (UTC) datestamp as the server's local
 * time and writes it with the server's offset, which is the same thing on a UTC server,
 * as the examples' was.
 *
 * Not written, as in an EPrints command-line export: the `atom:link rel="self"` EPrints adds
 * only when it answers a web request (a list export is not told its URL). Documents are not
 * in Vellum's record, so no media:thumbnail or media:content.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { briefCitationNodes } from "./brief-citation.js";
import { citationText, treeToUtf8 } from "./citation.js";
import { feedTitle, frontPage, siteLogoUrl } from "./feed.js";
import { escapeText } from "./xml-tree.js";
import { abstractPageUrl } from "./eprint-urls.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** EPrints::Time::rfc822_datetime (strftime "%a, %d %b %Y %H:%M:%S %z"), in UTC. */
function rfc822(d: Date): string {
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** An element EPrints' render_data_element makes: a newline and `indent` spaces, then the element. */
const data = (indent: number, name: string, text: string) => `\n${" ".repeat(indent)}<${name}>${escapeText(text)}</${name}>`;

function channelHead(ctx: FormatContext): string {
  const title = feedTitle(ctx);
  const now = rfc822(ctx.now());
  return (
    '<?xml version="1.0" encoding="utf-8" ?>\n' +
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">\n' +
    "    <channel>\n" +
    data(4, "title", title) +
    data(4, "link", frontPage(ctx)) +
    // The pub flavour configures no repository description (oai content text).
    data(4, "description", "") +
    "<image>" +
    data(8, "url", siteLogoUrl(ctx)) +
    data(8, "title", title) +
    data(8, "link", frontPage(ctx)) +
    "</image>" +
    data(4, "pubDate", now) +
    data(4, "lastBuildDate", now) +
    data(4, "language", "en") +
    data(4, "copyright", "")
  );
}

function item(r: EPrint, ctx: FormatContext): string {
  // EPrints writes a pubDate only for a full "YYYY-MM-DD hh:mm:ss" datestamp.
  const m = r.datestamp && /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(r.datestamp);
  const pubDate = m ? data(2, "pubDate", rfc822(new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)))) : "";
  return (
    "\n<item>" +
    pubDate +
    data(2, "title", treeToUtf8(briefCitationNodes(r))) +
    data(2, "link", abstractPageUrl(r, ctx)) +
    data(2, "guid", abstractPageUrl(r, ctx)) +
    data(2, "description", citationText(r)) +
    "</item>"
  );
}

const TAIL = "\n    </channel>\n</rss>\n";

export const rss2Format: ExportFormat = {
  id: "RSS2",
  label: "RSS 2.0",
  mediaType: "application/rss+xml; charset=utf-8",
  extension: ".xml",
  visibility: "all",
  only: "list",
  serialize: (record, ctx) => channelHead(ctx) + item(record, ctx) + TAIL,
  list: {
    head: channelHead,
    item,
    tail: () => TAIL,
  },
};
