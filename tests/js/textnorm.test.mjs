// The shared text vectors, for the JavaScript normalizer (node --test tests/js/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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
