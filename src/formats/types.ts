/**
 * The contract every export/import format implements (DESIGN.md rule 2). A format is one
 * module: it declares its EPrints plugin id, media type and suffix, and turns records into
 * text. The registry drives every route that serves formats, so a new format is one file
 * plus one registry line.
 */
import type { EPrint } from "../records/schema.js";
import type { SubjectTree } from "../records/subjects.js";

export interface RepositoryIdentity {
  /** Public base URL without a trailing slash, e.g. https://kar.kent.ac.uk */
  baseUrl: string;
  /** EPrints repository id, e.g. `kar` (BibTeX keys, export file names). */
  repoId: string;
  /** The archive_name phrase, e.g. "Kent Academic Repository". */
  archiveName: string;
  /** Host part of baseUrl: the OAI archive id (`oai:{host}:{eprintid}`). */
  host: string;
  adminEmail: string;
}

export interface FormatOptions {
  /** Show ORCIDs where the format has a place for them (ORCID Support plugin layout). */
  exportOrcid: boolean;
  /**
   * Put creator/editor ids (usually e-mails) where EPrints 3.4.7 puts them in RDF person URIs
   * and Atom <email>. Off by default: ids are private (README, "Privacy").
   */
  exportCreatorIds?: boolean;
  /** `exact`: CSV byte for byte as EPrints; `safe`: neutralise spreadsheet formulas (default). */
  csvFidelity: "exact" | "safe";
}

export interface FormatContext {
  repo: RepositoryIdentity;
  subjects: SubjectTree;
  options: FormatOptions;
  /** "Now", injectable so feed/METS dates are testable. */
  now: () => Date;
}

export interface OaiMetadataFormat {
  prefix: string;
  schema: string;
  namespace: string;
}

export interface ExportFormat {
  /** EPrints plugin id as it appears in /cgi/export URLs: `BibTeX`, `XML`, `RDFNT`. Case-sensitive. */
  id: string;
  /** EPrints' human name: "BibTeX", "EP3 XML", "Multiline CSV". */
  label: string;
  /** Content-Type exactly as EPrints sends it. */
  mediaType: string;
  /** File suffix including the dot: `.bib`. */
  extension: string;
  /** Further media types content negotiation maps to this format (besides application/x-eprints-export-<id>). */
  aliases?: readonly string[];
  /** EPrints' negotiation quality (qs): default 0.5. */
  qs?: number;
  /** `all`: offered to everyone; `hidden`: only reachable by OAI or internally (OAI_DC, HighwirePress). */
  visibility: "all" | "hidden";
  /**
   * What the format accepts, as EPrints' `accept` says: `single` formats describe one record
   * only (a list of them would not be a valid document), `list` formats are feeds and id
   * lists. Unset: both.
   */
  only?: "single" | "list";
  /** Linked from the abstract page's signposting header (EPrints' cfg.d/signposting.pl). */
  signposting?: boolean;
  /** Set when the format is also an OAI-PMH metadata format. */
  oai?: OaiMetadataFormat;
  /** One record, as /cgi/export/eprint/N/<id>/... returns it. */
  serialize(record: EPrint, ctx: FormatContext): string;
  /**
   * A list export (search, bulk). Omitted: the concatenation of `serialize`. Written as
   * head + items + tail so a list of any length streams in constant memory.
   */
  list?: {
    head(ctx: FormatContext): string;
    item(record: EPrint, ctx: FormatContext, index: number): string;
    tail(ctx: FormatContext, count: number): string;
  };
  /** The OAI-PMH `<metadata>` payload (an XML element, no declaration), when `oai` is set. */
  oaiMetadata?(record: EPrint, ctx: FormatContext): string;
}
