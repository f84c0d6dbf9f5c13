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

/** Reads a document chunk by chunk and yields each top-level record as soon as it closes. */
export async function* readEp3Xml(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<ReadItem> {
  const parser = sax.parser(true, { xmlns: false, position: true, trim: false });
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

  const fail = (msg: string) => {
    if (!failure) failure = new XmlInputError(msg, parser.line + 1);
  };
  parser.onerror = (e) => {
    fail(`malformed XML: ${e.message.split("\n")[0]}`);
    // clear it so sax does not throw from write(); every handler ignores input after a failure
    (parser as unknown as { error: Error | null }).error = null;
  };
  parser.ondoctype = () => fail("DTDs are not accepted in EP3 XML (no entity declarations, no external entities)");
  parser.onopentagstart = () => {
    attributes = 0;
    tagStart = parser.position;
  };
  parser.onattribute = () => {
    if (++attributes > MAX_ATTRIBUTES) fail(`an element has more than ${MAX_ATTRIBUTES} attributes`);
  };
  parser.onopentag = (tag) => {
    tagStart = -1;
    if (failure) return;
    const local = tag.name.includes(":") ? tag.name.split(":").pop()! : tag.name;
    if (stack.length === 0 && rootKind === undefined) {
      const kind = ROOTS[local];
      if (!kind) return fail(`root element must be <eprints>, <subjects> or <users>, not <${tag.name}>`);
      rootKind = kind;
      stack.push({ name: local, attrs: {}, children: [], text: "", line: parser.line + 1 });
      return;
    }
    if (stack.length >= MAX_DEPTH) return fail(`elements nested deeper than ${MAX_DEPTH}`);
    if (stack.length === 1) {
      elements = 0;
      chars = 0;
    }
    if (++elements > MAX_RECORD_ELEMENTS) return fail(`record ${position + 1} has more than ${MAX_RECORD_ELEMENTS} elements`);
    const node: XmlNode = {
      name: local,
      attrs: tag.attributes as Record<string, string>,
      children: [],
      text: "",
      line: parser.line + 1,
    };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  };
  const ontext = (t: string) => {
    if (failure || stack.length < 2) return;
    const node = stack[stack.length - 1]!;
    if (node.text.length + t.length > MAX_TEXT) return fail(`text of <${node.name}> exceeds ${MAX_TEXT} characters`);
    chars += t.length;
    if (chars > MAX_RECORD_TEXT) return fail(`record ${position + 1} has more than ${MAX_RECORD_TEXT} characters of text`);
    node.text += t;
  };
  parser.ontext = ontext;
  parser.oncdata = ontext;
  parser.onclosetag = () => {
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
        fail(`<${root.name}> may only contain <${expected}> elements, found <${node.name}> (record ${position})`);
        return;
      }
      ready.push({ kind: rootKind!, position, line: node.line, node, chars });
    }
  };

  // a multi-byte character may be split between two chunks: decode across the boundary
  const decoder = new StringDecoder("utf8");
  for await (const chunk of chunks) {
    parser.write(typeof chunk === "string" ? chunk : decoder.write(chunk));
    if (tagStart >= 0 && parser.position - tagStart > MAX_TAG_CHARS) fail(`a start tag longer than ${MAX_TAG_CHARS} characters`);
    // records that closed before a fault are still handed on
    while (ready.length) yield ready.shift()!;
    if (failure) throw failure;
  }
  const rest = decoder.end();
  if (rest) parser.write(rest);
  parser.close();
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
