"""The search page in Debian chromium: typing, filters, the URL, the keyboard, and inert hostile input."""


import pytest

from generator.build import build
from tests.conftest import SHOTS, copy_project, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == [], "a script from the query or the content ran"


def seeds(page):
    hrefs = page.eval_on_selector_all("#results a.result-title", "links => links.map(a => a.getAttribute('href'))")
    return sorted(h.split("/articles/")[1].strip("/") for h in hrefs)


def type_query(page, text):
    page.fill("#q", "")
    page.type("#q", text, delay=5)
    page.wait_for_function("() => !document.querySelector('#search-status').textContent.trim() === false", timeout=5000)
    page.wait_for_timeout(400)


SLUGS = {"000": "kim-to-visit-russia-september-2023", "001": "us-official-kim-may-meet-putin-soon",
         "002": "kim-tours-far-east-after-summit", "003": "russia-strategic-alliances-multipolar-world",
         "004": "putin-to-visit-north-korea-june-2024"}


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_spelling_variants_and_languages_find_the_same_articles(page, served, lang):
    page.goto(served + f"{lang}/search/")
    type_query(page, "كيم جونج أون ")
    arabic_spelling = seeds(page)
    type_query(page, "کیم جونگ اون ")
    assert seeds(page) == arabic_spelling and len(arabic_spelling) == 5
    type_query(page, "فلاديفوستوك ")
    assert SLUGS["000"] in seeds(page)  # a Persian article, found with the Arabic spelling
    count = page.text_content("#search-status")
    assert any(ch in count for ch in ("۰۱۲۳۴۵۶۷۸۹" if lang == "fa" else "٠١٢٣٤٥٦٧٨٩"))
    page.screenshot(path=str(SHOTS / f"{lang}-search-390.png"), full_page=True)


def test_prefix_phrase_filters_and_url(page, served):
    page.goto(served + "fa/search/")
    type_query(page, "ماتسگ")
    assert seeds(page) == [SLUGS["002"]]
    type_query(page, '"قطار زرهی"')
    assert seeds(page) == [SLUGS["000"]]
    assert "q=%22" in page.url
    type_query(page, "روسیه ")
    everything = seeds(page)
    page.check("input[name=lang][value=ar]")
    page.wait_for_timeout(400)
    assert set(seeds(page)) == {SLUGS["001"], SLUGS["004"]} and len(everything) == 5
    assert "lang=ar" in page.url
    page.check("input[name=lang][value='']")
    page.check("input[name=topic][value=economic]")
    page.wait_for_timeout(400)
    assert 0 < len(seeds(page)) <= 5
    marks = page.eval_on_selector_all("#results mark", "ms => ms.map(m => m.textContent)")
    assert marks and all("روس" in m for m in marks)


def test_query_in_the_url_and_back_button(page, served):
    page.goto(served + "ar/search/?q=" + "شويغو")
    page.wait_for_selector("#results li")
    assert page.input_value("#q") == "شويغو"
    first = seeds(page)
    page.fill("#q", "لانكوف")
    page.press("#q", "Enter")
    page.wait_for_timeout(400)
    assert seeds(page) == [SLUGS["004"]]
    page.go_back()
    page.wait_for_timeout(400)
    assert page.input_value("#q") == "شويغو" and seeds(page) == first


def test_keyboard_moves_through_results(page, served):
    page.goto(served + "fa/search/?q=" + "پوتین")
    page.wait_for_selector("#results li")
    page.focus("#q")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.className") == "result-title"
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "q"
    assert second.startswith("../../fa/articles/")


def test_junk_finds_nothing_and_says_why(page, served):
    page.goto(served + "fa/search/")
    type_query(page, "زرافه ")
    assert seeds(page) == []
    assert page.is_visible("#search-hints")
    assert "زرافه" in page.text_content("#search-unknown")
    type_query(page, "ب")
    assert seeds(page) == []


def test_a_stray_word_is_named_and_the_others_still_answer(page, served):
    page.goto(served + "fa/search/")
    type_query(page, "پوتین زرافه ")
    assert len(seeds(page)) == 5
    status = page.text_content("#search-status")
    assert "زرافه" in status and "در هیچ مقاله‌ای نیامده" in status
    assert not page.is_visible("#search-hints")


def test_a_slip_of_one_letter_is_searched_as_the_word_and_said(page, served):
    page.goto(served + "ar/search/")
    type_query(page, "کرملین ")
    exact = seeds(page)
    assert SLUGS["000"] in exact
    type_query(page, "کرملبن ")
    assert seeds(page) == exact
    assert "بدلًا من «کرملبن»، نتائج «کرملین»" in page.text_content("#search-status")
    page.screenshot(path=str(SHOTS / "ar-search-correction-390.png"))


def test_hostile_query_stays_text(page, served):
    page.goto(served + "fa/search/?q=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20%D9%BE%D9%88%D8%AA%DB%8C%D9%86")
    page.wait_for_timeout(600)
    assert page.locator("img").count() == 0
    page.screenshot(path=str(SHOTS / "fa-search-hostile-390.png"))


def test_hostile_content_stays_text(browser, tmp_path):
    project = copy_project(tmp_path / "project")
    note = project / "content" / "notes" / "004_911ee84ec367d659.toml"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace('headline = "بوتين يزور', 'headline = "<img src=x onerror=alert(1)> بوتين يزور'), encoding="utf-8")
    build(project, project / "site", base_url="/digest/")
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serve(project / "site") as url:
        page.goto(url + "ar/search/?q=" + "لانكوف")
        page.wait_for_selector("#results li")
        title = page.text_content("#results a.result-title")
        assert "<img src=x onerror=alert(1)>" in title
        assert page.locator("#results img").count() == 0
    context.close()
    assert dialogs == []


def test_search_box_in_every_header_leads_to_the_search_page(page, served):
    page.set_viewport_size({"width": 1280, "height": 800})  # phones get a plain link in the menu instead
    page.goto(served + "ar/timeline/")
    page.fill("#site-q", "كنيفيتشي")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/ar/search/?q=*")
    page.wait_for_selector("#results li")
    assert seeds(page) == [SLUGS["002"]]


def test_phones_get_a_search_link_in_the_menu(page, served):
    page.goto(served + "fa/timeline/")
    assert not page.is_visible("#site-q")
    page.click(".nav-search a")
    page.wait_for_url("**/fa/search/")
