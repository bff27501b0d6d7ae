"""The text rules shared by anchoring and search, pinned by tests/text_vectors.json."""

import json
from pathlib import Path

import pytest

from generator.textnorm import normalize, normalize_mapped

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
