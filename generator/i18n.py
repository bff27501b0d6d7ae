"""Locale work for the two interface languages: digits, calendars, catalogs.

babel formats names and separators but keeps Latin digits, so digits are
mapped afterwards. fa pages show the Jalali date (jdatetime) with the
Gregorian beside it; ar pages show Hijri Umm al-Qura (hijridate) with the
Gregorian beside it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from pathlib import Path

import jdatetime
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from hijridate import Gregorian, Hijri
from hijridate.ummalqura import GREGORIAN_RANGE

from generator.textnorm import normalize

DIGITS = {
    "fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    "ar": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
}
TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def local_digits(value, lang: str) -> str:
    """Write Latin digits in the page's own digits (۱۲۳ for fa, ١٢٣ for ar)."""
    return str(value).translate(DIGITS[lang])


JALALI_MONTHS_AR = ("فروردين", "أرديبهشت", "خرداد", "تير", "مرداد", "شهريور", "مهر", "آبان", "آذر", "دي", "بهمن",
                    "إسفند")
"""The Persian months as Arabic writes them (تير, not the Persian تیر): no Persian letter on an Arabic page."""
HIJRI_MONTHS_FA = ("محرم", "صفر", "ربیع‌الاول", "ربیع‌الثانی", "جمادی‌الاول", "جمادی‌الثانی", "رجب", "شعبان", "رمضان",
                   "شوال", "ذی‌القعده", "ذی‌الحجه")
"""The Hijri months as Persian writes them (ذی‌القعده, not the Arabic ذو القعدة)."""


@functools.lru_cache(maxsize=8192)  # a date is shown on every page listing its article
def jalali(date: dt.date, lang: str = "fa") -> str:
    j = jdatetime.date.fromgregorian(date=date)
    months = jdatetime.date.j_months_fa if lang == "fa" else JALALI_MONTHS_AR
    return local_digits(f"{j.day} {months[j.month - 1]} {j.year}", lang)


@functools.lru_cache(maxsize=8192)  # a date is shown on every page listing its article
def hijri(date: dt.date, lang: str = "ar") -> str:
    """The Umm al-Qura date (hijridate), which the pages name as such."""
    h = Gregorian(date.year, date.month, date.day).to_hijri()
    month = h.month_name("ar") if lang == "ar" else HIJRI_MONTHS_FA[h.month - 1]
    return local_digits(f"{h.day} {month} {h.year}", lang)


@functools.lru_cache(maxsize=8192)  # a date is shown on every page listing its article
def gregorian(date: dt.date, lang: str) -> str:
    return local_digits(format_date(date, "d MMMM y", locale=lang), lang)


SHOWN_RANGE = (dt.date(*GREGORIAN_RANGE[0]), dt.date(*GREGORIAN_RANGE[1]))
"""Dates the site can show in all three calendars: the Umm al-Qura tables of hijridate
cover 1 Muharram 1343 to 30 Dhu al-Hijjah 1500."""


def date_problem(date: dt.date) -> str | None:
    """Why a date cannot be shown on the site, with a hint when it looks typed in another calendar."""
    first, last = SHOWN_RANGE
    if first <= date <= last:
        return None
    message = (f"{date.isoformat()} is outside {first.isoformat()} – {last.isoformat()}, the years the site can show "
               "in the Hijri calendar (Umm al-Qura)")
    guesses = []
    for calendar, convert in (("Solar Hijri (Jalali)", lambda: jdatetime.date(date.year, date.month, date.day).togregorian()),
                              ("Lunar Hijri", lambda: dt.date(*Hijri(date.year, date.month, date.day).to_gregorian().datetuple()))):
        try:
            meant = convert()
        except (ValueError, OverflowError):
            continue
        if first <= meant <= last:
            guesses.append(f"if you typed a {calendar} date, write {meant.isoformat()}")
    if guesses:
        message += "; dates are written in the Gregorian calendar: " + ", or ".join(guesses)
    return message


def dates(date: dt.date, lang: str) -> tuple[str, str]:
    """(the local calendar, the Gregorian) for a page in `lang`."""
    local = jalali(date, lang) if lang == "fa" else hijri(date, lang)
    return local, gregorian(date, lang)


def parse_dateline(dateline: str) -> dt.date | None:
    """'11:28 - 14 شهریور 1402' (a Jalali dateline, any digits) → the Gregorian date."""
    found = re.search(r"(\d{1,2})\s+(\S+)\s+(\d{4})$", dateline.translate(TO_LATIN))
    if not found:
        return None
    day, month_name, year = found.groups()
    months = [m.replace("ي", "ی") for m in jdatetime.date.j_months_fa]
    if month_name.replace("ي", "ی") not in months:
        return None
    month = months.index(month_name.replace("ي", "ی")) + 1
    try:
        return jdatetime.date(int(year), month, int(day)).togregorian()
    except ValueError:
        return None


def translations(lang: str, po: Path) -> Translations:
    """Compile a catalog (templates/locale/{lang}/LC_MESSAGES/messages.po) in memory (no .mo in the repo).

    Compiled again only when the catalog file changes (an editor may translate during serve).
    """
    return _compiled(po, lang, po.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _compiled(po_path: Path, lang: str, mtime_ns: int) -> Translations:
    with open(po_path, "rb") as po:
        catalog = read_po(po, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


ALPHABETS = {
    "fa": "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
    "ar": "ابتثجحخدذرزسشصضطظعغفقکلمنهوی",
}
"""Alphabetical order, in normalized letters (ي→ی, ك→ک, آ/أ/إ→ا): Persian puts و before ه, Arabic after."""


def collation_key(text: str, lang: str) -> tuple:
    """Sort key for names in the page's language: letters by that alphabet, then anything else.

    Arabic indexes file a name under its first letter after the article: الصين under ص. Only a bare
    alif with lam is the article; ألكسندر (hamza on the alif) files under ا. Names that fold alike
    (hamza seats, ة/ه) keep one order by their spelling.
    """
    order = ALPHABETS[lang]
    if lang == "ar" and text.startswith("ال") and len(text.replace(" ", "")) > 3:
        text = text[2:]
    folded = normalize(text).replace(" ", "")
    return tuple((0, order.index(ch)) if ch in order else (1, ord(ch)) for ch in folded), text
