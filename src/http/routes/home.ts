/**
 * The repository's front page: what the abstract pages' header links to. It says what this
 * repository is and where its machine interfaces are; it is not a search interface.
 */
import type { FastifyInstance } from "fastify";
import { CSS, escapeHtml } from "../../formats/abstract-page.js";
import type { Services } from "../../services.js";

export function homeRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  app.get("/", { schema: { hide: true } }, async (_req, reply) => {
    const { rows } = await services.db.readPool.query("SELECT count(*)::int AS n FROM eprint WHERE eprint_status = 'archive'");
    const name = escapeHtml(services.config.archiveName);
    const link = (href: string, text: string, note: string) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a> ${escapeHtml(note)}</li>`;
    const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>${name}</title><style>${CSS}</style></head>
<body><header><p class="site"><a href="/">${name}</a></p></header>
<main><h1>${name}</h1>
<p>${rows[0].n} items in the live archive.</p>
<h2>Interfaces</h2>
<ul>
${link("/api/eprints?sort=-datestamp", "Latest items", "(JSON, searchable with q=)")}
${link("/api/subjects", "Subjects and divisions", "(JSON)")}
${link("/cgi/oai2?verb=Identify", "OAI-PMH 2.0", "for harvesters")}
${link("/api/export/BibTeX", "Everything as BibTeX", "(any EPrints export format by its id)")}
${link("/docs", "API documentation", "(OpenAPI 3.1)")}
</ul></main></body></html>
`;
    return reply.type("text/html; charset=utf-8").send(html);
  });
}
