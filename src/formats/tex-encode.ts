/**
 * BibTeX escaping as EPrints gets it from the CPAN module TeX::Encode::BibTeX
 * (REFERENCE.md §3.5): reserved characters are escaped, characters in the TeX map become
 * braced TeX, runs of plain ASCII are copied. The map is built here as data and follows
 * TeX::Encode 2.010 (the current CPAN release, and Debian's libtex-encode-perl), except:
 *
 * - Letter-named accents are written with a space, `{\v c}`, `{\k a}`, `{\H o}`, as
 *   TeX::Encode 1.x (bundled with EPrints 3.3) did. 2.x writes `{\vc}`, which TeX reads as
 *   the undefined macro `\vc`; neither biber nor bibtex-parser can decode it.
 * - Only LaTeX's standard text accents are used. TeX::Encode also writes `\h`, `\C`, `\f`,
 *   `\D`, `\T`, `\V` (hook above, double grave, ...), which LaTeX does not define; Vellum
 *   writes those letters as raw UTF-8 (Vietnamese ả, ẻ, ...). Ħ ħ Ŧ ŧ Ŀ ŀ (a stroke or a
 *   middle dot, not an accent) are raw too: TeX::Encode writes them as other letters.
 * - Cyrillic is written raw. 2.010 writes T2A macros (`{\CYRD}{\cyro}...`), which neither
 *   biber nor bibtex-parser reads back.
 *
 * Divergence from EPrints (the issue this module exists for): where TeX::Encode has no
 * mapping it writes `?`, losing the character (CJK, accented Greek, emoji, Vietnamese
 * letters with two marks). Vellum writes the character as raw UTF-8, which biber and
 * bibtex-parser read back exactly. In the same spirit:
 * - in a value that holds Greek text (see hasGreekText) every Greek letter is written raw,
 *   not as `{\ensuremath{\alpha}}`: those are maths symbols, and TeX::Encode would mix both
 *   forms inside one word, since it maps α but not ά. Lone Greek letters in other text
 *   (α-helix, TGF-β) keep EPrints' `\ensuremath` form;
 * - a mapped character followed by a combining mark is written raw, so the mark stays on
 *   its base letter;
 * - ℕ, ℝ, ℤ are written raw (TeX::Encode writes `$N$`, losing the double stroke), and so
 *   are 2.x's partial \mathbb/\mathfrak/\mathcal letters and modifier letters (ᵃ → `^a`,
 *   which is not valid outside maths).
 */

/** BibTeX-reserved characters; these are never wrapped in the extra brace pair. */
const RESERVED: Readonly<Record<string, string>> = {
  "#": "\\#",
  $: "\\$",
  "%": "\\%",
  "&": "\\&",
  _: "\\_",
  "{": "\\{",
  "}": "\\}",
  "\\": "{$\\backslash$}",
  "^": "{\\^{ }}",
  "~": "{\\texttt{\\char126}}",
};

/** LaTeX text accents by combining mark. Control symbols attach directly; letters need a space. */
const ACCENTS: Readonly<Record<string, string>> = {
  "\u0300": "\\`",
  "\u0301": "\\'",
  "\u0302": "\\^",
  "\u0303": "\\~",
  "\u0304": "\\=",
  "\u0306": "\\u ",
  "\u0307": "\\.",
  "\u0308": '\\"',
  "\u030A": "\\r ",
  "\u030B": "\\H ",
  "\u030C": "\\v ",
  "\u0323": "\\d ",
  "\u0327": "\\c ",
  "\u0328": "\\k ",
  "\u0331": "\\b ",
};

/** Blocks searched for "ASCII letter + one accent" letters: Latin-1, Extended-A/B, Extended Additional. */
const ACCENTED_RANGES: readonly (readonly [number, number])[] = [
  [0x00c0, 0x024f],
  [0x1e00, 0x1eff],
];

/** Letters and symbols that are not an ASCII letter plus an accent. */
const SYMBOLS: Readonly<Record<string, string>> = {
  "<": "\\ensuremath{<}",
  ">": "\\ensuremath{>}",
  "|": "\\ensuremath{|}",
  "[": "{[}",
  "]": "{]}",
  "£": "\\pounds",
  "§": "\\S",
  "©": "\\copyright",
  "¶": "\\P",
  Å: "\\AA",
  Æ: "\\AE",
  Ð: "\\DH",
  Ø: "\\O",
  Þ: "\\TH",
  ß: "\\ss",
  å: "\\aa",
  æ: "\\ae",
  ð: "\\dh",
  ø: "\\o",
  þ: "\\th",
  Đ: "\\DJ",
  đ: "\\dj",
  ı: "\\i",
  Ĳ: "\\IJ",
  ĳ: "\\ij",
  Ł: "\\L",
  ł: "\\l",
  Ŋ: "\\NG",
  ŋ: "\\ng",
  Œ: "\\OE",
  œ: "\\oe",
  Ǽ: "\\'{\\AE}",
  Ǣ: "\\={\\AE}",
  ǽ: "\\'{\\ae}",
  ǣ: "\\={\\ae}",
  Ǻ: "\\'{\\AA}",
  ǻ: "\\'{\\aa}",
  Ǿ: "\\'{\\O}",
  ǿ: "\\'{\\o}",
};

/** Superscript and subscript digits and signs (¹ ² ³ never get here: EPrints flattens them first). */
const SCRIPTS: readonly (readonly [sign: "^" | "_", chars: string, plain: string])[] = [
  ["^", "⁰ⁱ⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ", "0i456789+-=()n"],
  ["_", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", "0123456789+-=()"],
];

/** Greek letters TeX has macros for, lower case from U+03B1 (omicron has none). */
const GREEK_LOWER = [
  "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
  "nu", "xi", null, "pi", "rho", "varsigma", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
] as const;
/** Capitals that differ from Latin letters; TeX::Encode also leaves out Omega, so Vellum writes Ω raw. */
const GREEK_UPPER = ["Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi"] as const;

/** Maths symbols, written `{$\macro$}`. */
const MATH: Readonly<Record<string, string>> = {
  "±": "\\pm", "×": "\\times", "ϑ": "\\vartheta", "ϖ": "\\varpi", "ϰ": "\\varkappa", "ϱ": "\\varrho",
  "ℑ": "\\Im", "℘": "\\wp", "ℜ": "\\Re", "ℵ": "\\aleph", "ℶ": "\\beth",
  "←": "\\leftarrow", "→": "\\rightarrow", "↔": "\\leftrightarrow", "↖": "\\nwarrow", "↗": "\\nearrow",
  "↘": "\\searrow", "↙": "\\swarrow", "↠": "\\twoheadrightarrow", "↣": "\\rightarrowtail",
  "↦": "\\mapsto", "↪": "\\hookrightarrow", "⇐": "\\Leftarrow", "⇑": "\\Uparrow", "⇒": "\\Rightarrow",
  "⇓": "\\Downarrow", "⇔": "\\Leftrightarrow",
  "∀": "\\forall", "∂": "\\partial", "∃": "\\exists", "∅": "\\emptyset", "∇": "\\nabla", "∈": "\\in",
  "∉": "\\notin", "∋": "\\ni", "∌": "\\not\\ni", "∏": "\\prod", "∑": "\\sum", "∓": "\\mp",
  "∖": "\\setminus", "∘": "\\circ", "√": "\\sqrt", "∞": "\\infty", "∠": "\\angle", "∥": "\\parallel",
  "∧": "\\wedge", "∨": "\\vee", "∩": "\\cap", "∪": "\\cup", "∫": "\\int", "∬": "\\iint", "∭": "\\iiint",
  "∮": "\\oint", "∴": "\\therefore", "∼": "\\sim", "≀": "\\wr", "≃": "\\simeq", "≅": "\\cong",
  "≈": "\\approx", "≉": "\\not\\approx", "≠": "\\neq", "≡": "\\equiv", "≢": "\\not\\equiv",
  "≤": "\\leq", "≥": "\\ge", "≮": "\\not<", "≯": "\\not>", "≰": "\\not\\le", "≱": "\\not\\ge",
  "≲": "\\lesssim", "≳": "\\gtrsim", "⊂": "\\subset", "⊃": "\\supset", "⊄": "\\not\\subset",
  "⊆": "\\subseteq", "⊇": "\\supseteq", "⊈": "\\not\\subseteq", "⊊": "\\subsetneq", "⊋": "\\supsetneq",
  "⊕": "\\oplus", "⊗": "\\otimes", "⊙": "\\odot", "⊢": "\\vdash", "⊤": "\\top", "⊥": "\\perp",
  "⊨": "\\models", "⊴": "\\unlhd", "⊻": "\\veebar", "⋂": "\\bigcap", "⋃": "\\bigcup", "⋅": "\\cdot",
  "⋊": "\\rtimes", "⋮": "\\vdots", "⋯": "\\cdots", "⋱": "\\ddots", "⌈": "\\lceil", "⌉": "\\rceil",
  "⌊": "\\lfloor", "⌋": "\\rfloor", "□": "\\Box", "△": "\\triangle", "◃": "\\triangleleft",
  "⟨": "\\langle", "⟩": "\\rangle", "⨁": "\\bigoplus", "⨂": "\\bigotimes", "⨌": "\\iiiint",
};

function buildCharMap(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [from, to] of ACCENTED_RANGES) {
    for (let cp = from; cp <= to; cp++) {
      const [base, mark, ...more] = String.fromCodePoint(cp).normalize("NFD");
      const accent = mark === undefined ? undefined : ACCENTS[mark];
      if (accent && more.length === 0 && /^[A-Za-z]$/.test(base!)) map.set(String.fromCodePoint(cp), accent + base);
    }
  }
  for (const [c, tex] of Object.entries(SYMBOLS)) map.set(c, tex);
  for (const [sign, chars, plain] of SCRIPTS) {
    Array.from(chars).forEach((c, i) => map.set(c, `$${sign}${plain[i]}$`));
  }
  GREEK_LOWER.forEach((name, i) => {
    if (name) map.set(String.fromCodePoint(0x3b1 + i), `\\ensuremath{\\${name}}`);
  });
  for (const name of GREEK_UPPER) {
    const i = GREEK_LOWER.indexOf(name.toLowerCase() as (typeof GREEK_LOWER)[number]);
    map.set(String.fromCodePoint(0x391 + i), `\\ensuremath{\\${name}}`);
  }
  for (const [c, tex] of Object.entries(MATH)) map.set(c, `$${tex}$`);
  return map;
}

/** Every character the encoder turns into TeX, with its TeX (before the extra brace pair). */
export const CHAR_MAP: ReadonlyMap<string, string> = buildCharMap();

/** Copied as a run: ASCII letters, digits, some punctuation, and whitespace as Perl's `\s` sees it. */
const RUN_CLASS = "A-Za-z0-9.,:;'\"()=\\-/[\\]*+!\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const RUN_CHAR = new RegExp(`[${RUN_CLASS}]`);
/** A run from here on (sticky); every run character is in the BMP, so UTF-16 indexes are safe. */
const RUN = new RegExp(`[${RUN_CLASS}]+`, "y");
/** A value that is one run from its first character, which is not a bracket (`[` and `]` are mapped). */
const WHOLE_RUN = new RegExp(`^(?![[\\]])[${RUN_CLASS}]*$`);
const MARK = /^\p{M}$/u;
const GREEK_LETTER = /^(?=\p{Script=Greek})\p{L}$/u;
const ANY_GREEK = /\p{Script=Greek}/u;
/**
 * Every block that holds Greek-script characters (Greek and Coptic, the phonetic extensions,
 * Greek Extended, the ohm sign, ꭥ, ancient Greek numbers and musical notation), as UTF-16 and
 * without Unicode mode: a cheap first test, so the exact Unicode-mode one runs only where it
 * can find something.
 */
const GREEK_BLOCKS = /[\u0370-\u03FF\u1D26-\u1D2A\u1D5D-\u1D61\u1D66-\u1D6A\u1DBF\u1F00-\u1FFF\u2126\uAB65]|\uD800[\uDD40-\uDDA0]|\uD834[\uDE00-\uDE45]/;

// nothing below U+0300 is a combining mark, nothing below U+0370 Greek: most characters are decided without an expression
const isMark = (c: string | undefined) => c !== undefined && c.charCodeAt(0) >= 0x300 && MARK.test(c);
const isGreekLetter = (c: string | undefined) => c !== undefined && c.charCodeAt(0) >= 0x370 && GREEK_LETTER.test(c);

/** The character (code point) starting at UTF-16 index `i`, or undefined past the end. */
function charAt(text: string, i: number): string | undefined {
  if (i >= text.length) return undefined;
  const cp = text.codePointAt(i)!;
  return cp > 0xffff ? String.fromCodePoint(cp) : text[i];
}

/**
 * Whether a value holds Greek text rather than Greek symbols: a Greek letter TeX has no
 * macro for (accented, or a capital like Α), one carrying a combining mark, or two Greek
 * letters in a row.
 */
function hasGreekText(chars: readonly string[]): boolean {
  return chars.some((c, i) => {
    if (!isGreekLetter(c)) return false;
    let next = i + 1;
    while (isMark(chars[next])) next++;
    return !CHAR_MAP.has(c) || next > i + 1 || isGreekLetter(chars[next]);
  });
}

/**
 * A value for a BibTeX field (TeX::Encode::BibTeX `encode`, with the divergences above).
 * It walks the string by code point; runs are found with one sticky regex and copied as
 * slices, and a value that is a single run is returned as it is (most values are).
 */
export function encodeBibtex(text: string): string {
  if (WHOLE_RUN.test(text)) return text;
  const greekText = GREEK_BLOCKS.test(text) && ANY_GREEK.test(text) && hasGreekText(Array.from(text));
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = charAt(text, i)!;
    const next = i + c.length;
    const reserved = RESERVED[c];
    if (reserved !== undefined) {
      out += reserved;
      i = next;
      continue;
    }
    // A mapped character stays raw before a combining mark (which must keep its base) and,
    // for Greek, in Greek text.
    const mapped = isMark(charAt(text, next)) || (greekText && isGreekLetter(c)) ? undefined : CHAR_MAP.get(c);
    if (mapped !== undefined) {
      out += `{${mapped}}`;
      i = next;
    } else if (RUN_CHAR.test(c)) {
      // A run is consumed whole, so `[` and `]` inside one stay bare: only a `[` that starts a
      // scan step (after an escape, a mapped or a raw character) becomes `{{[}}`, as in EPrints.
      RUN.lastIndex = i;
      RUN.exec(text);
      out += text.slice(i, RUN.lastIndex);
      i = RUN.lastIndex;
    } else {
      // Other ASCII is copied by TeX::Encode too; anything else is where EPrints writes "?".
      out += c;
      i = next;
    }
  }
  return out;
}

/**
 * The `url` field (TeX::Encode::BibTeX `encode_url`): `{ } \ _` become lower-case percent
 * escapes, then every `%` becomes `\%`, so `a_b%20c` is written `a\%5fb\%20c`.
 */
export function encodeBibtexUrl(url: string): string {
  return url
    .replace(/[{}\\_]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .replace(/%/g, "\\%");
}
