/**
 * Streaming reader for EP3 XML documents (`<eprints>`, `<subjects>`, `<users>`), the import
 * side of the XML format (EPrints::Plugin::Import::XML). It uses sax (the parser under
 * xml2js) directly, because xml2js builds the whole document in memory and an import of a
 * 500 MB file must run in bounded memory: each top-level record is built, handed on and
 * dropped. DTDs are refused outright, so no entity can expand or reach outside.
 */
import { StringDecoder } from "node:string_decoder";
import sax from "sax";
import { FIELD_BY_NAME, type FieldDef } from "../records/fields.js";
import { NAME_PARTS } from "./lexical.js";

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
  line: number;
}

export type DocumentKind = "eprints" | "subjects" | "users";

export interface ReadItem {
  kind: "eprint" | "subject" | "user";
  /** 1-based position of the record in the document. */
  position: number;
  /** Line of its start tag. */
  line: number;
  node: XmlNode;
  /** Characters of text in the record: what holding it costs. */
  chars: number;
}

export class XmlInputError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 64;
const MAX_TEXT = 4 * 1024 * 1024;
/**
 * One record is held in memory until it closes, so it is bounded too: without these a
 * record that never closes (endless children, endless attributes) grows until the process
 * runs out of memory. An EPrints record has about a hundred fields; 10,000 creators of five
 * elements each still fit many times over.
 */
const MAX_RECORD_ELEMENTS = 200_000;
const MAX_RECORD_TEXT = 16 * 1024 * 1024;
const MAX_ATTRIBUTES = 64;
/** A start tag is read whole before anything sees it; repeated attributes (which sax drops) do not end it. */
const MAX_TAG_CHARS = 1024 * 1024;
const ROOTS: Record<string, ReadItem["kind"]> = { eprints: "eprint", subjects: "subject", users: "user" };

/** XML's whitespace, as sax (and the XML grammar's S) has it. */
const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
/** The names the fast path reads itself: ASCII letters, digits, _ : . - (sax reads the rest). */
const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/**
 * An unfinished construct (a tag or comment cut by the end of a chunk) is read again from its
 * start when the next chunk comes; one longer than this is handed to sax, which reads it
 * with its own limits, so a tag sent a few bytes at a time costs little.
 */
const MAX_PENDING = 4 * 1024;

/** XML's Char production (sax's isXmlChar). */
function isXmlChar(n: number): boolean {
  return n === 0x9 || n === 0xa || n === 0xd || (n >= 0x20 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0xfffd) || (n >= 0x10000 && n <= 0x10ffff);
}

/** A character reference sax would accept (`#65`, `#x41`), decoded; undefined for anything else. */
function charRef(ref: string): string | undefined {
  let num: number;
  let digits: string;
  if (/^#[0-9]{1,8}$/.test(ref)) {
    digits = ref.slice(1);
    num = parseInt(digits, 10);
  } else if (/^#x[0-9a-fA-F]{1,8}$/.test(ref)) {
    digits = ref.slice(2).toLowerCase();
    num = parseInt(digits, 16);
  } else return undefined;
  const bare = digits.replace(/^0+/, "");
  if (bare === "" || bare !== num.toString(ref[1] === "x" ? 16 : 10) || !isXmlChar(num)) return undefined;
  return String.fromCodePoint(num);
}

/**
 * Reads a document chunk by chunk and yields each top-level record as soon as it closes.
 *
 * Two readers share the work. A fast path reads what EP3 XML documents are made of (start
 * and end tags with ASCII names and quoted attributes, text with the five predefined
 * entities and character references, comments, the XML declaration) with indexOf and
 * charCodeAt, about ten times faster than sax. The first time it meets anything else (a
 * DTD, CDATA, a processing instruction, a non-ASCII name, a malformed or unfinished tag, an
 * entity it does not know, any error), it hands sax the rest of the document, with sax's own
 * state primed to the elements open at that point, and sax reads on to the end: every
 * unusual or broken document is read, accepted or refused exactly as sax reads it
 * (test/formats/ep3-reader.test.ts compares the two on documents good and broken).
 */
export async function* readEp3Xml(chunks: AsyncIterable<string | Buffer>, opts: { fastPath?: boolean } = {}): AsyncGenerator<ReadItem> {
  const ready: ReadItem[] = [];
  const stack: XmlNode[] = [];
  let rootKind: ReadItem["kind"] | undefined;
  let position = 0;
  let failure: XmlInputError | undefined;
  // the record being read: its elements and characters so far, and the current tag's attributes
  let elements = 0;
  let chars = 0;
  let attributes = 0;
  let tagStart = -1;
  /** Lines ('\n') before the fast path's buffer (0-based, as sax counts). */
  let line = 0;

  const fail = (msg: string, atLine: number) => {
    if (!failure) failure = new XmlInputError(msg, atLine + 1);
  };

  // ---- what both readers report to: building records
  const openTag = (qname: string, attrs: Record<string, string>, atLine: number) => {
    if (failure) return;
    const local = qname.includes(":") ? qname.split(":").pop()! : qname;
    if (stack.length === 0 && rootKind === undefined) {
      const kind = ROOTS[local];
      if (!kind) return fail(`root element must be <eprints>, <subjects> or <users>, not <${qname}>`, atLine);
      rootKind = kind;
      stack.push({ name: local, attrs: {}, children: [], text: "", line: atLine + 1 });
      return;
    }
    if (stack.length >= MAX_DEPTH) return fail(`elements nested deeper than ${MAX_DEPTH}`, atLine);
    if (stack.length === 1) {
      elements = 0;
      chars = 0;
    }
    if (++elements > MAX_RECORD_ELEMENTS) return fail(`record ${position + 1} has more than ${MAX_RECORD_ELEMENTS} elements`, atLine);
    const node: XmlNode = { name: local, attrs, children: [], text: "", line: atLine + 1 };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  };
  const text = (t: string, atLine: number) => {
    if (failure || stack.length < 2) return;
    const node = stack[stack.length - 1]!;
    if (node.text.length + t.length > MAX_TEXT) return fail(`text of <${node.name}> exceeds ${MAX_TEXT} characters`, atLine);
    chars += t.length;
    if (chars > MAX_RECORD_TEXT) return fail(`record ${position + 1} has more than ${MAX_RECORD_TEXT} characters of text`, atLine);
    node.text += t;
  };
  const closeTag = (atLine: number) => {
    if (failure) return;
    const node = stack.pop();
    if (!node) return;
    if (stack.length === 1) {
      // a record closed: hand it on and drop it from the root so memory stays flat
      const root = stack[0]!;
      root.children.pop();
      const expected = rootKind === "eprint" ? "eprint" : rootKind === "subject" ? "subject" : "user";
      position++;
      if (node.name !== expected) {
        fail(`<${root.name}> may only contain <${expected}> elements, found <${node.name}> (record ${position})`, atLine);
        return;
      }
      ready.push({ kind: rootKind!, position, line: node.line, node, chars });
    }
  };

  // ---- sax, from the point the fast path hands over
  let parser: sax.SAXParser | undefined;
  /** While sax is told about the elements already open, nothing it reports is new. */
  let priming = false;
  const startSax = (openNames: string[], rootClosed: boolean, afterMarkup: boolean, at: number) => {
    const p = sax.parser(true, { xmlns: false, position: true, trim: false });
    p.onerror = (e) => {
      if (!priming) fail(`malformed XML: ${e.message.split("\n")[0]}`, p.line);
      // clear it so sax does not throw from write(); every handler ignores input after a failure
      (p as unknown as { error: Error | null }).error = null;
    };
    p.ondoctype = () => fail("DTDs are not accepted in EP3 XML (no entity declarations, no external entities)", p.line);
    p.onopentagstart = () => {
      if (priming) return;
      attributes = 0;
      tagStart = p.position;
    };
    p.onattribute = () => {
      if (priming) return;
      if (++attributes > MAX_ATTRIBUTES) fail(`an element has more than ${MAX_ATTRIBUTES} attributes`, p.line);
    };
    p.onopentag = (tag) => {
      if (priming) return;
      tagStart = -1;
      openTag(tag.name, tag.attributes as Record<string, string>, p.line);
    };
    p.ontext = (t) => {
      if (!priming) text(t, p.line);
    };
    p.oncdata = p.ontext;
    p.onclosetag = () => {
      if (!priming) closeTag(p.line);
    };
    priming = true;
    if (rootClosed) p.write("<r></r>");
    else if (openNames.length) for (const n of openNames) p.write(`<${n}>`);
    // past the XML declaration or a comment, sax no longer reads the document's beginning
    else if (afterMarkup) p.write("<!---->");
    priming = false;
    p.line = line;
    p.column = 0;
    p.position = at;
    parser = p;
  };

  // ---- the fast path
  let buf = "";
  /** Characters of the document before buf. */
  let base = 0;
  let phase: "prolog" | "root" | "epilog" = "prolog";
  const openNames: string[] = [];
  let first = true;
  /** The prolog had markup (the XML declaration, a comment) before the root. */
  let prologMarkup = false;

  /** sax reads on from buf[i]. */
  const handOver = (i: number) => {
    startSax(openNames, phase === "epilog", prologMarkup, base + i);
    const rest = buf.slice(i);
    buf = "";
    if (rest) parser!.write(rest);
  };

  const fast = (chunk: string) => {
    buf = buf ? buf + chunk : chunk;
    const n = buf.length;
    // where the buffer's lines end: the line of any point is found by walking this forward
    const newlines: number[] = [];
    for (let p = buf.indexOf("\n"); p >= 0; p = buf.indexOf("\n", p + 1)) newlines.push(p);
    let passed = 0;
    /** The line of buf[p] as sax counts it once it has read that far (p only grows). */
    const lineAt = (p: number) => {
      while (passed < newlines.length && newlines[passed]! < p) passed++;
      return line + passed;
    };
    const handOverAt = (i: number) => {
      line = lineAt(i);
      handOver(i);
    };
    let i = 0;
    if (first && n) {
      first = false;
      if (buf.charCodeAt(0) === 0xfeff) i = 1;
      // the XML declaration, only at the very start
      if (buf.startsWith("<?xml", i) && isSpace(buf.charCodeAt(i + 5))) {
        const end = buf.indexOf("?>", i);
        const lt = buf.indexOf("<", i + 1);
        // (a '?' inside would make sax read "??>" differently: it reads those itself)
        if (end < 0 || (lt >= 0 && lt < end) || buf.slice(i + 2, end).includes("?")) return handOverAt(i);
        i = end + 2;
        prologMarkup = true;
      }
    }
    while (i < n) {
      if (failure) {
        buf = "";
        return;
      }
      if (buf.charCodeAt(i) !== 60 /* < */) {
        let j = buf.indexOf("<", i);
        if (j < 0) j = n;
        if (phase !== "root") {
          for (let k = i; k < j; k++) if (!isSpace(buf.charCodeAt(k))) return handOverAt(i);
          i = j;
          continue;
        }
        let amp = buf.indexOf("&", i);
        if (amp < 0 || amp >= j) {
          // sax reports a text when the tag after it begins: the line there
          text(buf.slice(i, j), lineAt(j));
          i = j;
          continue;
        }
        let out = "";
        let k = i;
        while (amp >= 0 && amp < j) {
          const semi = buf.indexOf(";", amp + 1);
          if (semi < 0 || semi > j) {
            // an entity cut by the end of the chunk waits for the rest; anything else is sax's
            if (j === n && n - amp < 16) {
              j = amp;
              break;
            }
            return handOverAt(i);
          }
          const ref = buf.slice(amp + 1, semi);
          const ch = PREDEFINED[ref] ?? (ref.charCodeAt(0) === 35 /* # */ ? charRef(ref) : undefined);
          if (ch === undefined) return handOverAt(i);
          out += buf.slice(k, amp) + ch;
          k = semi + 1;
          amp = buf.indexOf("&", k);
        }
        out += buf.slice(k, j);
        if (out) text(out, lineAt(j));
        i = j;
        if (j < n && buf.charCodeAt(j) !== 60) break; // an unfinished entity at the end
        continue;
      }
      // markup
      if (i + 1 >= n) break;
      const c = buf.charCodeAt(i + 1);
      if (c === 47 /* / */) {
        const gt = buf.indexOf(">", i + 2);
        if (gt < 0) break;
        let e = gt;
        while (e > i + 2 && isSpace(buf.charCodeAt(e - 1))) e--;
        const name = buf.slice(i + 2, e);
        if (phase !== "root" || name !== openNames[openNames.length - 1]) return handOverAt(i);
        openNames.pop();
        closeTag(lineAt(gt));
        if (!openNames.length) phase = "epilog";
        i = gt + 1;
        continue;
      }
      if (c === 33 /* ! */) {
        if (!buf.startsWith("<!--", i)) {
          if (n - i < 4 && "<!--".startsWith(buf.slice(i))) break;
          return handOverAt(i);
        }
        const end = buf.indexOf("-->", i + 4);
        if (end < 0) break;
        const body = buf.slice(i + 4, end);
        if (body.includes("--") || body.endsWith("-")) return handOverAt(i);
        i = end + 3;
        prologMarkup = true;
        continue;
      }
      if (!isNameStart(c) || phase === "epilog") return handOverAt(i);
      // a start tag
      let k = i + 2;
      while (k < n && isNameChar(buf.charCodeAt(k))) k++;
      if (k >= n) break;
      const name = buf.slice(i + 1, k);
      const attrs: Record<string, string> = {};
      let count = 0;
      let selfClosing = false;
      let complete = false;
      for (;;) {
        const before = k;
        while (k < n && isSpace(buf.charCodeAt(k))) k++;
        if (k >= n) break;
        const d = buf.charCodeAt(k);
        if (d === 62 /* > */) {
          complete = true;
          break;
        }
        if (d === 47 /* / */) {
          if (k + 1 >= n) break;
          if (buf.charCodeAt(k + 1) !== 62) return handOverAt(i);
          selfClosing = true;
          k++;
          complete = true;
          break;
        }
        // an attribute: whitespace before it, name="value" or name='value'
        if (k === before || !isNameStart(d)) return handOverAt(i);
        const a = k;
        while (k < n && isNameChar(buf.charCodeAt(k))) k++;
        if (k + 1 >= n) break;
        if (buf.charCodeAt(k) !== 61 /* = */) return handOverAt(i);
        const q = buf.charCodeAt(k + 1);
        if (q !== 34 && q !== 39) return handOverAt(i);
        const close = buf.indexOf(q === 34 ? '"' : "'", k + 2);
        if (close < 0) break;
        const value = buf.slice(k + 2, close);
        const attName = buf.slice(a, k);
        if (value.includes("<") || value.includes("&") || Object.hasOwn(attrs, attName) || ++count > MAX_ATTRIBUTES) return handOverAt(i);
        attrs[attName] = value;
        k = close + 1;
      }
      if (!complete) break;
      const at = lineAt(k);
      openTag(name, attrs, at);
      phase = "root";
      openNames.push(name);
      if (selfClosing) {
        openNames.pop();
        closeTag(at);
        if (!openNames.length) phase = "epilog";
      }
      i = k + 1;
    }
    // what is left is an unfinished construct: it waits for the next chunk, unless it is long
    line = lineAt(i);
    base += i;
    buf = i < n ? buf.slice(i) : "";
    if (buf.length > MAX_PENDING) handOver(0);
  };

  // without the fast path (the tests' reference reading), sax reads from the first character
  if (opts.fastPath === false) startSax([], false, false, 0);
  const write = (s: string) => {
    if (parser) {
      parser.write(s);
      if (tagStart >= 0 && parser.position - tagStart > MAX_TAG_CHARS) fail(`a start tag longer than ${MAX_TAG_CHARS} characters`, parser.line);
    } else fast(s);
  };

  // a multi-byte character may be split between two chunks: decode across the boundary
  const decoder = new StringDecoder("utf8");
  for await (const chunk of chunks) {
    write(typeof chunk === "string" ? chunk : decoder.write(chunk));
    // records that closed before a fault are still handed on
    while (ready.length) yield ready.shift()!;
    if (failure) throw failure;
  }
  const rest = decoder.end();
  if (rest) write(rest);
  // whatever is unfinished or unclosed, sax says what is wrong with it
  const current = (): { parser?: sax.SAXParser; closed: boolean } => ({ parser, closed: phase === "epilog" });
  if (!current().parser && (buf || !current().closed)) handOver(0);
  current().parser?.close();
  while (ready.length) yield ready.shift()!;
  if (failure) throw failure;
  if (rootKind === undefined) throw new XmlInputError("empty document: expected <eprints>, <subjects> or <users>");
}

/** A whole document held in memory (tests, small imports). */
export async function* chunksOf(text: string, size = 64 * 1024): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

export interface FieldIssue {
  field: string;
  message: string;
}

function textOf(node: XmlNode): string {
  return node.text;
}

function convertSimple(def: FieldDef, node: XmlNode, path: string, issues: FieldIssue[]): unknown {
  const t = textOf(node);
  switch (def.type) {
    case "boolean":
      if (t === "TRUE") return true;
      if (t === "FALSE") return false;
      if (t === "") return undefined;
      issues.push({ field: path, message: `must be TRUE or FALSE, not "${t}"` });
      return undefined;
    case "int":
    case "counter":
    case "itemref":
      if (t.trim() === "") return undefined;
      if (!/^-?\d+$/.test(t.trim())) {
        issues.push({ field: path, message: `must be a whole number, not "${t}"` });
        return undefined;
      }
      return Number(t.trim());
    default:
      return t === "" ? undefined : t;
  }
}

function convertValue(def: FieldDef, node: XmlNode, path: string, issues: FieldIssue[]): unknown {
  if (def.type === "name") {
    const name: Record<string, string> = {};
    for (const c of node.children) {
      if (!(NAME_PARTS as readonly string[]).includes(c.name)) {
        issues.push({ field: `${path}.${c.name}`, message: `invalid XML element <${c.name}> in a name` });
        continue;
      }
      if (c.text !== "") name[c.name] = c.text;
    }
    return Object.keys(name).length ? name : undefined;
  }
  if (def.type === "compound") {
    const out: Record<string, unknown> = {};
    for (const c of node.children) {
      const sub = def.subfields!.find((s) => s.name === c.name);
      if (!sub) {
        issues.push({ field: `${path}.${c.name}`, message: `invalid XML element <${c.name}>` });
        continue;
      }
      const v = convertValue(sub, c, `${path}.${c.name}`, issues);
      if (v !== undefined) out[c.name] = v;
    }
    return out;
  }
  return convertSimple(def, node, path, issues);
}

/**
 * Turns an `<eprint>` element into a raw record keyed by EPrints field names. Types follow
 * the field table; validation of values is the record schema's job. `<documents>` and
 * `<files>` are reported as ignored: Vellum keeps metadata only.
 */
export function eprintFromNode(node: XmlNode): { data: Record<string, unknown>; issues: FieldIssue[]; ignored: string[] } {
  const data: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  const ignored: string[] = [];
  for (const c of node.children) {
    if (c.name === "documents" || c.name === "files" || c.name === "fileinfo" || c.name === "edit_lock" || c.name === "item_issues") {
      ignored.push(c.name);
      continue;
    }
    const def = FIELD_BY_NAME.get(c.name);
    if (!def) {
      issues.push({ field: c.name, message: `invalid XML element <${c.name}>: not an eprint field` });
      continue;
    }
    if (def.multiple) {
      const items: unknown[] = [];
      for (const item of c.children) {
        if (item.name !== "item") {
          issues.push({ field: c.name, message: `<${c.name}> may only contain <item> elements` });
          continue;
        }
        const v = convertValue(def, item, `${c.name}[${items.length}]`, issues);
        if (v !== undefined) items.push(v);
      }
      if (items.length) data[c.name] = items;
    } else {
      const v = convertValue(def, c, c.name, issues);
      if (v !== undefined) data[c.name] = v;
    }
  }
  return { data, issues, ignored };
}

/** `<subject>` → a subject record. */
export function subjectFromNode(node: XmlNode): {
  subjectid: string;
  rev_number: number;
  name: { name: string; lang: string }[];
  parents: string[];
  depositable: boolean;
} {
  const get = (n: string) => node.children.find((c) => c.name === n);
  const items = (n: string) => get(n)?.children.filter((c) => c.name === "item") ?? [];
  return {
    subjectid: get("subjectid")?.text ?? "",
    rev_number: Number(get("rev_number")?.text ?? 1) || 1,
    name: items("name").map((i) => ({
      name: i.children.find((c) => c.name === "name")?.text ?? "",
      lang: i.children.find((c) => c.name === "lang")?.text ?? "en",
    })),
    parents: items("parents").map((i) => i.text),
    depositable: get("depositable")?.text === "TRUE",
  };
}

/** `<user>` → a user record (the fields Vellum keeps). */
export function userFromNode(node: XmlNode): {
  userid?: number;
  username: string;
  usertype: string;
  email?: string;
  name: Record<string, string>;
  dept?: string;
  org?: string;
} {
  const get = (n: string) => node.children.find((c) => c.name === n);
  const name: Record<string, string> = {};
  for (const c of get("name")?.children ?? []) if (c.text) name[c.name] = c.text;
  const userid = get("userid")?.text;
  return {
    userid: userid ? Number(userid) : undefined,
    username: get("username")?.text ?? "",
    usertype: get("usertype")?.text ?? "user",
    email: get("email")?.text || undefined,
    name,
    dept: get("dept")?.text || undefined,
    org: get("org")?.text || undefined,
  };
}
