"""Cleaning: each seed becomes exactly its article, with boilerplate cut and sign-off kept as metadata."""

from pathlib import Path

import pytest

from generator.clean import clean, detect_lang
from generator.load import CutSpec

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BOILERPLATE = ["دیدگاه", "ایمیل", "Get News Fast", "واژه های کاربردی", "انتهای پیام", "كلمات دلالية", "إقرأ أيضاً",
               "السيسي", "ترامب", "شرم الشيخ", "مقالات مشابهة", "طباعة", "وردپرس", "دکمه بازگشت", "18 + 7",
               "اخبار بین الملل", "کد خبر", "المصدر", "یادداشت:", "گروه خبری", "©", "ما نحتاج إلى معرفته"]
PROMO_004 = CutSpec(drop=("روسيا والصين وإيران وكوريا الشمالية تزيد من تهديداتها ضدنا",))


def seed(stem: str) -> str:
    return next(SEEDS.glob(f"{stem}_*.txt")).read_text(encoding="utf-8")


def cleaned(stem, lang, cut=CutSpec()):
    return clean(seed(stem), lang, cut)


@pytest.mark.parametrize("stem,lang,cut", [("000", "fa", CutSpec()), ("001", "ar", CutSpec()), ("002", "fa", CutSpec()),
                                           ("003", "fa", CutSpec()), ("004", "ar", PROMO_004)])
def test_no_boilerplate_survives(stem, lang, cut):
    article = cleaned(stem, lang, cut)
    text = "\n".join([article.headline] + [b.text for b in article.blocks])
    for word in BOILERPLATE:
        assert word not in text, word
    assert detect_lang(article.blocks) == lang


def test_000_headline_dateline_news_code():
    article = cleaned("000", "fa")
    assert article.headline == "مسکو و پیونگ یانگ به دنبال تقویت همکاریها؛ کیم به روسیه میرود"
    assert article.dateline == "11:28 - 14 شهریور 1402"
    assert dict(article.meta) == {"news_code": "۴۷۳۲۹۸۰"}
    assert article.blocks[0].text.startswith("کیم جونگ اون، رئیس کره شمالی و ولادیمیر پوتین")
    assert article.blocks[-1].text.endswith("مسکو یک شریک مهم به ویژه در زمینه نفتی برای پیونگ یانگ است.")
    assert [b.text for b in article.blocks if b.kind == "heading"] == [
        "روابط سیاسی کره شمالی و روسیه", "جنگ اوکراین چگونه بر روابط روسیه و کره شمالی تأثیر گذاشته است؟",
        "روابط اقتصادی کره شمالی و روسیه"]
    assert len(article.blocks) == 28


def test_001_has_no_headline_and_loses_the_read_also_block():
    article = cleaned("001", "ar")
    assert article.headline == ""
    assert dict(article.meta) == {"credit": "عربي21"}
    assert article.blocks[0].text.startswith("قال مسؤول بالأمن القومي الأمريكي")
    assert article.blocks[-1].text.endswith("حتى التقى بوتين عام 2019 للمرة الأولى في مدينة فلاديفوستوك الروسية.")
    assert len(article.blocks) == 23


def test_002_sign_off_cut_and_subheads_kept():
    article = cleaned("002", "fa")
    assert article.headline.startswith("علاقه کره شمالی به تقویت همکاری دفاعی با روسیه/")
    assert article.blocks[-1].text == "در حال حاضر کیم جونگ اون همچنان به سفر چند روزه خود به منطقه شرق دور روسیه ادامه میدهد."
    assert sum(b.kind == "heading" for b in article.blocks) == 2
    assert "  " not in article.blocks[4].text and "\u00a0" not in article.headline  # spaces tidied


def test_003_author_and_agency_become_metadata():
    article = cleaned("003", "fa")
    assert article.headline == "روسیه در مسیر ائتلافهای راهبردی و ساخت دنیای چندقطبی جدید"
    assert dict(article.meta) == {"author": "معصومه محمدی کارشناس مسائل اوراسیا", "desk": "1339", "copyright": "خبرگزاری تسنیم"}
    assert article.blocks[0].text.startswith("سفر رئیس جمهور روسیه به کره شمالی")
    assert [b.kind for b in article.blocks].count("numbered") == 4
    assert article.blocks[-1].text.startswith("در مجموع، سفر پوتین به کره شمالی")
    assert sum(b.text == article.headline for b in article.blocks) == 0


def test_004_key_points_are_items_and_the_promo_is_dropped():
    article = cleaned("004", "ar", PROMO_004)
    assert article.headline == ""
    assert [b.kind for b in article.blocks[:4]] == ["item", "item", "item", "paragraph"]
    assert not any("ما نحتاج إلى معرفته" in b.text for b in article.blocks)
    assert article.blocks[-1].text.endswith("في ميناء فلاديفوستوك شرق روسيا.")
    assert len(article.blocks) == 25


def test_persian_text_gets_persian_letters_arabic_text_is_untouched():
    assert "شهریور" in cleaned("000", "fa").dateline
    arabic = cleaned("001", "ar")
    assert "الأمريكي" in arabic.blocks[0].text and "ی" not in arabic.blocks[0].text


def test_cut_quote_that_matches_nothing_is_reported():
    reports = []
    clean(seed("000"), "fa", CutSpec(end="نیست در این متن"), lambda key, msg: reports.append((key, msg)))
    assert reports == [("end", "the quote \"نیست در این متن\" is not in the seed; copy it from the seed (spelling variants are fine)")]


def test_cut_points_from_the_note_win_over_heuristics():
    article = clean(seed("000"), "fa", CutSpec(start="خبرگزاری میزان - «کیم جونگ اون»", end="آمریکا همواره نسبت به افزایش"))
    assert article.blocks[0].text.startswith("خبرگزاری میزان")
    assert article.blocks[-1].text.startswith("آمریکا همواره")
    assert len(article.blocks) == 5
