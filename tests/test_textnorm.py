"""The text rules shared by anchoring and search, pinned by tests/text_vectors.json."""

import json
from pathlib import Path

import pytest

from generator.textnorm import normalize, normalize_mapped, normalize_segments

VECTORS = json.loads((Path(__file__).parent / "text_vectors.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", VECTORS, ids=[c["why"] for c in VECTORS])
def test_vector(case):
    assert normalize(case["input"]) == case["expected"]


def test_normalizing_twice_changes_nothing():
    for case in VECTORS:
        assert normalize(case["expected"]) == case["expected"], case["why"]


def test_map_points_back_to_the_original_text():
    text = "الأمريكيّ  كيم\u200cجونج"
    norm = normalize_mapped(text)
    at = norm.text.index("کیم")
    start, end = norm.source_span(at, at + 3)
    assert text[start:end] == "كيم"
    start, end = norm.source_span(0, len(norm.text))
    assert (start, end) == (0, len(text))


def test_javascript_twin_passes_the_same_vectors():
    """node --test runs tests/js/ (the same vectors, against templates/assets/textnorm.js)."""
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "Node.js is required for the JavaScript tests (apt-get install nodejs)"
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([node, "--test", "tests/js/"], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout


def test_fast_normalizer_equals_the_mapped_one():
    """normalize() works on whole strings and normalize_mapped() on runs, for speed; both must agree
    with the rules applied segment by segment, text and source spans alike."""
    import random

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in seeds.glob("*.txt")] + [c["input"] for c in VECTORS]
    pool = ("abcΣΑΣ ۱٢3 كيمجونأإآةۀيىئؤ\u064b\u064e\u0651\u0670\u0654\u0653\u0640\u200c\u200d\u200f\u202b\u00a0\u3000\t\n"
            "ﻻﷲﺑﻙﻱﭖﬁ①ｐé\u0301İŉẞ가\u1100\u1161")
    rng = random.Random(1402)
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert normalize(text) == normalize_mapped(text).text, repr(text)
        fast, slow = normalize_mapped(text), normalize_segments(text)
        assert fast.text == slow.text, repr(text)
        assert [fast.span_of(i) for i in range(len(fast.text))] == [slow.span_of(i) for i in range(len(slow.text))], repr(text)


def test_one_pass_normalizing_tables_do_not_overlap():
    """normalize() drops, folds and lower-cases in one translate pass; that equals three passes only
    while no character is in two of the tables."""
    from generator import textnorm

    assert not textnorm._DROP.keys() & textnorm._LOWER.keys()
    assert not textnorm._DROP.keys() & textnorm.FOLDS.keys()
    assert not textnorm._LOWER.keys() & textnorm.FOLDS.keys()
