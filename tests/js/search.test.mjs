// The search module against the index of the real digest, built by pytest into DIGEST_SITE
// (tests/test_search.py runs this file); each case is a query a reader would type.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { queryTerms, search, searchDetailed, setLoader, stem, terms } from "../../templates/assets/search.js";

const site = process.env.DIGEST_SITE;
const vectors = JSON.parse(readFileSync(new URL("../stem_vectors.json", import.meta.url), "utf-8")).cases;

for (const c of vectors) {
  test(`stem: ${c.why}`, () => assert.deepEqual(terms(c.input), c.expected));
}

const SEED = { fa: ["000", "002", "003"], ar: ["001", "004"] };
const seeds = (results) => results.map((r) => r.seed.slice(0, 3)).sort();

test("queries against the real digest", { skip: !site && "DIGEST_SITE is not set (run through pytest)" }, async (t) => {
  setLoader(async (path) => {
    const file = join(site, "assets", "search", path);
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf-8")) : null;
  });

  await t.test("Arabic spelling finds Persian articles and vice versa (glossary)", async () => {
    assert.deepEqual(seeds(await search("پوتین ")), ["000", "001", "002", "003", "004"]);
    assert.ok(seeds(await search("فلاديفوستوك ")).includes("000"));
    assert.ok(seeds(await search("ولادی وستوک ")).includes("001"));
  });
  await t.test("Latin names in any case", async () => {
    const upper = seeds(await search("SHOIGU "));
    assert.deepEqual(upper, seeds(await search("shoigu ")));
    assert.ok(upper.includes("000") && upper.includes("001") && upper.includes("002"));
  });
  await t.test("letter variants and digits fold", async () => {
    assert.deepEqual(seeds(await search("كيم جونج أون ")), seeds(await search("کیم جونگ اون ")));
    assert.ok(seeds(await search("۷۰۰۰ ")).includes("004"));
    assert.ok(seeds(await search("٧٠٠٠ ")).includes("004"));
  });
  await t.test("Persian plural and Arabic article are stemmed", async () => {
    assert.ok(seeds(await search("تحریم ")).includes("000"));
    assert.ok(seeds(await search("تحریمها ")).includes("000"));
    assert.ok(seeds(await search("الصواريخ ")).includes("004"));
  });
  await t.test("the last word matches as a prefix while typed", async () => {
    assert.ok(seeds(await search("ماتسگ")).includes("002"));
    assert.deepEqual(await search("ماتسگ "), []);
    assert.ok(seeds(await search("ایرا")).length > 0);
  });
  await t.test("a word no article has is left out of the answer and named", async () => {
    const answer = await searchDetailed("پوتین زرافه ");
    assert.deepEqual(answer.results.map((r) => r.seed), (await search("پوتین ")).map((r) => r.seed));
    assert.deepEqual(answer.unknown, ["زرافه"]);
    const alone = await searchDetailed("زرافه ");
    assert.deepEqual([alone.results, alone.unknown, alone.corrections], [[], ["زرافه"], []]);
    assert.deepEqual(await search("x"), []);
    const letter = await searchDetailed("ب");
    assert.deepEqual([letter.results, letter.ignored], [[], ["ب"]]);
    const withFunctionWord = await searchDetailed("روسیه و کره ");
    assert.deepEqual(withFunctionWord.ignored, [], "و is a function word: it does not count, and is not a letter to mention");
    assert.ok(withFunctionWord.results.length > 0);
  });
  await t.test("junk stays junk: boilerplate words find nothing, not even one letter away", async () => {
    for (const junk of ["دیدگاهتان ", "وردپرس ", "السیسی ", "ترامپ ", "ترامب ", "zzzzzz "]) {
      const answer = await searchDetailed(junk);
      assert.deepEqual([answer.results, answer.corrections], [[], []], junk);
    }
  });
  await t.test("a one-letter slip finds the word, and the answer says what it searched", async () => {
    for (const [slip, word] of [["روسبه", "روسیه"], ["کرملبن", "کرملین"], ["شوییگو", "شویگو"]]) {
      const answer = await searchDetailed(slip + " ");
      assert.deepEqual(answer.corrections, [{ word: slip, suggestion: word }]);
      assert.deepEqual(seeds(answer.results), seeds(await search(word + " ", { limit: 20 })), slip);
    }
    assert.deepEqual((await searchDetailed("روسیه ")).corrections, [], "no correction when the word is found");
    const inText = (await search("کرملبن ", { limit: 20 })).find((r) => r.seed.startsWith("000"));  // 000 has it in its text
    assert.match(inText.excerpt, /<mark>کرملین<\/mark>/, "the excerpt marks the word found");
  });
  await t.test("ZWNJ, a space or nothing between a Persian word and its suffix", async () => {
    const zwnj = seeds(await search("سلاح هسته\u200cای "));
    assert.ok(zwnj.length > 0);
    assert.deepEqual(seeds(await search("سلاح هسته ای ")), zwnj);
    assert.deepEqual(seeds(await search("ماهواره\u200cی نظامی ")), seeds(await search("ماهواره نظامی ")));
    assert.deepEqual(seeds(await search("کشور ها ")), seeds(await search("کشورها ")));
  });
  await t.test("Arabic clitics, article and suffixes: every form finds the same articles", async () => {
    const moscow = seeds(await search("موسكو "));
    assert.ok(moscow.length > 0);
    for (const form of ["وموسكو ", "لموسكو ", "بموسكو "]) assert.deepEqual(seeds(await search(form)), moscow, form);
    assert.deepEqual(seeds(await search("فالرئيس ")), seeds(await search("رئيس ")));
    assert.deepEqual(seeds(await search("المسؤولين ")), seeds(await search("مسؤول ")));
    assert.deepEqual(seeds(await search("العقوبات ")), seeds(await search("عقوبة ")));
    assert.deepEqual(seeds(await search("الأمريكية ")), seeds(await search("أمريكي ")));
  });
  await t.test("Arabic stemming stays in Arabic text: a Persian word is never cut as an Arabic one", async () => {
    // وزیر typed in Persian finds وزير in Arabic articles (as Arabic text, و is a clitic there),
    // and Persian articles by the whole word, never by زیر (under).
    const persian = await search("وزیر ", { lang: "fa", limit: 20 });
    assert.ok(persian.length > 0);
    for (const r of persian) assert.match(r.excerpt, /<mark>[^<]*وزیر[^<]*<\/mark>/, r.seed);
    assert.ok(seeds(await search("وزیر ", { lang: "ar" })).length > 0);
    assert.deepEqual(queryTerms("وزیر"), ["وزیر", "زیر^"]);
    assert.deepEqual(terms("وزیر دفاع"), ["وزیر", "دفاع"], "Persian text keeps its words whole");
  });
  await t.test("the first results do not depend on how many are asked for", async () => {
    // limit 1 takes the partial ranking (top-k), limit 20 the full sort
    for (const q of ["روسیه ", "پوتین ", "موسكو ", "نفت ", "کره شمالی ", "العقوبات ", "Putin "]) {
      const all = (await search(q, { limit: 20 })).map((r) => r.seed);
      assert.deepEqual((await search(q, { limit: 1 })).map((r) => r.seed), all.slice(0, 1), q);
      assert.equal((await searchDetailed(q, { limit: 1 })).total, (await searchDetailed(q, { limit: 20 })).total, q);
    }
  });
  await t.test("a date finds its articles in any of the three calendars", async () => {
    const june = seeds(await search("خرداد ۱۴۰۳ "));
    assert.ok(june.includes("004"));
    // every calendar finds the articles of that date (a note that mentions June 2024 may be found too)
    for (const q of ["ذو الحجة ١٤٤٥ ", "ذي الحجة 1445 ", "ذی‌الحجه ۱۴۴۵ ", "حزيران 2024 ", "يونيو ٢٠٢٤ ", "ژوئن ۲۰۲۴ "]) {
      const found = seeds(await search(q));
      assert.ok(june.every((seed) => found.includes(seed)), q);
    }
    assert.deepEqual(seeds(await search("شهریور ۱۴۰۲ ")), ["000", "001", "002"]);
  });
  await t.test("Latin names in any transliteration, as words of their own", async () => {
    for (const [variant, name] of [["Shoygu ", "Shoigu "], ["Knevici ", "Knevichi "], ["Sergey Shoigu ", "Sergei Shoigu "],
      ["Loukin ", "Lukin "], ["Kim Jong-un ", "Kim Jong Un "]]) {
      const answer = await searchDetailed(variant);
      assert.deepEqual(answer.corrections, [], variant);
      assert.deepEqual(seeds(answer.results), seeds(await search(name)), variant);
      assert.ok(answer.results.length > 0, variant);
    }
    assert.ok((await search("South Korea ")).length > 0);
    assert.ok((await search("Moscow ")).length > 0);
    assert.deepEqual(seeds(await search("Moskva ")), seeds(await search("Moscow ")), "a Latin alias in the glossary");
  });
  await t.test("a name in an editor's note or summary counts, in any spelling", async () => {
    // 002's text never names Artyom Lukin; its notes do, in Persian letters
    for (const q of ["أرتيوم لوكين ", "Artyom Lukin ", "آرتیوم لوکین "]) assert.ok(seeds(await search(q)).includes("002"), q);
    // 000's notes name the Vostochny Cosmodrome in Persian; an Arabic reader finds it
    assert.ok(seeds(await search("قاعدة فوستوتشني الفضائية ")).includes("000"));
  });
  await t.test("question and function words do not count", async () => {
    assert.deepEqual(seeds(await search("آیا پوتین به کره شمالی رفت ")), seeds(await search("پوتین کره شمالی رفت ")));
    assert.deepEqual(seeds(await search("هل زار بوتين كوريا ")), seeds(await search("زار بوتين كوريا ")));
    assert.ok((await search("هل زار بوتين كوريا ")).length > 0);
  });
  await t.test("AND first, OR when no article has every word", async () => {
    const answer = await searchDetailed("شاپوشنیکوف لانكوف ");
    assert.equal(answer.mode, "or");
    assert.deepEqual(seeds(answer.results), ["002", "004"]);
  });
  await t.test("a quoted phrase matches with a ZWNJ or a space, and the excerpt marks the word before it", async () => {
    const spaced = seeds(await search('"تسلیحات هسته ای"'));
    assert.deepEqual(spaced, ["003"]);
    assert.deepEqual(seeds(await search('"تسلیحات هسته\u200cای"')), spaced);
    const article = (await search("هسته\u200cای ", { limit: 20 })).find((r) => r.seed.startsWith("003"));
    assert.match(article.excerpt, /<mark>هسته<\/mark>/);
  });
  await t.test("quoted phrase must appear as written", async () => {
    assert.deepEqual(seeds(await search('"قطار زرهی"')), ["000"]);
    assert.deepEqual(await search('"زرهی قطار"'), []);
  });
  await t.test("language and topic filters", async () => {
    for (const r of await search("روسیه ", { lang: "ar" })) assert.equal(r.lang, "ar");
    assert.deepEqual(seeds(await search("روسیه ", { lang: "fa", limit: 20 })), SEED.fa);
    const economic = seeds(await search("نفت ", { topics: ["economic"] }));
    assert.ok(economic.length > 0);
  });
  await t.test("headline matches rank above body matches", async () => {
    const [first] = await search("شکست سیاست آمریکا ");
    assert.equal(first.seed.slice(0, 3), "002");
  });
  await t.test("results carry url, title, lang, seed and a marked excerpt", async () => {
    const [first] = await search("کنویچی ", { ui: "ar" });
    assert.equal(first.url, "ar/articles/kim-tours-far-east-after-summit/");
    assert.equal(first.lang, "fa");
    assert.ok(first.title.length > 10);
    assert.match(first.excerpt, /<mark>کنویچی<\/mark>/);
  });
  await t.test("the excerpt shows the name in the article's own spelling", async () => {
    const results = await search("فلاديفوستوك ");
    const persian = results.find((r) => r.seed.startsWith("000"));
    assert.match(persian.excerpt, /<mark>ولادی وستوک<\/mark>/);
    const arabic = results.find((r) => r.seed.startsWith("001"));
    assert.match(arabic.excerpt, /<mark>فلاديفوستوك<\/mark>/);
  });
  await t.test("excerpts escape what they show", async () => {
    const [first] = await search("NK News ");
    assert.equal(first.seed.slice(0, 3), "004");
    assert.doesNotMatch(first.excerpt.replace(/<\/?mark>/g, ""), /[<>]/);
  });
});
