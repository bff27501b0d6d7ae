"""Lucene's and hazm's own test vectors (tests/reference/, see its README), read as equivalence:
forms a reference analyzes to the same thing must give the same search terms here, and forms it
keeps apart must stay apart. Where the digest differs on purpose, DIFFERS says why; PENDING lists
what the search does not do yet, and why."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.textnorm import ARABIC_MARK, terms

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests" / "reference" / "lucene-hazm-vectors.json").read_text(encoding="utf-8"))

APART = {
    # input: (how, other); the notes of the "apart" vectors, made checkable
    "الو": ("differs", "و"),
    "English": ("is", "english"),
    "کباب": ("is", "کباب"),
    "بخورد": ("differs", "خورد"),
    "سلامم را برسان": ("differs", "سلام را برسان"),
    "میز": ("one word", ""),
    "میانه": ("one word", ""),
    "ماهان": ("one word", ""),
    "ماه می سال جدید": ("has", "می"),
}
DIFFERS = {
    "پیامبر اکرم ﷺ": "NFKC spells ﷺ out as words (صلى الله عليه وسلم), which a reader can search; hazm deletes it",
}
PENDING: dict[str, str] = {}


def words(text: str, lang: str | None) -> list[str]:
    """The search terms of `text` as text in `lang` is, without the mark of Arabic text's terms."""
    return [term.removesuffix(ARABIC_MARK) for term in terms(text, lang)]


def agrees(vector) -> bool:
    """Lucene's Arabic tests are read as Arabic text; its Persian tests and hazm's as Persian."""
    lang = "ar" if "/analysis/ar/" in vector["source"] else "fa"
    text, expected = vector["input"], vector["expected"]
    if vector["kind"] != "apart":
        return words(text, lang) == words(expected, lang)
    how, other = APART[text]
    return {"differs": words(text, lang) != words(other, lang), "is": words(text, lang) == [other],
            "has": other in words(text, lang), "one word": len(words(text, lang)) == 1}[how]


@pytest.mark.parametrize("vector", VECTORS, ids=[f"{v['kind']}:{v['input']}" for v in VECTORS])
def test_reference_vector(vector):
    reason = DIFFERS.get(vector["input"]) or PENDING.get(vector["input"])
    if reason:
        assert not agrees(vector), f"now agrees: remove it from DIFFERS/PENDING ({reason})"
    else:
        assert agrees(vector), vector


def test_agreement_is_counted_honestly():
    agreeing = sum(agrees(v) for v in VECTORS)
    assert agreeing == len(VECTORS) - len(DIFFERS) - len(PENDING) == 131


def test_javascript_twin_gives_the_same_terms():
    """templates/assets/search.js and generator/textnorm.py: the same terms for every vector text,
    read as Persian and as Arabic text."""
    node = shutil.which("node")
    assert node, "Node.js is required for the JavaScript tests (apt-get install nodejs)"
    texts = sorted({v[k] for v in VECTORS for k in ("input", "expected")} | set(APART) | {o for _, o in APART.values()})
    script = ('import { terms } from "./templates/assets/search.js";'
              'let data = ""; process.stdin.on("data", (c) => (data += c));'
              'process.stdin.on("end", () => console.log(JSON.stringify(JSON.parse(data).map((t) => [terms(t), terms(t, "ar")]))));')
    result = subprocess.run([node, "--input-type=module", "-e", script], cwd=ROOT, input=json.dumps(texts),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert dict(zip(texts, json.loads(result.stdout))) == {text: [terms(text), terms(text, "ar")] for text in texts}
