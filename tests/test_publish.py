"""Ready to publish: feeds, sitemap, robots.txt, canonical and hreflang links, sharing tags, structured
data and icons, all with absolute URLs when the site has an address, and left out (with a note) when not."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from generator.build import build
from generator.cli import main
from generator.linkcheck import read_page
from tests.conftest import ROOT, site_pages

BASE = "https://example.org/digest/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
TOPICS = ("military", "economic", "historical")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    result = build(ROOT, out, base_url=BASE)
    assert result.notes == ()
    return out


def head(path: Path) -> dict:
    """rel → [href…] of the <link>s, property/name → content of the <meta>s, and the JSON-LD blocks."""
    html = path.read_text(encoding="utf-8")
    links, metas = {}, {}
    for rel, attrs in re.findall(r'<link rel="([^"]+)"([^>]*)>', html):
        links.setdefault(rel + ("@" + re.search(r'hreflang="([^"]+)"', attrs).group(1) if "hreflang" in attrs else ""),
                         []).append(re.search(r'href="([^"]+)"', attrs).group(1))
    for key, content in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html):
        metas.setdefault(key, []).append(content)
    data = [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    return {"links": links, "metas": metas, "ld": data}


def test_atom_feeds_for_each_language_and_topic_parse_and_speak_the_feed_language(published):
    for lang in ("fa", "ar"):
        for folder in ["", *(f"topics/{t}/" for t in TOPICS)]:
            data = (published / lang / folder / "feed.xml").read_bytes()
            feed = feedparser.parse(data)
            assert not feed.bozo, (lang, folder, feed.get("bozo_exception"))
            assert feed.feed.language == lang and feed.feed.id == f"{BASE}{lang}/{folder}feed.xml"
            root = ET.fromstring(data)
            for required in ("id", "title", "updated", "author"):
                assert root.find(ATOM + required) is not None, required
            entries = root.findall(ATOM + "entry")
            assert entries and len(entries) == len(feed.entries)
            for entry, parsed in zip(entries, feed.entries):
                for required in ("id", "title", "updated", "summary", "author"):
                    assert entry.find(ATOM + required) is not None, required
                assert parsed.link.startswith(f"{BASE}{lang}/articles/")
                summary = entry.find(ATOM + "summary")
                assert summary.get("{http://www.w3.org/XML/1998/namespace}lang") == lang and summary.text.strip()
                if folder:
                    assert folder.split("/")[1] in [tag.term for tag in parsed.tags]
    whole = feedparser.parse((published / "fa" / "feed.xml").read_bytes())
    assert len(whole.entries) == 5 and whole.entries[0].published.startswith("2024-06-19")
    languages = {e.title_detail.language for e in whole.entries}
    assert languages == {"fa", "ar"}, "each entry's title is marked with its original's language"


def test_sitemap_lists_every_page_with_its_alternates_and_robots_names_it(published):
    root = ET.fromstring((published / "sitemap.xml").read_bytes())
    urls = {url.find(SITEMAP + "loc").text: {link.get("hreflang"): link.get("href") for link in url.findall(XHTML + "link")}
            for url in root.findall(SITEMAP + "url")}
    pages = {BASE + p.relative_to(published).as_posix().removesuffix("index.html") for p in site_pages(published)
             if p.name != "404.html"}
    assert set(urls) == pages
    for loc, alternates in urls.items():
        assert alternates["x-default"] == BASE
        if loc != BASE:
            assert loc in (alternates["fa"], alternates["ar"]) and alternates["fa"].replace("/fa/", "/ar/", 1) == alternates["ar"]
    assert not (published / "robots.txt").exists(), "crawlers read robots.txt at the host's root only"


def test_robots_names_the_sitemap_when_the_site_is_at_the_host_root(tmp_path):
    build(ROOT, tmp_path / "site", base_url="https://digest.example.org/")
    robots = (tmp_path / "site" / "robots.txt").read_text(encoding="utf-8")
    assert robots.splitlines()[-1] == "Sitemap: https://digest.example.org/sitemap.xml"


def test_every_page_names_its_canonical_url_both_languages_and_its_feed(published):
    for path in site_pages(published):
        relative = path.relative_to(published).as_posix()
        if relative.endswith("404.html") or relative == "index.html":
            continue
        lang, url = relative[:2], BASE + relative.removesuffix("index.html")
        other = "ar" if lang == "fa" else "fa"
        found = head(path)
        assert found["links"]["canonical"] == [url], relative
        assert found["links"][f"alternate@{lang}"] == [url]
        assert found["links"][f"alternate@{other}"] == [url.replace(f"/{lang}/", f"/{other}/", 1)]
        assert found["links"]["alternate@x-default"] == [BASE]
        assert f"{BASE}{lang}/feed.xml" in found["links"]["alternate"]
        assert found["metas"]["og:url"] == [url] and found["metas"]["og:locale"] == [{"fa": "fa_IR", "ar": "ar_AR"}[lang]]
        assert found["metas"]["og:title"][0] and found["metas"]["og:description"][0]
        assert found["links"]["manifest"] and found["links"]["icon"] and found["links"]["apple-touch-icon"]


def test_article_pages_carry_news_article_and_breadcrumbs(published):
    for path in sorted((published / "ar" / "articles").glob("*/index.html")):
        found = head(path)
        article, crumbs = found["ld"]
        assert article["@type"] == "NewsArticle" and article["@context"] == "https://schema.org"
        for required in ("headline", "image", "datePublished", "author", "publisher", "inLanguage"):
            assert article[required], required
        assert len(article["headline"]) <= 110 and article["image"][0].startswith(BASE)
        seed = read_page(path.read_text(encoding="utf-8")).meta["digest:seed"]
        assert article["inLanguage"] == ("fa" if seed[:3] in ("000", "002", "003") else "ar")
        assert all(thing["url"].startswith(f"{BASE}ar/entities/") for thing in article["about"])
        assert found["metas"]["og:type"] == ["article"] and found["metas"]["article:published_time"] == [article["datePublished"]]
        assert [item["position"] for item in crumbs["itemListElement"]] == [1, 2]
        assert crumbs["itemListElement"][-1]["item"] == BASE + path.relative_to(published).as_posix().removesuffix("index.html")


def test_news_article_names_the_original_when_its_address_is_known():
    from dataclasses import replace

    from generator.build import load_site
    from generator.contexts import Shared
    from generator.render import Page
    from generator.structured import news_article

    site = load_site(ROOT)
    shared, names = Shared.of(site, {}), {e.id: e.name for e in site.entities}
    article = site.articles[0]
    article = replace(article, source=replace(article.source, url="https://www.example.com/original"))
    page = Page("fa", f"fa/articles/{article.slug}/", "../../../", "article", BASE)
    assert news_article(page, shared, article, "", names)["isBasedOn"] == "https://www.example.com/original"
    assert "isBasedOn" not in news_article(page, shared, site.articles[0], "", names)


def test_home_describes_the_site_and_how_to_search_it(published):
    website = head(published / "fa" / "index.html")["ld"][0]
    assert website["@type"] == "WebSite" and website["url"] == f"{BASE}fa/"
    action = website["potentialAction"]
    assert action["target"]["urlTemplate"] == f"{BASE}fa/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"


def test_manifests_and_icons(published):
    for lang in ("fa", "ar"):
        manifest = json.loads((published / lang / "manifest.webmanifest").read_text(encoding="utf-8"))
        assert manifest["lang"] == lang and manifest["dir"] == "rtl" and manifest["name"]
        for icon in manifest["icons"]:
            assert (published / lang / icon["src"]).resolve().is_file()
    for size in (180, 192, 512):
        png = next((published / "assets" / "v").glob(f"icon-{size}.*.png")).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == size
    assert next((published / "assets" / "v").glob("icon.*.svg")).read_text().startswith("<svg")


def test_the_share_card_carries_the_title_in_both_scripts(published):
    """1200×630, the size Open Graph and Twitter's large card expect; the text is drawn with HarfBuzz
    shaping (Pillow with Raqm), so letters join as on the pages."""
    from PIL import Image, features

    assert features.check("raqm"), "Pillow without Raqm would draw Persian and Arabic letters unjoined"
    card = next((published / "assets" / "v").glob("share.*.png"))
    with Image.open(card) as image:
        assert image.size == (1200, 630)
        inked = sum(image.convert("L").crop((600, 120, 1130, 440)).histogram()[:100])  # dark pixels
        assert inked > 5000, "the title is drawn on the right, where RTL text starts"
    found = head(published / "fa" / "index.html")
    assert found["metas"]["og:image"] == [f"{BASE}assets/v/{card.name}"]
    assert found["metas"]["twitter:card"] == ["summary_large_image"]


def test_a_site_without_an_address_leaves_out_what_must_be_absolute_and_says_so(tmp_path, capsys):
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "project")
    assert main(["--root", str(project), "build"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ['note: base_url is only a path ("/"), so feeds, sitemap.xml, robots.txt, canonical links and sharing '
                   'tags were left out; set base_url = "https://…" in content/digest.toml or pass --base-url']
    site = project / "site"
    assert not (site / "sitemap.xml").exists() and not (site / "fa" / "feed.xml").exists()
    assert "canonical" not in head(site / "fa" / "index.html")["links"]
    assert head(site / "fa" / "index.html")["links"]["alternate@ar"] == ["../ar/"]


def test_the_github_pages_workflow_runs_commands_that_work_here(tmp_path):
    """The workflow installs with pip and builds with the Pages address (a sub-path); the same build runs here."""
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    runs = re.findall(r"^\s+run: (.+)$", workflow, re.M)
    assert runs == ["python -m pip install .", 'digest build --base-url "${{ steps.pages.outputs.base_url }}/"']
    assert "path: site" in workflow and "actions/deploy-pages@" in workflow and "pages: write" in workflow
    out = tmp_path / "site"
    result = build(ROOT, out, base_url="https://owner.github.io/digest/")
    assert result.notes == ()
    assert "<loc>https://owner.github.io/digest/fa/</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r'href="/digest/assets/v/site\.[0-9a-f]{10}\.css"', (out / "404.html").read_text(encoding="utf-8"))


def test_a_large_site_gets_a_sitemap_index(monkeypatch, tmp_path):
    """Past 50,000 URLs a sitemap must be split; here the split is forced at 40 pages per file."""
    from generator import pages

    monkeypatch.setattr(pages, "SITEMAP_PATHS", 40)
    out = tmp_path / "site"
    build(ROOT, out, base_url=BASE)
    index = ET.fromstring((out / "sitemap.xml").read_bytes())
    parts = [loc.text for loc in index.iter(SITEMAP + "loc")]
    assert index.tag == SITEMAP + "sitemapindex" and parts == [f"{BASE}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    urls = [loc.text for part in parts for loc in ET.fromstring((out / part.removeprefix(BASE)).read_bytes()).iter(SITEMAP + "loc")]
    pages = [p for p in site_pages(out) if p.name != "404.html"]
    assert len(parts) > 1 and len(urls) == len(set(urls)) == len(pages)


def test_assets_nothing_imports_by_name_are_fingerprinted_and_hosts_may_keep_them(published):
    names = sorted(p.relative_to(published / "assets").as_posix() for p in (published / "assets").rglob("*") if p.is_file()
                   and "search/" not in p.relative_to(published / "assets").as_posix())
    fingerprinted = [n for n in names if n.startswith("v/")]
    assert {re.sub(r"\.[0-9a-f]{10}\.", ".", n) for n in fingerprinted} == {
        "v/site.css", "v/lang.js", "v/notes.js", "v/icon.svg", "v/share.png", "v/icon-180.png", "v/icon-192.png",
        "v/icon-512.png", *(f"v/{family}{part}-{weight}.woff2" for family in ("vazirmatn", "noto-naskh-arabic")
                            for part in ("", "-latin") for weight in (400, 700))}
    for name in fingerprinted:  # the name carries the bytes' hash
        digest = re.search(r"\.([0-9a-f]{10})\.", name).group(1)
        import hashlib
        assert hashlib.sha256((published / "assets" / name).read_bytes()).hexdigest()[:10] == digest
    assert {"search.js", "search-page.js", "textnorm.js"} <= set(names), "the search modules keep their names"
    css = next((published / "assets" / "v").glob("site.*.css")).read_text(encoding="utf-8")
    for font in re.findall(r'url\("([^"]+)"\)', css):
        assert (published / "assets" / "v" / font).is_file()
    forever = "  Cache-Control: public, max-age=31536000, immutable\n"
    assert (published / "_headers").read_text() == (
        f"/digest/assets/v/*\n{forever}/digest/assets/search/m/*\n{forever}/digest/assets/search/t/*\n{forever}"
        f"/digest/assets/search/d/*\n{forever}/digest/*\n  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: strict-origin-when-cross-origin\n")
