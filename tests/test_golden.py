"""Golden pages: one article per interface language, compared byte for byte.

After an intended change, regenerate with `DIGEST_UPDATE_GOLDEN=1 pytest tests/test_golden.py`
and read the diff before committing it.
"""

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
PAGES = {
    "fa-article-004.html": "fa/articles/putin-to-visit-north-korea-june-2024/index.html",
    "ar-article-000.html": "ar/articles/kim-to-visit-russia-september-2023/index.html",
}


@pytest.mark.parametrize("golden,page", PAGES.items())
def test_article_page_matches_golden(built, golden, page):
    html = (built / page).read_text(encoding="utf-8")
    if os.environ.get("DIGEST_UPDATE_GOLDEN"):
        (GOLDEN / golden).write_text(html, encoding="utf-8")
    assert html == (GOLDEN / golden).read_text(encoding="utf-8")
