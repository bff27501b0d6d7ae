// Client-side search for the digest (DESIGN.md, "Search"); the index is built by
// generator/index.py. An ES module: import { search } from ".../assets/search.js".
//
// search(query, {limit = 10, lang, topics}) → Promise<Array<{url, title, lang, seed, excerpt}>>
//   url      site-relative article URL in the interface language (opts.ui, else the page's <html lang>)
//   excerpt  HTML from the original text around the best match, matches in <mark>, all text escaped
//   parts    the same excerpt as [{text, mark}] for callers that build DOM with text APIs
//
// The query: words are ANDed, falling back to the articles with the most of them; a word no
// article has is left out and named (`unknown`), so one stray word never empties the answer.
// A word of 5 letters or more that nothing has matches indexed words and glossary names one
// letter away, below exact matches (`corrections` says which). The last word matches as a prefix
// while it is typed (3 letters at least); single letters and function words are not searched.
// "Quoted words" must appear as a phrase. Names in the glossary match every
// spelling in both scripts and Latin (پوتین finds بوتين).
import { normalize, normalizeMapped } from "./textnorm.js";

const PREFIXES = ["وال", "بال", "کال", "فال", "لل", "ال"];
const SUFFIXES = ["هایی", "ترین", "شان", "های", "ها", "تر", "یی", "ان", "ات", "ش", "ی"];
const MIN_STEM = { "ها": 2, "های": 2, "هایی": 2 };
// The rules of generator/textnorm.py ("words for search"), identical: see its comments.
const SEPARATE_SUFFIXES = new Set(["ها", "های", "هایی", "ای", "ی", "یی", "تر", "ترین", "اش"]);
const VERB_PREFIXES = new Set(["می", "نمی"]);
const VERB_ENDINGS = ["د", "م", "ی", "ه", "ت"];
const GLUED_VERB_ENDINGS = ["د", "م", "ت"];
const EXPANSIONS = { "\ufdfd": " بسم الله الرحمن الرحیم " };
const STOP_WORDS = new Set(`و در به از که را با این ان برای تا یا هم نیز بر اما چه ایا همین همان دیگر
است هست نیست بود بوده باشد باشند شد شده شود شوند خواهد خواهند دارد دارند داشت داشتند
فی من الی عن ان التی الذی الذین هذا هذه ذلک تلک کان کانت قد لم لن لا ما هل او ثم حتی مع عند ذو ذی`.split(/\s+/));
const DIGIT_RUNS = /[0-9]+|[^0-9]+/g;
const REPEATS = /([\u0600-\u06ff])\1{2,}/gu;
const ENTITY = "~";
const WORD = /[\p{L}\p{N}]+/gu;
const PHRASE = /["«“]([^"»”]+)["»”]/g;
const PREFIX_WEIGHT = 0.8;
const TYPO_MIN = 5;
const TYPO_WEIGHT = 0.6;
const EXCERPT_CHARS = 240;

/** Runs of letters and digits in normalized text. */
export function words(normalized) {
  return normalized.match(WORD) ?? [];
}

function length(word) {
  return Array.from(word).length;
}

function stripPrefix(word) {
  for (const prefix of PREFIXES) {
    if (word.startsWith(prefix) && length(word) - length(prefix) >= 3) return word.slice(prefix.length);
  }
  return word;
}

const LATIN_FOLDS = [["ph", "f"], ["kh", "h"], ["ch", "c"], ["k", "c"], ["q", "c"], ["y", "i"], ["oo", "u"], ["ou", "u"], ["w", "v"]];
const LATIN = /^[a-z]+$/;

/** Transliteration variants of a name in Latin letters, folded as generator/textnorm.py does. */
export function latinKey(word) {
  let w = word;
  for (const [spelled, folded] of LATIN_FOLDS) w = w.replaceAll(spelled, folded);
  return w.replace(/(.)\1+/gu, "$1");
}

/** Light stemming of a normalized word, as generator/textnorm.py does it. */
export function stem(word) {
  if (LATIN.test(word)) return latinKey(word);
  let w = stripPrefix(word);
  for (const prefix of VERB_PREFIXES) {
    if (w.startsWith(prefix) && length(w) - length(prefix) >= 3 && GLUED_VERB_ENDINGS.some((e) => w.endsWith(e))) {
      w = w.slice(prefix.length);
      break;
    }
  }
  for (;;) {
    const suffix = SUFFIXES.find((s) => w.endsWith(s) && length(w) - length(s) >= (MIN_STEM[s] ?? 3));
    if (!suffix) return w;
    w = w.slice(0, w.length - suffix.length);
  }
}

/** The words search sees in raw text, normalized and not yet stemmed. */
export function searchWords(text) {
  let raw = text.replaceAll("\u200c", " ").replaceAll("ئو", "و");  // سئوال is سؤال (سوال), مسئول is مسول
  for (const [ligature, spelled] of Object.entries(EXPANSIONS)) raw = raw.replaceAll(ligature, spelled);
  const tokens = [];
  for (const token of words(normalize(raw))) {
    for (const part of token.match(DIGIT_RUNS)) tokens.push(part.replace(REPEATS, "$1"));
  }
  const kept = [];
  tokens.forEach((token, index) => {
    if (SEPARATE_SUFFIXES.has(token) && kept.length && !/[0-9]/.test(kept[kept.length - 1][0])) return;
    const following = tokens[index + 1] ?? "";
    if (VERB_PREFIXES.has(token) && VERB_ENDINGS.some((ending) => following.endsWith(ending))) return;
    kept.push(token);
  });
  return kept.filter((token) => !STOP_WORDS.has(token));
}

const ARABIC_SUFFIXES = ["ها", "ان", "ات", "ون", "ین", "یه", "ه", "ی"];
const CLITICS = { "و": 3, "ب": 4, "ف": 4, "ک": 4, "ل": 4 };
export const ARABIC_MARK = "^";

/** Light stemming of a normalized word of Arabic text, as generator/textnorm.py does it. */
export function stemArabic(word) {
  if (LATIN.test(word)) return latinKey(word);
  let w = stripPrefix(word);
  const article = w !== word;
  for (const suffix of ARABIC_SUFFIXES) {
    if (w.endsWith(suffix) && length(w) - length(suffix) >= 3) w = w.slice(0, w.length - suffix.length);
  }
  // A clitic after the suffixes, so that its guard sees the stem: كبيرة is not ك + بير.
  const first = Array.from(w)[0] ?? "";
  if (!article && length(w) - 1 >= (CLITICS[first] ?? 99)) w = w.slice(first.length);
  return w;
}

/** The index term of a search word in text of `lang`, as generator/textnorm.py's term_of. */
export function termOf(word, lang) {
  return lang === "ar" ? stemArabic(word) + ARABIC_MARK : stem(word);
}

/** Normalized, split, stemmed as text in `lang` is: what the index holds. */
export function terms(text, lang) {
  return searchWords(text).map((w) => termOf(w, lang));
}

/** The terms a query word may be in the index: as a word of Persian text and of Arabic text. */
export function queryTerms(word) {
  return [termOf(word, "fa"), termOf(word, "ar")];
}

function bare(term) {
  return term.endsWith(ARABIC_MARK) ? term.slice(0, -ARABIC_MARK.length) : term;
}

// --- loading ---------------------------------------------------------------------------------

const BASE = new URL("search/", import.meta.url);
let loader = async (path) => {
  const response = await fetch(new URL(path, BASE));
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`search index: ${path}: HTTP ${response.status}`);
  return response.json();
};
const cache = new Map();

/** Replace how index files are read (tests and benchmarks read them from disk). */
export function setLoader(load) {
  loader = load;
  cache.clear();
  decoded.clear();
}

function load(path) {
  if (!cache.has(path)) {
    // A failed download is tried again by the next query, not remembered.
    cache.set(path, loader(path).catch((error) => { cache.delete(path); throw error; }));
  }
  return cache.get(path);
}

/** Start loading what every query needs (the search page calls this as it opens). */
export function prepare() {
  return Promise.all([load("meta.json"), load("glossary.json")]);
}

function hex(text) {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Shards and records are named with their version (generator/index.py), so hosts may cache them
// for good: meta.json names each first letter's manifest, which names the shards.
const EMPTY = { t: {}, w: {} };

async function shard(term, meta) {
  const key = Array.from(term).slice(0, meta.shard);
  const manifest = meta.shards[key[0]] && (await load(`m/${hex(key[0])}.${meta.shards[key[0]]}.json`));
  const version = manifest?.[key.join("")];
  return (version && (await load(`t/${hex(key.join(""))}.${version}.json`))) || EMPTY;
}

function record(doc, meta) {
  return load(`d/${doc}.${meta.records[Math.floor(doc / meta.recordGroup)]}.json`);
}

const decoded = new Map();

/** Map of document id → {impact, flags} for one term (decoded once, then reused). */
async function postings(term, meta) {
  if (decoded.has(term)) return decoded.get(term);
  const encoded = (await shard(term, meta)).t[term];
  const out = new Map();
  decoded.set(term, out);
  if (!encoded) return out;
  const mask = (1 << meta.flagBits) - 1;
  let doc = 0;
  for (let i = 0; i < encoded.length; i += 2) {
    doc += encoded[i];
    out.set(doc, { impact: encoded[i + 1] >> meta.flagBits, flags: encoded[i + 1] & mask });
  }
  return out;
}

/** Terms the reader may be typing: indexed terms, or words that stem to one, starting with `prefix`. */
async function expand(prefix, meta) {
  const found = new Set();
  const candidates = new Set([prefix, stripPrefix(prefix)]);
  for (const start of candidates) {
    if (length(start) < meta.minPrefix) continue;
    const s = await shard(start, meta);
    for (const term of Object.keys(s.t)) if (term.startsWith(start)) found.add(term);
    for (const [word, stemmed] of Object.entries(s.w)) if (word.startsWith(start)) for (const t of [].concat(stemmed)) found.add(t);
  }
  return found;
}

// --- the query -------------------------------------------------------------------------------

/** Split a query into groups: phrases, glossary names, single words (the last one maybe a prefix). */
export function parse(query, glossary) {
  const groups = [];
  const rest = query.replace(PHRASE, (_, phrase) => {
    const alts = searchWords(phrase).map(queryTerms);
    if (alts.length) groups.push({ kind: "phrase", label: phrase.trim(), text: normalize(spaced(phrase)).trim(), alts });
    return " ";
  });
  const raw = searchWords(rest);
  const typing = raw.length > 0 && !/\s$/u.test(query) && !/["»”]\s*$/u.test(query);
  const alts = raw.map(queryTerms);
  for (let i = 0; i < raw.length; ) {
    let matched = 0;
    for (let n = Math.min(5, raw.length - i); n >= 1 && !matched; n--) {
      const run = alts.slice(i, i + n);
      const id = glossary[run.map((a) => a[0]).join(" ")] ?? glossary[run.map((a) => a[1]).join(" ")];
      if (id) {
        groups.push({ kind: "entity", label: raw.slice(i, i + n).join(" "), entity: id, alts: run });
        matched = n;
      }
    }
    if (!matched && length(raw[i]) === 1 && !/\p{N}/u.test(raw[i])) {
      groups.push({ kind: "letter", label: raw[i] });
      matched = 1;
    }
    if (!matched) {
      const last = typing && i === raw.length - 1;
      groups.push({ kind: "word", label: raw[i], word: raw[i], alts: [alts[i]], prefix: last && length(raw[i]) > 1 });
      matched = 1;
    }
    i += matched;
  }
  return groups;
}

function intersect(maps) {
  if (!maps.length) return new Map();
  const [first, ...others] = [...maps].sort((a, b) => a.size - b.size);
  const out = new Map();
  for (const [doc, hit] of first) {
    let impact = hit.impact;
    let ok = true;
    for (const other of others) {
      const h = other.get(doc);
      if (!h) { ok = false; break; }
      impact += h.impact;
    }
    if (ok) out.set(doc, { impact, flags: hit.flags });
  }
  return out;
}

/** Documents in any of the maps, each with its best weighted impact. Postings are shared, not copied,
 * where a map is taken whole (most words have one non-empty term; a common one, thousands of documents). */
function unite(maps, weights) {
  const parts = maps.map((map, index) => [map, weights?.[index] ?? 1]).filter(([map]) => map.size > 0);
  if (!parts.length) return new Map();
  parts.sort((a, b) => b[1] - a[1] || b[0].size - a[0].size);
  const [[largest, weight], ...rest] = parts;
  if (weight === 1 && !rest.length) return largest;
  const out = weight === 1 ? new Map(largest) : scaled(largest, weight);
  for (const [map, w] of rest) {
    for (const [doc, hit] of map) {
      const seen = out.get(doc);
      if (seen && seen.impact >= hit.impact * w) continue;
      out.set(doc, w === 1 ? hit : { impact: hit.impact * w, flags: hit.flags });
    }
  }
  return out;
}

function scaled(map, weight) {
  const out = new Map();
  for (const [doc, hit] of map) out.set(doc, { impact: hit.impact * weight, flags: hit.flags });
  return out;
}

/** Documents with any of a word's terms (as Persian text, as Arabic text). */
async function anyOf(alternatives, meta) {
  return unite(await Promise.all(alternatives.map((t) => postings(t, meta))));
}

/** Documents matching one group, with the group's score for each. */
async function matchGroup(group, meta, glossary) {
  if (group.kind === "entity") {
    const [named, ...literal] = await Promise.all([postings(ENTITY + group.entity, meta), ...group.alts.map((a) => anyOf(a, meta))]);
    return unite([named, intersect(literal)]);
  }
  if (group.kind === "phrase") {
    return intersect(await Promise.all(group.alts.map((a) => anyOf(a, meta))));
  }
  const exact = await anyOf(group.alts[0], meta);
  const expanded = group.prefix ? [...(await expand(group.word, meta))].filter((t) => !group.alts[0].includes(t)) : [];
  const more = await Promise.all(expanded.map((t) => postings(t, meta)));
  const found = unite([exact, ...more], [1, ...more.map(() => PREFIX_WEIGHT)]);
  if (found.size || length(group.word) < TYPO_MIN) return found;
  // Nothing has the word: a word one letter away that the index has, weighed below exact matches.
  const near = await nearWords(group.word, group.alts[0], meta, glossary);
  if (!near.length) return found;
  const lists = await Promise.all(near.map((n) => (n.entity ? postings(ENTITY + n.entity, meta) : postings(n.term, meta))));
  const likeliest = lists.reduce((best, list, i) => (list.size > lists[best].size ? i : best), 0);
  group.correction = near[likeliest].word;  // the word the most articles have
  group.correctionTerms = near.filter((n) => n.term).map((n) => n.term);
  return unite(lists, lists.map(() => TYPO_WEIGHT));
}

/** Damerau–Levenshtein distance of at most one: one letter added, dropped, changed or two swapped. */
export function withinOneEdit(a, b) {
  const x = Array.from(a);
  const y = Array.from(b);
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  if (x.length === y.length) {
    if (i === x.length) return false;  // the same word
    if (x.slice(i + 1).join("") === y.slice(i + 1).join("")) return true;
    return x[i] === y[i + 1] && x[i + 1] === y[i] && x.slice(i + 2).join("") === y.slice(i + 2).join("");
  }
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return short.slice(i).join("") === long.slice(i + 1).join("");
}

/** Indexed words and glossary names one edit away from `word` (of TYPO_MIN letters or more): the
 * shards of its terms (a slip after the first letters), and every glossary name (a slip anywhere). */
async function nearWords(word, alternatives, meta, glossary) {
  const near = [];
  const close = (candidate) => length(candidate) >= TYPO_MIN - 1 &&
    (withinOneEdit(candidate, word) || alternatives.some((t) => withinOneEdit(candidate, bare(t))));
  for (const s of await Promise.all(alternatives.map((t) => shard(t, meta)))) {
    for (const term of Object.keys(s.t)) if (close(bare(term))) near.push({ word: bare(term), term });
    for (const [surface, found] of Object.entries(s.w)) {
      for (const term of [].concat(found)) {
        if (close(surface) && !near.some((n) => n.term === term)) near.push({ word: surface, term });
      }
    }
  }
  for (const [name, entity] of Object.entries(glossary)) {
    if (!name.includes(" ") && close(bare(name))) near.push({ word: bare(name), entity });
  }
  return near;
}

function passes(flags, lang, topicBits) {
  if (lang === "fa" && flags & 1) return false;
  if (lang === "ar" && !(flags & 1)) return false;
  return topicBits === 0 || (flags & topicBits) !== 0;
}

/**
 * The full answer: results plus what the search page needs to explain itself.
 * `unknown` lists query words that occur nowhere (the others are still searched); `corrections`
 * the words matched one letter away, [{word, suggestion}]; `ignored` the single letters, which
 * are never searched (a lone letter would match everything); `mode` is "and" or "or".
 */
export async function searchDetailed(query, { limit = 10, lang, topics, ui } = {}) {
  const [meta, glossary] = await prepare();
  const parsed = parse(query ?? "", glossary);
  const ignored = parsed.filter((g) => g.kind === "letter").map((g) => g.label);
  const groups = parsed.filter((g) => g.kind !== "letter");
  if (!groups.length) return { results: [], unknown: [], corrections: [], ignored, mode: "and", total: 0 };
  const all = await Promise.all(groups.map((g) => matchGroup(g, meta, glossary)));
  // A word no article has does not empty the answer: the others are searched, and it is named.
  const unknown = groups.filter((_, i) => all[i].size === 0).map((g) => g.label);
  const corrections = groups.filter((g) => g.correction).map((g) => ({ word: g.label, suggestion: g.correction }));
  const matches = all.filter((m) => m.size > 0);
  const known = groups.filter((_, i) => all[i].size > 0);
  if (!matches.length) return { results: [], unknown, corrections, ignored, mode: "and", total: 0 };

  const topicBits = (topics ?? []).reduce((bits, t) => {
    const index = meta.topics.indexOf(t);
    return index < 0 ? bits : bits | (1 << (index + 1));
  }, 0);
  let mode = "and";
  const top = known.some((g) => g.kind === "phrase") ? 0 : limit;  // phrase results are checked a page at a time
  let scored = rank(intersect(matches), lang, topicBits, top);
  if (!scored.length) {
    mode = "or";
    const counts = new Map();
    for (const map of matches) for (const doc of map.keys()) counts.set(doc, (counts.get(doc) ?? 0) + 1);
    const union = new Map();
    for (const map of matches) {
      for (const [doc, hit] of map) {
        const seen = union.get(doc);
        union.set(doc, { impact: (seen?.impact ?? 0) + hit.impact, flags: hit.flags, groups: counts.get(doc) });
      }
    }
    scored = rank(union, lang, topicBits, top);
  }

  const phrases = known.filter((g) => g.kind === "phrase");
  const results = [];
  // Records are fetched together, a page at a time; phrase queries may need more than one page.
  for (let from = 0; results.length < limit && from < scored.length; from += limit) {
    const page = scored.slice(from, from + limit);
    const records = await Promise.all(page.map(([doc]) => record(doc, meta)));
    for (const record of records) {
      if (!record || results.length >= limit) continue;
      if (phrases.some((p) => !normalizedBlocks(record.text).some((block) => block.includes(p.text)))) continue;
      results.push(result(record, known, glossary, ui));
    }
    if (!phrases.length) break;
  }
  const total = phrases.length ? results.length : scored.length;
  return { results, unknown, corrections, ignored, mode, total };
}

function better(a, b) {
  return (b[1].groups ?? 0) - (a[1].groups ?? 0) || b[1].impact - a[1].impact || a[0] - b[0];
}

/** The documents that pass the filters, best first: all of them sorted when `top` is 0, else the
 * best `top` sorted (the order a full sort gives them) and the rest after them unsorted. */
function rank(map, lang, topicBits, top = 0) {
  const passing = [];
  for (const entry of map) if (passes(entry[1].flags, lang, topicBits)) passing.push(entry);
  if (!top || passing.length <= top * 4) return passing.sort(better);
  const best = [];  // kept sorted; an entry goes in only if it beats the worst of the best
  const rest = [];
  for (const entry of passing) {
    if (best.length === top && better(entry, best[top - 1]) >= 0) {
      rest.push(entry);
      continue;
    }
    let at = best.length;
    while (at > 0 && better(entry, best[at - 1]) < 0) at--;
    best.splice(at, 0, entry);
    if (best.length > top) rest.push(best.pop());
  }
  return best.concat(rest);
}

/** Search the digest; the API of DESIGN.md. */
export async function search(query, options = {}) {
  return (await searchDetailed(query, options)).results;
}

// --- results and excerpts --------------------------------------------------------------------

function interfaceLanguage(ui) {
  if (ui === "fa" || ui === "ar") return ui;
  const lang = globalThis.document?.documentElement?.lang;
  return lang === "ar" ? "ar" : "fa";
}

function result(record, groups, glossary, ui) {
  const parts = excerpt(record.text, groups, glossary, record.lang);
  return {
    url: `${interfaceLanguage(ui)}/articles/${record.slug}/`,
    title: record.title,
    lang: record.lang,
    seed: record.seed,
    excerpt: parts.map((p) => (p.mark ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text))).join(""),
    parts,
  };
}

export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

const spellings = new WeakMap();

/** Every spelling of a glossary entry, as lists of stemmed words (computed once per glossary). */
function namesOf(glossary, entity) {
  if (!spellings.has(glossary)) {
    const byEntity = new Map();
    for (const [name, id] of Object.entries(glossary)) {
      if (!byEntity.has(id)) byEntity.set(id, []);
      byEntity.get(id).push(name.split(" "));
    }
    spellings.set(glossary, byEntity);
  }
  return spellings.get(glossary).get(entity) ?? [];
}

/** Spans [start, end) of the normalized block that match the query. */
function matchSpans(norm, groups, glossary, lang) {
  const found = [];
  const tokens = [...norm.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: m[0], stem: termOf(m[0], lang) }));
  const wanted = new Set();
  const prefixes = [];
  const names = [];
  for (const g of groups) {
    if (g.kind === "phrase") {
      for (let at = norm.indexOf(g.text); at !== -1; at = norm.indexOf(g.text, at + 1)) found.push([at, at + g.text.length]);
    } else if (g.kind === "entity") {
      names.push(...namesOf(glossary, g.entity));
    } else {
      for (const t of [...g.alts[0], ...(g.correctionTerms ?? [])]) wanted.add(t);
      if (g.prefix) prefixes.push(g.word, stripPrefix(g.word));
    }
  }
  tokens.forEach((t, i) => {
    if (wanted.has(t.stem) || prefixes.some((p) => length(p) >= 3 && (t.word.startsWith(p) || bare(t.stem).startsWith(p)))) {
      found.push([t.start, t.end]);
    }
    for (const name of names) {
      if (name.every((part, k) => tokens[i + k]?.stem === part)) found.push([t.start, tokens[i + name.length - 1].end]);
    }
  });
  return found.sort((a, b) => a[0] - b[0]);
}

/** Strings whose presence in a block's normalized text shows a group matches there (stems are substrings of their words). */
function needles(groups, glossary) {
  return groups.map((g) => {
    if (g.kind === "phrase") return [g.text];
    if (g.kind === "entity") return namesOf(glossary, g.entity).map((name) => bare(name[0]));
    return [...(g.prefix ? [g.word, stripPrefix(g.word)] : []), ...g.alts[0].map(bare), ...(g.correctionTerms ?? []).map(bare)];
  });
}

/** A ZWNJ read as the word break it is for search (the same length, so spans still map back):
 * «هسته‌ای» and «هسته ای» are one phrase, and the هسته of هسته‌ای is marked. */
function spaced(text) {
  return text.replaceAll("\u200c", " ");
}

const normalized = new WeakMap();

/** A record's blocks, normalized once: as the reader types, the same records come back. */
function normalizedBlocks(blocks) {
  if (!normalized.has(blocks)) normalized.set(blocks, blocks.map((block) => normalize(spaced(block))));
  return normalized.get(blocks);
}

function excerpt(blocks, groups, glossary, lang) {
  // The block with most matches. A cheap substring test skips blocks that cannot match (a stem is a
  // substring of its words); the rest are matched word by word; only the chosen one is mapped back.
  const wanted = needles(groups, glossary);
  let bestIndex = 0;
  let bestCount = 0;
  normalizedBlocks(blocks).forEach((norm, index) => {
    if (!wanted.some((options) => options.some((x) => x && norm.includes(x)))) return;
    const count = matchSpans(norm, groups, glossary, lang).length;
    if (count > bestCount) [bestIndex, bestCount] = [index, count];
  });
  const text = blocks[bestIndex] ?? "";
  const norm = normalizeMapped(spaced(text));
  const marks = matchSpans(norm.text, groups, glossary, lang).map(([s, e]) => [norm.starts[s], norm.ends[e - 1]]);
  const first = marks[0]?.[0] ?? 0;
  let from = Math.max(0, first - EXCERPT_CHARS / 3);
  let to = Math.min(text.length, from + EXCERPT_CHARS);
  if (from > 0) from = text.lastIndexOf(" ", from) + 1;
  if (to < text.length) to = Math.max(text.indexOf(" ", to), to);
  if (to === -1 || to > text.length) to = text.length;
  const parts = [];
  if (from > 0) parts.push({ text: "… ", mark: false });
  let at = from;
  for (const [s, e] of marks) {
    if (e <= at || s >= to) continue;
    const start = Math.max(s, at);
    if (start > at) parts.push({ text: text.slice(at, start), mark: false });
    parts.push({ text: text.slice(start, Math.min(e, to)), mark: true });
    at = Math.min(e, to);
  }
  if (at < to) parts.push({ text: text.slice(at, to), mark: false });
  if (to < text.length) parts.push({ text: " …", mark: false });
  return parts;
}
