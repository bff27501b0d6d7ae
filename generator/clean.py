"""Stage 2: seed text → article (headline, dateline, blocks, sign-off metadata).

The seeds are pages copied from news sites, one paragraph per line. Cleaning
works line by line, in this order:

1. The note's cut points, when given: `cut.start` and `cut.end` quote the first
   and last body lines, `cut.drop` quotes lines to leave out (promos inside the
   text). Each quote must match exactly one line (on normalized text).
2. Without `cut.end`, the body ends at the first *end marker*: an agency
   sign-off (انتهای پیام), a keyword or tag line (كلمات دلالية, واژه های کاربردی
   مرتبط), a "read also" or "similar articles" block (إقرأ أيضاً, مقالات مشابهة),
   a comment form (ارسال دیدگاه, دیدگاهتان را بنویسید) or a copyright line.
3. Sign-off facts anywhere in the seed become metadata, not text: the dateline
   (time and date), the news code, the credited source (المصدر), the author line
   (یادداشت), the desk number and the copyright holder.
4. Widget lines are dropped wherever they stand: "Get News Fast", share and print
   bars, section labels ("اخبار بین الملل –"), captchas, "back to top" buttons.
5. The headline is the first remaining line when it reads like one (no final
   full stop, at most 20 words, not a bullet); its repeats are dropped, as is
   any line repeated verbatim.
6. Each remaining line is a block: a bullet or numbered item, a sub-heading
   (at most 17 words, no sentence-final punctuation other than ؟), or a paragraph.

Display text is tidied without changing its words: no-break spaces (web
artefacts between words here) become plain spaces, runs of spaces become one,
and in Persian text the Arabic letters ي ى ك become the Persian ی ک.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.load import CutSpec
from generator.model import Block, Cleaned
from generator.textnorm import normalize

END_MARKERS = re.compile(
    r"^(انتهای پیام|كلمات دلالية|کلمات دلالیة|واژه های کاربردی مرتبط|إقرأ أيضا|اقرأ أيضا|مقالات مشابهة"
    r"|ارسال دیدگاه|دیدگاهتان را بنویسید|©)"
)
META = (
    ("news_code", re.compile(r"^کد خبر\s*:\s*(.+)$")),
    ("credit", re.compile(r"^المصدر\s*:\s*(.+)$")),
    ("author", re.compile(r"^یادداشت\s*:\s*(.+)$")),
    ("desk", re.compile(r"^گروه خبری\s*:\s*(.+)$")),
    ("copyright", re.compile(r"^©\s*(.+)$")),
    ("dateline", re.compile(r"^(\d{1,2}:\d{2}\s*-\s*\d{1,2}\s+\S+\s+\d{4})$")),
)
WIDGETS = re.compile(
    r"^(get news fast|طباعة شارك|ارسال از وردپرس|دکمه بازگشت به بالا|نشانی ایمیل شما منتشر نخواهد شد"
    r"|اخبار [^.]{1,30} [–-]$|\d+ \+ \d+ =$)",
    re.IGNORECASE,
)
BULLET = re.compile(r"^[-•*]\s+")
NUMBERED = re.compile(r"^\d{1,2}[.)]\s+")
SENTENCE_END = tuple(".!:؛«»\"”…*=/")
PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})

Report = Callable[[str, str], None]
"""Called as report(cut_key, message) for a cut quote that does not fit the seed."""


def tidy(line: str, lang: str) -> str:
    line = re.sub(r"[ \u00a0\t]+", " ", line.strip(" \u00a0\t\r"))
    return line.translate(PERSIAN_LETTERS) if lang == "fa" else line


def _find_line(lines: list[str], quote: str, key: str, report: Report) -> int | None:
    wanted = normalize(quote).strip()
    hits = [i for i, line in enumerate(lines) if wanted and wanted in normalize(line)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        report(key, f"the quote \"{quote}\" is on {len(hits)} lines of the seed ({', '.join(str(h + 1) for h in hits)}); quote more words")
    else:
        report(key, f"the quote \"{quote}\" is not in the seed; copy it from the seed (spelling variants are fine)")
    return None


def _reads_as_headline(line: str) -> bool:
    return bool(line) and not line.endswith(".") and len(line.split()) <= 20 and not BULLET.match(line)


def _block(line: str) -> Block:
    if BULLET.match(line):
        return Block("item", BULLET.sub("", line))
    if NUMBERED.match(line):
        return Block("numbered", NUMBERED.sub("", line))
    if len(line.split()) <= 17 and (line.endswith("؟") or not line.endswith(SENTENCE_END)):
        return Block("heading", line)
    return Block("paragraph", line)


def clean(text: str, lang: str, cut: CutSpec = CutSpec(), report: Report = lambda key, msg: None) -> Cleaned:
    """Turn a seed's text into a Cleaned article; `report` hears about cut quotes that do not fit."""
    if cut.remove:
        text = text.translate(dict.fromkeys(map(ord, cut.remove)))
    lines = [tidy(line, lang) for line in text.splitlines()]
    meta = []
    for line in lines:
        for name, pattern in META:
            found = pattern.match(line)
            if found:
                meta.append((name, found.group(1).strip()))
    start, end = 0, len(lines)
    if cut.start:
        start = _find_line(lines, cut.start, "start", report) or 0
    if cut.end:
        found = _find_line(lines, cut.end, "end", report)
        end = len(lines) if found is None else found + 1
    else:
        end = next((i for i in range(start, len(lines)) if END_MARKERS.match(lines[i])), len(lines))
    dropped = {_find_line(lines, quote, "drop", report) for quote in cut.drop}

    head = [line for line in lines[:start] if line]
    kept = []
    for i in range(start, end):
        line = lines[i]
        if not line or i in dropped or WIDGETS.match(line) or any(p.match(line) for _, p in META):
            continue
        kept.append(line)
    candidates = head or kept
    headline = candidates[0] if candidates and _reads_as_headline(candidates[0]) else ""
    blocks, seen = [], {normalize(headline)} if headline else set()
    for line in kept:
        key = normalize(line)
        if key in seen:
            continue
        seen.add(key)
        blocks.append(_block(line))
    dateline = dict(meta).get("dateline", "")
    return Cleaned(headline, dateline, tuple(blocks), tuple((k, v) for k, v in meta if k != "dateline"))


def detect_lang(blocks: tuple[Block, ...]) -> str:
    """Persian if the text uses letters Arabic does not have (پ چ ژ گ), else Arabic."""
    text = " ".join(b.text for b in blocks)
    persian = sum(text.count(ch) for ch in "پچژگ")
    return "fa" if persian >= 3 else "ar"
