"""The site as readers see it, in Debian chromium: RTL, language, no overflow, visible highlights.

Screenshots land in tests/artifacts/screenshots/ (git-ignored) for a person to look at.
"""

import pytest

from tests.conftest import SHOTS

pytestmark = pytest.mark.browser

PAGES = {
    "home": "{lang}/",
    "article-fa-source": "{lang}/articles/kim-to-visit-russia-september-2023/",
    "article-ar-source": "{lang}/articles/putin-to-visit-north-korea-june-2024/",
    "topic": "{lang}/topics/military/",
    "entities": "{lang}/entities/",
    "entity": "{lang}/entities/vladivostok/",
    "timeline": "{lang}/timeline/",
}
CASES = [(lang, kind, width) for lang in ("fa", "ar") for kind in PAGES for width in (390, 1280)]


@pytest.mark.parametrize("lang,kind,width", CASES, ids=[f"{l}-{k}-{w}" for l, k, w in CASES])
def test_page_reads_right_to_left_without_overflow(page, served, lang, kind, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(served + PAGES[kind].format(lang=lang))
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == lang
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow}px of horizontal scroll"
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'ایران')")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{lang}-{kind}-{width}.png"), full_page=True)
    if kind.startswith("article"):
        assert_highlights_visible(page, width)


def assert_highlights_visible(page, width):
    marks = page.locator("main mark")
    assert marks.count() >= 2
    for i in range(marks.count()):
        mark = marks.nth(i)
        mark.scroll_into_view_if_needed()
        box = mark.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
        row = mark.locator("xpath=ancestor::div[contains(@class,'row')]")
        block, notes = row.locator(".block").bounding_box(), row.locator(".notes").bounding_box()
        if width >= 1024:  # beside the text, on its left in RTL
            assert notes["x"] + notes["width"] <= block["x"] + 1
        else:  # right after the paragraph
            assert notes["y"] >= block["y"] + block["height"] - 1


def test_annotation_link_targets_the_passage(page, served):
    page.goto(served + "fa/topics/economic/")
    page.locator("a.goto").first.click()
    page.wait_for_load_state("networkidle")
    target = page.evaluate("location.hash.slice(1)")
    assert page.evaluate(f"document.getElementById('{target}').tagName") == "MARK"
    assert page.locator(f"mark#{target}").is_visible()


def test_language_switch_and_remembered_choice(page, served):
    page.goto(served)
    assert page.locator("a.enter").count() == 2
    page.click("a.enter[data-lang='ar']")
    page.wait_for_url(served + "ar/")
    page.click("a.switch")
    page.wait_for_url(served + "fa/")
    page.goto(served)  # the root page sends a returning reader to the remembered language
    page.wait_for_url(served + "fa/")


def sweep(browser, served, built, width, script, wrong):
    """Open every page at `width`, evaluate `script`, and list the pages where `wrong(value)` holds."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    problems = []
    for path in sorted(built.rglob("*.html")):
        url = path.relative_to(built).as_posix().removesuffix("index.html")
        page.goto(served + url + ("#choose" if url == "" else ""))
        value = page.evaluate(script)
        if wrong(value):
            problems.append(f"{url or '/'}: {value}")
    page.close()
    return problems


def test_no_page_scrolls_sideways_at_360px(browser, served, built):
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert sweep(browser, served, built, 360, overflow, lambda px: px > 0) == []


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_dark_theme_follows_the_system(browser, served, lang):
    context = browser.new_context(viewport={"width": 390, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.goto(served + f"{lang}/articles/us-official-kim-may-meet-putin-soon/")
    page.wait_for_load_state("networkidle")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(22, 21, 20)"
    page.screenshot(path=str(SHOTS / f"{lang}-article-dark-390.png"))
    context.close()


def test_404_page_is_styled_at_any_address(page, served):
    response = page.goto(served + "ar/no/such/page/")
    assert response.status == 404
    page.goto(served + "ar/404.html")  # what a static host serves for the missing address above
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Noto Naskh Arabic"')
    page.click("main a")
    assert page.url == served + "ar/"


def test_print_style_drops_navigation_and_keeps_notes(page, served):
    page.goto(served + "fa/articles/kim-to-visit-russia-september-2023/")
    page.emulate_media(media="print")
    assert not page.locator(".masthead nav").is_visible()
    assert page.locator(".notes").first.is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.row.annotated')).display") == "block"


def test_every_page_uses_the_whole_window_at_1280px(browser, served, built):
    """A stray style on <body> (say, a class shared with a component) squeezes the whole page."""
    body = "document.body.getBoundingClientRect().width"
    assert sweep(browser, served, built, 1280, body, lambda px: px < 1270) == []
