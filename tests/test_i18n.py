"""Dates, digits and interface text in both languages."""

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator.i18n import dates, local_digits, parse_dateline, translations
from generator.theme import Theme

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "templates" / "locale"


@pytest.mark.parametrize("date,fa,ar", [
    (dt.date(2023, 9, 5), ("۱۴ شهریور ۱۴۰۲", "۵ سپتامبر ۲۰۲۳"), ("٢٠ صفر ١٤٤٥", "٥ سبتمبر ٢٠٢٣")),
    (dt.date(2024, 6, 19), ("۳۰ خرداد ۱۴۰۳", "۱۹ ژوئن ۲۰۲۴"), ("١٣ ذو الحجة ١٤٤٥", "١٩ يونيو ٢٠٢٤")),
])
def test_known_date_pairs(date, fa, ar):
    assert dates(date, "fa") == fa
    assert dates(date, "ar") == ar


def test_years_have_no_thousands_separator_and_digits_are_local():
    assert local_digits(2024, "fa") == "۲۰۲۴"
    assert local_digits(2024, "ar") == "٢٠٢٤"


def test_dateline_in_any_digits_and_with_arabic_yeh():
    assert parse_dateline("11:28 - 14 شهريور 1402") == dt.date(2023, 9, 5)
    assert parse_dateline("۱۱:۲۸ - ۱۴ شهریور ۱۴۰۲") == dt.date(2023, 9, 5)
    assert parse_dateline("14 September 2023") is None


def test_arabic_plural_forms():
    t = translations("ar", Theme().catalog("ar"))
    forms = {n: t.ngettext("%(num)s article", "%(num)s articles", n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103)}
    assert forms == {0: "لا مقالات", 1: "مقال واحد", 2: "مقالان", 3: "%(num)s مقالات", 10: "%(num)s مقالات",
                     11: "%(num)s مقالًا", 99: "%(num)s مقالًا", 100: "%(num)s مقال", 102: "%(num)s مقال", 103: "%(num)s مقالات"}


def catalog(lang):
    with open(LOCALE / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_every_interface_string_is_translated(lang):
    template = catalog(lang)
    for message in template:
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), f"{lang}: untranslated {message.id!r}"
            assert "fuzzy" not in message.flags, message.id
            assert not any(ch.isascii() and ch.isalpha() for s in strings for ch in re.sub(r"%\(\w+\)s", "", s)), message.id


def test_persian_catalog_uses_persian_letters():
    for message in catalog("fa"):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for s in strings:
            assert not set(s) & set("يكى"), s


def test_template_strings_are_all_in_the_catalogs(tmp_path):
    """The catalogs must be updated (see README) whenever templates change."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "--no-location",
                    "--omit-header", "-o", str(pot), "."], cwd=ROOT, capture_output=True, check=True)
    with open(pot, "rb") as f:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    for lang in ("fa", "ar"):
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang) if m.id}
        assert extracted <= known, f"{lang}: missing {sorted(extracted - known)}; run pybabel update (README)"


def test_names_sort_in_each_alphabet():
    from generator.i18n import collation_key

    fa = ["ولادی وستوک", "پکن", "هند", "چین", "آمریکا", "کره شمالی", "ایران"]
    assert sorted(fa, key=lambda n: collation_key(n, "fa")) == ["آمریکا", "ایران", "پکن", "چین", "کره شمالی", "ولادی وستوک", "هند"]
    ar = ["واشنطن", "الصين", "هانوي", "بكين", "كوريا"]
    assert sorted(ar, key=lambda n: collation_key(n, "ar")) == ["بكين", "الصين", "كوريا", "هانوي", "واشنطن"]


def test_only_the_article_is_passed_over_in_arabic():
    """ألكسندر begins with alif-hamza and lam, not the article: it files under ا, not under ك."""
    from generator.i18n import collation_key

    ar = ["كيم جونغ أون", "ألكسندر ماتسيغورا", "الصين", "أندريه لانكوف", "إيران"]
    assert sorted(ar, key=lambda n: collation_key(n, "ar")) == [
        "ألكسندر ماتسيغورا", "أندريه لانكوف", "إيران", "الصين", "كيم جونغ أون"]


def test_each_calendar_is_spelled_the_way_the_page_language_writes_it():
    """Persian pages spell the Hijri months the Persian way (ذی‌الحجه), Arabic pages the Jalali months
    in Arabic letters (تير, not تیر)."""
    import datetime as dt

    from generator.i18n import hijri, jalali

    assert hijri(dt.date(2024, 6, 19), "fa") == "۱۳ ذی‌الحجه ۱۴۴۵"
    assert hijri(dt.date(2024, 6, 19), "ar") == "١٣ ذو الحجة ١٤٤٥"
    assert jalali(dt.date(1950, 6, 25), "ar") == "٤ تير ١٣٢٩"
    assert jalali(dt.date(1950, 6, 25), "fa") == "۴ تیر ۱۳۲۹"
