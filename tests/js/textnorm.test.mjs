// The shared text vectors, for the JavaScript normalizer (node --test tests/js/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { normalize, normalizeMapped } from "../../templates/assets/textnorm.js";

const vectors = JSON.parse(readFileSync(new URL("../text_vectors.json", import.meta.url), "utf-8")).cases;

for (const c of vectors) {
  test(`normalize: ${c.why}`, () => {
    assert.equal(normalize(c.input), c.expected);
  });
}

test("normalizing twice changes nothing", () => {
  for (const c of vectors) assert.equal(normalize(c.expected), c.expected, c.why);
});

test("the map points back to the original text", () => {
  const text = "الأمريكيّ  كيم\u200cجونج";
  const norm = normalizeMapped(text);
  const at = norm.text.indexOf("کیم");
  assert.equal(text.slice(norm.starts[at], norm.ends[at + 2]), "كيم");
  assert.equal(norm.ends[norm.ends.length - 1], text.length);
});

test("the fast normalizer equals the mapped one", () => {
  const seeds = new URL("../../seeds/", import.meta.url);
  const texts = vectors.map((c) => c.input);
  for (const name of readdirSync(seeds)) if (name.endsWith(".txt")) texts.push(readFileSync(new URL(name, seeds), "utf-8"));
  const pool = Array.from("abcΣΑΣ ۱٢3 كيمجونأإآةۀيىئؤ\u064b\u064e\u0651\u0670\u0654\u0653\u0640\u200c\u200d\u200f\u202b\u00a0\u3000\t\n" +
    "ﻻﷲﺑﻙﻱﭖﬁ①ｐé\u0301İŉẞ가\u1100\u1161");
  let state = 1402;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < 3000; i++) {
    let text = "";
    for (let n = Math.floor(random() * 40); n > 0; n--) text += pool[Math.floor(random() * pool.length)];
    texts.push(text);
  }
  for (const text of texts) assert.equal(normalize(text), normalizeMapped(text).text, JSON.stringify(text));
});
