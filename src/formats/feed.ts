/**
 * What the Atom and RSS 2.0 feeds (EPrints::Plugin::Export::Feed and its subclasses) share:
 * the repository's front page and logo, and the feed title.
 */
import type { FormatContext } from "./types.js";

/** `$c->{frontpage}`. */
export const frontPage = (ctx: FormatContext) => `${ctx.repo.baseUrl}/`;

/** `$c->{site_logo}` (lib/cfg.d/branding.pl), made absolute. */
export const siteLogoUrl = (ctx: FormatContext) => `${ctx.repo.baseUrl}/images/sitelogo.png`;

/**
 * "Archive name: description of the list". A command-line or bulk export has an empty
 * description; a search feed would describe the search, which Vellum's list API does not pass.
 */
export const feedTitle = (ctx: FormatContext) => `${ctx.repo.archiveName}: `;
