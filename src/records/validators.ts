/** Checks for identifiers whose syntax carries a checksum or a registry prefix, and for text at all. */

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text PostgreSQL can store: no NUL character (text and jsonb refuse it) and no unpaired
 * UTF-16 surrogate (jsonb refuses the `\ud83d` escape, text would get U+FFFD). A JSON
 * string may carry either, so such input is refused where it comes in, naming its field,
 * rather than failing in the database.
 */
export function storableTextProblem(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if (UNPAIRED_SURROGATE.test(value)) return "must be Unicode text: it contains an unpaired surrogate";
  return null;
}

/** ORCID iD check digit, ISO 7064 MOD 11-2, over the first 15 digits. */
export function isValidOrcid(value: string): boolean {
  const m = /^(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$/.exec(value);
  if (!m) return false;
  const digits = value.replace(/-/g, "");
  let total = 0;
  for (let i = 0; i < 15; i++) total = (total + Number(digits[i])) * 2;
  const check = (12 - (total % 11)) % 11;
  return digits[15] === (check === 10 ? "X" : String(check));
}

/** Accepts the bare form and the https://orcid.org/ form; returns the bare form or null. */
export function normaliseOrcid(value: string): string | null {
  const bare = value.trim().replace(/^https?:\/\/(www\.)?orcid\.org\//i, "").toUpperCase();
  return isValidOrcid(bare) ? bare : null;
}

export function isValidIssn(value: string): boolean {
  const m = /^(\d{4})-?(\d{3}[\dXx])$/.exec(value.trim());
  if (!m) return false;
  const s = (m[1]! + m[2]!).toUpperCase();
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(s[i]) * (8 - i);
  const check = (11 - (sum % 11)) % 11;
  return s[7] === (check === 10 ? "X" : String(check));
}

export function isValidIsbn(value: string): boolean {
  const s = value.replace(/[\s-]/g, "").toUpperCase();
  if (/^\d{9}[\dX]$/.test(s)) {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += (s[i] === "X" ? 10 : Number(s[i])) * (10 - i);
    return sum % 11 === 0;
  }
  if (/^97[89]\d{10}$/.test(s)) {
    let sum = 0;
    for (let i = 0; i < 13; i++) sum += Number(s[i]) * (i % 2 === 0 ? 1 : 3);
    return sum % 10 === 0;
  }
  return false;
}

/** An id_number "looks like a DOI" when it starts with 10., doi: or a doi.org proxy. */
const DOI_LIKE = /^(doi:\s*|info:doi\/|https?:\/\/(dx\.)?doi\.org\/)?10\./i;
const DOI_SYNTAX = /^10\.\d{4,9}\/\S+$/;

/** Strips the prefixes EPrints::DOI->parse accepts; null when the value is not a DOI. */
export function parseDoi(value: string): string | null {
  const v = value.trim();
  if (!DOI_LIKE.test(v)) return null;
  const bare = v.replace(/^(doi:\s*|info:doi\/|https?:\/\/(dx\.)?doi\.org\/)/i, "");
  return DOI_SYNTAX.test(bare) ? bare : null;
}

/** For validation: a value that looks like a DOI must be a well-formed one. */
export function doiProblem(value: string): string | null {
  if (!DOI_LIKE.test(value.trim())) return null;
  return parseDoi(value) ? null : "looks like a DOI but is not one: a DOI is 10.<registrant>/<suffix> with no spaces";
}

export function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:" || u.protocol === "ftp:") && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar day. */
export function dateProblem(value: string): string | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!m) return "must be YYYY, YYYY-MM or YYYY-MM-DD";
  const year = Number(m[1]);
  if (year < 1000) return "year must be 1000 or later";
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return "month must be 01 to 12";
    if (m[3] !== undefined) {
      const day = Number(m[3]);
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      if (day < 1 || day > last) return `day must be 01 to ${last} in ${m[1]}-${m[2]}`;
    }
  }
  return null;
}

/** EPrints' time form, `YYYY-MM-DD hh:mm:ss` in UTC (older records may carry only the date). */
export function timeProblem(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(value);
  if (!m) return "must be YYYY-MM-DD hh:mm:ss";
  const d = dateProblem(m[1]!);
  if (d) return d;
  if (m[2] !== undefined && (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59)) return "time out of range";
  return null;
}
