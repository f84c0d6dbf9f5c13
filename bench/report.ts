/**
 * The report: every figure with its baseline, the ratio between them, EPrints' figure where
 * there is one, and the target it is held to. Written as JSON (bench/results/<date>.json)
 * and printed as a Markdown table.
 */

export type Unit = "req/s" | "records/s" | "rows/s" | "ms" | "MB";

export interface Figure {
  id: string;
  scenario: string;
  label: string;
  available: boolean;
  /** why a figure is missing, or what to know about it */
  note?: string;
  value?: number;
  unit: Unit;
  baseline?: { label: string; value: number };
  /** value ÷ baseline (for latencies: value ÷ baseline too, lower is better) */
  ratio?: number;
  /** EPrints 3.4.7's figure for the same thing, same unit */
  eprints?: number;
  p50?: number;
  p99?: number;
  errors?: number;
  /** bytes */
  peakRss?: number;
  target?: { text: string; met?: boolean };
  raw?: unknown;
}

export interface Report {
  date: string;
  command: string;
  duration: { seconds: number };
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  dataset: Record<string, unknown>;
  figures: Figure[];
}

const int = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });
const two = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2, minimumFractionDigits: 2 });

export function num(v: number | undefined, unit?: Unit): string {
  if (v === undefined || !Number.isFinite(v)) return "–";
  if (unit === "ms") return v < 10 ? two.format(v) : one.format(v);
  return v >= 100 ? int.format(v) : one.format(v);
}

export function mb(bytes: number | undefined): string {
  return bytes === undefined ? "–" : `${int.format(bytes / 1024 / 1024)} MB`;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function markdownTable(figures: Figure[]): string {
  const head = ["Scenario", "Figure", "Vellum", "Baseline", "Ratio", "EPrints 3.4.7", "× EPrints", "p50 / p99 ms", "Errors", "Peak RSS", "Target"];
  const rows = figures.map((f) => {
    if (!f.available) return [f.scenario, f.label, "not available", "", "", f.eprints ? `${num(f.eprints)} ${f.unit}` : "", "", "", "", "", cell(`${f.target?.text ?? ""}${f.note ? ` (${f.note})` : ""}`)];
    const target = f.target ? `${f.target.met === undefined ? "" : f.target.met ? "✅ " : "❌ "}${f.target.text}` : "";
    return [
      f.scenario,
      f.label,
      `${num(f.value, f.unit)} ${f.unit}`,
      f.baseline ? `${num(f.baseline.value, f.unit)} (${f.baseline.label})` : "",
      f.ratio !== undefined ? `${two.format(f.ratio)}×` : "",
      f.eprints ? `${num(f.eprints)} ${f.unit}` : "",
      f.eprints && f.value !== undefined ? `${one.format(f.value / f.eprints)}×` : "",
      f.p50 !== undefined ? `${num(f.p50, "ms")} / ${num(f.p99, "ms")}` : "",
      f.errors !== undefined ? String(f.errors) : "",
      f.peakRss !== undefined ? mb(f.peakRss) : "",
      cell(`${target}${f.note ? ` (${f.note})` : ""}`),
    ];
  });
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export function summary(report: Report): string {
  const m = report.machine;
  const s = report.settings;
  return [
    `${report.date} · ${s.records} records${s.quick ? " (quick)" : ""} · ${m.cpus} × ${m.cpu} · ${m.memory} · Node ${m.node} · ${s.database}`,
    `Vellum under ${s.server}, LOG_LEVEL=${s.logLevel}; load: autocannon, ${s.connections} connections, ${s.warmup} s warm-up + ${s.duration} s per run; run took ${Math.round(report.duration.seconds)} s`,
  ].join("\n");
}
