"""The site's share image: the title in both scripts on a 1200×630 card, for Open Graph and Twitter.

Drawn with Pillow, whose wheels carry HarfBuzz, FriBiDi and Raqm: Persian and Arabic letters are
joined and ordered as they are on the pages, in the theme's own fonts. A title is split at its
colon into a headline and a subtitle (the fonts are Arabic-script subsets, without the colon), and
lines are wrapped to the card's width.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from generator.model import Bilingual
from generator.theme import Theme

WIDTH, HEIGHT, MARGIN = 1200, 630, 72
PAPER, INK, MUTED, ACCENT = "#fbfaf7", "#1d1b19", "#5f564f", "#8a3b12"
FONTS = {"fa": "vazirmatn-700.woff2", "ar": "noto-naskh-arabic-700.woff2"}


def share_image(title: Bilingual, theme: Theme) -> bytes:
    """PNG bytes of the card (the same title and theme give the same bytes)."""
    card = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, WIDTH, 20), fill=ACCENT)
    icon = theme.files("assets/icon-512.png").get("assets/icon-512.png")
    if icon:
        with Image.open(icon) as mark:
            small = mark.convert("RGBA").resize((132, 132))
            card.paste(small, (MARGIN, HEIGHT - MARGIN - 132), small)
    y = 110
    for lang, size in (("fa", 64), ("ar", 58)):
        font_file = theme.files(f"assets/fonts/{FONTS[lang]}").get(f"assets/fonts/{FONTS[lang]}")
        if font_file is None:
            continue
        head, _, tail = title.get(lang).partition(":")
        for text, scale, colour in ((head, 1.0, INK), (tail, 0.62, MUTED)):
            font = ImageFont.truetype(str(font_file), int(size * scale), layout_engine=ImageFont.Layout.RAQM)
            for line in _wrap(draw, text.strip(), font, lang):
                y += int(size * scale * 1.45)
                draw.text((WIDTH - MARGIN, y), line, font=font, fill=colour, anchor="rs", direction="rtl", language=lang)
        y += 34
    out = io.BytesIO()
    card.save(out, format="PNG")
    return out.getvalue()


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, lang: str) -> list[str]:
    """Words into lines no wider than the card allows."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font, direction="rtl", language=lang) <= WIDTH - 2 * MARGIN:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines
