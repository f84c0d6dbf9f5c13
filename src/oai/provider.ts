/**
 * The OAI-PMH 2.0 data provider: the six verbs over the records domain, as EPrints'
 * cgi/oai2 answers them (REFERENCE.md §7), with the protocol fixed where EPrints strays:
 * every bad request gets the protocol's own error (never a 500), `cursor` counts records,
 * the last page of a multi-page list carries an empty resumptionToken, tokens are signed
 * and really expire, and `from` > `until` or an impossible date is badArgument.
 *
 * Metadata comes from the format registry: a format with `oai` and `oaiMetadata` is a
 * metadata format, and `oaiMetadata` writes the element inside `<metadata>` from the record
 * as anonymous users see it.
 */
import type { Config } from "../config.js";
import type { ExportFormat, FormatContext } from "../formats/types.js";
import type { TokenSigner } from "../records/cursor.js";
import type { SubjectTree } from "../records/subjects.js";
import { parseRequest, requestAttributes, type Args, type Verb } from "./args.js";
import { parseRange, type DateRange } from "./dates.js";
import { allSets, headerSetSpecs, parseSet, type SetFilter } from "./sets.js";
import type { OaiItem, OaiStore } from "./store.js";
import { issueToken, readToken, type ResumptionState } from "./token.js";
import { element, errorResponse, pretty, utcDatetime, verbResponse, type Envelope, type OaiError } from "./xml.js";

export interface ProviderDeps {
  config: Pick<Config, "baseUrl" | "archiveName" | "adminEmail" | "oaiPageSize" | "oaiSets">;
  store: OaiStore;
  signer: TokenSigner;
  formatContext(): Promise<FormatContext>;
  /** The metadata formats (the registry's oaiFormats). */
  formats(): readonly ExportFormat[];
  now?: () => Date;
}

const OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier";
// oai-identifier.xsd: a repositoryIdentifier is a domain name with at least one dot
const REPOSITORY_IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$/;
const NO_RECORDS: OaiError = { code: "noRecordsMatch", message: "No items match. None. None at all. Not even deleted ones." };

type Metadata = ExportFormat & { oai: NonNullable<ExportFormat["oai"]>; oaiMetadata: NonNullable<ExportFormat["oaiMetadata"]> };

/** Thrown inside a verb: answered as OAI errors (with the request echoed). */
class OaiErrors extends Error {
  constructor(readonly errors: OaiError[]) {
    super(errors.map((e) => e.code).join(", "));
  }
}

/** Thrown for argument errors found after parsing: answered without echoing the request. */
class BadArguments extends OaiErrors {}

export class OaiProvider {
  readonly baseUrl: string;
  /** the repository identifier in `oai:{host}:{eprintid}` */
  readonly host: string;
  private readonly now: () => Date;

  constructor(private readonly deps: ProviderDeps) {
    this.baseUrl = `${deps.config.baseUrl}/cgi/oai2`;
    this.host = new URL(deps.config.baseUrl).hostname;
    this.now = deps.now ?? (() => new Date());
  }

  oaiIdentifier(eprintid: number): string {
    return `oai:${this.host}:${eprintid}`;
  }

  /** The eprintid an identifier names in this repository, if it names one at all. */
  eprintidOf(identifier: string): number | undefined {
    const prefix = `oai:${this.host}:`;
    if (!identifier.startsWith(prefix)) return undefined;
    const local = identifier.slice(prefix.length);
    if (!/^[1-9]\d{0,9}$/.test(local)) return undefined;
    const id = Number(local);
    return id <= 2_147_483_647 ? id : undefined;
  }

  /** Answers one request, given its decoded parameters in order. Always a full document. */
  async respond(pairs: [string, string][]): Promise<string> {
    const env: Envelope = { responseDate: this.now(), baseUrl: this.baseUrl, request: [] };
    const parsed = parseRequest(pairs);
    if (!parsed.ok) return errorResponse(env, parsed.errors);
    try {
      const parts = await this.verb(parsed.verb, parsed.args);
      return verbResponse({ ...env, request: requestAttributes(parsed.verb, parsed.args) }, parsed.verb, parts);
    } catch (e) {
      if (e instanceof BadArguments) return errorResponse(env, e.errors);
      if (e instanceof OaiErrors) return errorResponse({ ...env, request: requestAttributes(parsed.verb, parsed.args) }, e.errors);
      throw e;
    }
  }

  private verb(verb: Verb, args: Args): Promise<string[]> {
    switch (verb) {
      case "Identify":
        return this.identify();
      case "ListMetadataFormats":
        return this.listMetadataFormats(args.identifier);
      case "ListSets":
        return this.listSets(args.resumptionToken);
      case "GetRecord":
        return this.getRecord(args.identifier!, args.metadataPrefix!);
      case "ListIdentifiers":
      case "ListRecords":
        return this.list(verb, args);
    }
  }

  private metadataFormats(): Metadata[] {
    return this.deps.formats().filter((f): f is Metadata => !!f.oai && typeof f.oaiMetadata === "function");
  }

  private format(prefix: string): Metadata | undefined {
    return this.metadataFormats().find((f) => f.oai.prefix === prefix);
  }

  private cannotDisseminate(prefix: string): OaiError {
    return {
      code: "cannotDisseminateFormat",
      message: `Record not available as metadata type: '${prefix}'. Formats: ${this.metadataFormats().map((f) => f.oai.prefix).join(", ")}`,
    };
  }

  private async identify(): Promise<string[]> {
    const { earliest, sample } = await this.deps.store.identify();
    const c = this.deps.config;
    const parts = [
      element("repositoryName", c.archiveName),
      element("baseURL", this.baseUrl),
      element("protocolVersion", "2.0"),
      element("adminEmail", c.adminEmail),
      element("earliestDatestamp", earliest ? utcDatetime(earliest) : "0001-01-01T00:00:00Z"),
      element("deletedRecord", "persistent"),
      element("granularity", "YYYY-MM-DDThh:mm:ssZ"),
    ];
    // the oai-identifier description is only valid for a host name with a dot in it
    if (REPOSITORY_IDENTIFIER.test(this.host)) {
      parts.push(
        pretty(
          {
            name: "description",
            children: [
              {
                name: "oai-identifier",
                attrs: [
                  ["xmlns", OAI_IDENTIFIER_NS],
                  ["xsi:schemaLocation", `${OAI_IDENTIFIER_NS} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd`],
                ],
                children: [
                  { name: "scheme", text: "oai" },
                  { name: "repositoryIdentifier", text: this.host },
                  { name: "delimiter", text: ":" },
                  { name: "sampleIdentifier", text: this.oaiIdentifier(sample ?? 1) },
                ],
              },
            ],
          },
          2,
        ),
      );
    }
    return parts;
  }

  private async listMetadataFormats(identifier: string | undefined): Promise<string[]> {
    let formats = this.metadataFormats();
    if (identifier !== undefined) {
      const item = await this.itemByIdentifier(identifier, true);
      if (item.record) {
        const ctx = await this.deps.formatContext();
        const view = item.record;
        formats = formats.filter((f) => f.oaiMetadata(view, ctx) !== "");
      }
    }
    if (!formats.length) {
      throw new OaiErrors([{ code: "noMetadataFormats", message: identifier ? `No metadata formats are available for '${identifier}'` : "No metadata formats are configured" }]);
    }
    return [...formats]
      .sort((a, b) => (a.oai.prefix < b.oai.prefix ? -1 : a.oai.prefix > b.oai.prefix ? 1 : 0))
      .map((f) =>
        pretty(
          {
            name: "metadataFormat",
            children: [
              { name: "metadataPrefix", text: f.oai.prefix },
              { name: "schema", text: f.oai.schema },
              { name: "metadataNamespace", text: f.oai.namespace },
            ],
          },
          2,
        ),
      );
  }

  private async listSets(token: string | undefined): Promise<string[]> {
    const sets = this.deps.config.oaiSets;
    if (!sets.length) throw new OaiErrors([{ code: "noSetHierarchy", message: "This repository does not support sets" }]);
    // every set fits in one response, so no ListSets token was ever issued
    if (token !== undefined) throw new OaiErrors([{ code: "badResumptionToken", message: "ListSets is never split, so no resumptionToken is valid for it" }]);
    const tree = (await this.deps.formatContext()).subjects;
    const out: string[] = [];
    for (const s of allSets(sets, tree)) {
      out.push(pretty({ name: "set", children: [{ name: "setSpec", text: s.spec }, { name: "setName", text: s.name }] }, 2));
    }
    return out;
  }

  private async itemByIdentifier(identifier: string, withRecord: boolean): Promise<OaiItem> {
    const id = this.eprintidOf(identifier);
    const item = id === undefined ? undefined : await this.deps.store.item(id, withRecord);
    if (!item) throw new OaiErrors([{ code: "idDoesNotExist", message: `'${identifier}' is not a valid item in this repository` }]);
    return item;
  }

  private async getRecord(identifier: string, prefix: string): Promise<string[]> {
    const format = this.format(prefix);
    const id = this.eprintidOf(identifier);
    const item = id === undefined ? undefined : await this.deps.store.item(id, true);
    const errors: OaiError[] = [];
    if (!format) errors.push(this.cannotDisseminate(prefix));
    if (!item) errors.push({ code: "idDoesNotExist", message: `'${identifier}' is not a valid item in this repository` });
    if (errors.length) throw new OaiErrors(errors);
    const ctx = await this.deps.formatContext();
    const record = this.record(item!, format!, ctx);
    if (record === undefined) throw new OaiErrors([{ code: "cannotDisseminateFormat", message: `'${identifier}' is not available as '${prefix}'` }]);
    return [record];
  }

  /** `<header>` as EPrints writes it: indent text inside, `</header>` straight after the last child. */
  private header(item: OaiItem, tree: SubjectTree): string {
    let out = `<header${item.deleted ? ' status="deleted"' : ""}>`;
    out += `\n      ${element("identifier", this.oaiIdentifier(item.eprintid))}`;
    out += `\n      ${element("datestamp", utcDatetime(item.lastmod))}`;
    if (!item.deleted) {
      for (const spec of headerSetSpecs(item, this.deps.config.oaiSets, tree)) out += `\n      ${element("setSpec", spec)}`;
    }
    return `${out}</header>`;
  }

  /** `<record>`; undefined when the format has nothing to say about a live record. */
  private record(item: OaiItem, format: Metadata, ctx: FormatContext): string | undefined {
    const head = `<record>\n    ${this.header(item, ctx.subjects)}`;
    if (item.deleted) return `${head}</record>`;
    const metadata = format.oaiMetadata(item.record!, ctx);
    if (metadata === "") return undefined;
    return `${head}\n    <metadata>\n      ${metadata}</metadata></record>`;
  }

  private query(state: Pick<ResumptionState, "from" | "until" | "set">, tree: SubjectTree): { range: DateRange; set?: SetFilter } {
    const errors: OaiError[] = [];
    const range = parseRange(state.from, state.until);
    if ("error" in range) errors.push({ code: "badArgument", message: range.error });
    let set: SetFilter | undefined;
    if (state.set !== undefined) {
      const sets = this.deps.config.oaiSets;
      if (!sets.length) throw new OaiErrors([{ code: "noSetHierarchy", message: "This repository does not support sets" }]);
      const parsed = parseSet(state.set, sets, tree);
      if ("error" in parsed) errors.push({ code: "badArgument", message: parsed.error });
      else set = parsed;
    }
    if (errors.length) throw new BadArguments(errors);
    return { range: range as DateRange, set };
  }

  private async list(verb: "ListIdentifiers" | "ListRecords", args: Args): Promise<string[]> {
    const ctx = await this.deps.formatContext();
    const now = this.now();
    let state: ResumptionState;
    const resumed = args.resumptionToken !== undefined;
    if (resumed) {
      const read = readToken(this.deps.signer, args.resumptionToken!, verb, now);
      if ("error" in read) throw new OaiErrors([{ code: "badResumptionToken", message: read.error }]);
      state = read;
    } else {
      state = { verb, metadataPrefix: args.metadataPrefix!, from: args.from, until: args.until, set: args.set, after: 0, cursor: 0 };
    }
    let query: ReturnType<OaiProvider["query"]>;
    try {
      query = this.query(state, ctx.subjects);
    } catch (e) {
      // a signed token only carries arguments that were valid when it was issued
      if (resumed && e instanceof OaiErrors) throw new OaiErrors([{ code: "badResumptionToken", message: "The resumptionToken no longer describes a valid list" }]);
      throw e;
    }
    const format = this.format(state.metadataPrefix);
    if (!format) throw new OaiErrors([this.cannotDisseminate(state.metadataPrefix)]);

    const pageSize = this.deps.config.oaiPageSize;
    const counted = state.n !== undefined && state.top !== undefined ? { n: state.n, top: state.top } : undefined;
    const page = await this.deps.store.page(query, state.after, pageSize, verb === "ListRecords", counted ? counted.top : state.after);
    if (!page.items.length) throw new OaiErrors([NO_RECORDS]);

    const parts: string[] = [];
    for (const item of page.items) {
      if (verb === "ListIdentifiers") parts.push(this.header(item, ctx.subjects));
      else {
        const record = this.record(item, format, ctx);
        // a live record the format cannot express is listed by its header alone, as EPrints does
        parts.push(record ?? `<record>\n    ${this.header(item, ctx.subjects)}</record>`);
      }
    }

    // completeListSize: the size counted on the first page plus what has been added above
    // its highest eprintid since; an estimate the protocol allows (it "may be revised during
    // the list request sequence"), never below what is certain, and exact on the last page
    const size = counted ?? { n: state.cursor + page.count, top: page.top ?? state.after };
    const delivered = state.cursor + page.items.length;
    const completeListSize = page.more ? Math.max(size.n + (counted ? page.count : 0), delivered + 1) : delivered;
    if (page.more) {
      const last = page.items[page.items.length - 1]!.eprintid;
      const { token, expires } = issueToken(this.deps.signer, { ...state, after: last, cursor: delivered, n: size.n, top: size.top }, now);
      parts.push(
        element("resumptionToken", token, [
          ["expirationDate", utcDatetime(expires)],
          ["completeListSize", String(completeListSize)],
          ["cursor", String(state.cursor)],
        ]),
      );
    } else if (resumed) {
      // the last page of a list that came in several: an empty token closes it
      parts.push(`<resumptionToken completeListSize="${completeListSize}" cursor="${state.cursor}"/>`);
    }
    return parts;
  }
}
