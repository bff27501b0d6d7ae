"""Structured data (schema.org JSON-LD) for search engines: what each page is, in their vocabulary.

NewsArticle for an article page (its original's language, date and outlet, the glossary entries
it is about), WebSite with a SearchAction for the home page, BreadcrumbList for pages below it.
Written only when the site has an absolute address: these URLs must be absolute.
"""

from __future__ import annotations

from generator import urls


def news_article(page, shared, article, description: str, names: dict) -> dict:
    """Google's Article rich result asks for headline (110 characters at most), image, datePublished
    and author; the outlet is both the author and the source, the digest the publisher. `description`
    is the page's own (the summary as plain text); `names`: entity id → name, of those it is about."""
    outlet = {"@type": "Organization", "name": article.source.outlet}
    logo = page.absolute(page.asset_path("icon-512.png"))
    card = page.absolute(page.asset_path("share.png"))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline if len(article.headline) <= 110 else article.headline[:109] + "…",
        "inLanguage": article.lang,
        "datePublished": article.published.date.isoformat(),
        "url": page.absolute(),
        "mainEntityOfPage": page.absolute(),
        "description": str(description),
        "image": [card, logo],
        "author": outlet,
        "sourceOrganization": outlet,
        "publisher": {"@type": "Organization", "name": shared.title.get(page.lang),
                      "logo": {"@type": "ImageObject", "url": logo}},
        "about": [{"@type": "Thing", "name": names[e].get(page.lang), "url": page.absolute(urls.entity(page.lang, e))}
                  for e in article.entities],
    }
    if article.source.url:
        data["isBasedOn"] = article.source.url
    return data


def website(page, shared) -> dict:
    """The site, and how to search it: /{lang}/search/?q=."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": shared.title.get(page.lang),
        "url": page.absolute(urls.home(page.lang)),
        "inLanguage": page.lang,
        "potentialAction": {"@type": "SearchAction",
                            "target": {"@type": "EntryPoint", "urlTemplate": page.absolute(urls.search(page.lang)) + "?q={search_term_string}"},
                            "query-input": "required name=search_term_string"},
    }


def breadcrumbs(page, shared, *trail: tuple[str, str]) -> dict:
    """Home, then each (name, site path) of the trail; the last is this page."""
    items = [(shared.title.get(page.lang), f"{page.lang}/"), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": page.absolute(path)}
                            for n, (name, path) in enumerate(items, start=1)],
    }
