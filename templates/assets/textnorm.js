// The text rules shared by anchoring and search (DESIGN.md, "Text rules").
// The twin of generator/textnorm.py: both must give identical output, which
// tests/text_vectors.json proves for both (pytest and node --test).
//
// Rules, in order, applied to each base character with the marks (category M)
// after it: NFKC; drop nonspacing marks (harakat, tanwin, shadda, sukun,
// superscript alef) and format characters (ZWNJ, ZWJ, bidi controls, soft
// hyphen); drop tatweel; fold letter variants and the three digit systems;
// lower-case; every run of white space (NBSP included) becomes one space.

const FOLDS = new Map([
  ["ي", "ی"], ["ى", "ی"], ["ئ", "ی"],
  ["ك", "ک"],
  ["أ", "ا"], ["إ", "ا"], ["آ", "ا"], ["ٱ", "ا"],
  ["ؤ", "و"],
  ["ة", "ه"], ["ۀ", "ه"], ["ہ", "ه"], ["ے", "ی"],
]);
for (let d = 0; d < 10; d++) {
  FOLDS.set(String.fromCodePoint(0x06f0 + d), String(d));
  FOLDS.set(String.fromCodePoint(0x0660 + d), String(d));
}
const WHITESPACE = new Set(
  "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" +
  "\u200a\u2028\u2029\u202f\u205f\u3000",
);
const MARK = /^\p{M}$/u;
const DROPPED = /^[\p{Mn}\p{Cf}\u0640]$/u;

/**
 * Normalize text; `starts[i]`/`ends[i]` give the span (UTF-16 offsets) of the
 * original text that normalized character i came from.
 */
export function normalizeMapped(text) {
  const chars = [];
  const starts = [];
  const ends = [];
  const points = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i);
    const width = cp > 0xffff ? 2 : 1;
    points.push([i, i + width, String.fromCodePoint(cp)]);
    i += width;
  }
  let index = 0;
  while (index < points.length) {
    let last = index + 1;
    while (last < points.length && MARK.test(points[last][2])) last++;
    const segStart = points[index][0];
    const segEnd = points[last - 1][1];
    for (const raw of text.slice(segStart, segEnd).normalize("NFKC")) {
      if (DROPPED.test(raw)) continue;
      const folded = (FOLDS.get(raw) ?? raw).toLowerCase();
      if (WHITESPACE.has(folded)) {
        if (chars.length && chars[chars.length - 1] === " ") {
          ends[ends.length - 1] = segEnd;
          continue;
        }
        chars.push(" ");
        starts.push(segStart);
        ends.push(segEnd);
        continue;
      }
      for (const c of folded) {
        chars.push(c);
        starts.push(segStart);
        ends.push(segEnd);
      }
    }
    index = last;
  }
  return { text: chars.join(""), starts, ends };
}

const DROP_ALL = /[\p{Mn}\p{Cf}\u0640]/gu;
const FOLD_ALL = new RegExp(`[${[...FOLDS.keys()].join("")}]`, "g");
const LOWER_ALL = /\p{Changes_When_Lowercased}/gu;
const SPACES = new RegExp(`[${[...WHITESPACE].join("")}]+`, "g");
const SLOW = /[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]/;
// Hangul jamo compose across what the rules treat as separate characters: those texts take the slow path.

/**
 * Fold `text` to the form used for matching. Equal to normalizeMapped(text).text (tests
 * prove it) but works on the whole string at once, which search needs for speed.
 */
export function normalize(text) {
  if (SLOW.test(text)) return normalizeMapped(text).text;
  return text
    .normalize("NFKC")
    .replace(DROP_ALL, "")
    .replace(FOLD_ALL, (c) => FOLDS.get(c))
    .replace(LOWER_ALL, (c) => c.toLowerCase())
    .replace(SPACES, " ");
}
