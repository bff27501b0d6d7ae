"""The editorial pass is complete: what every reader of either language is promised."""

import re

import pytest

from generator.build import load_site
from tests.conftest import ROOT

SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")


@pytest.fixture(scope="module")
def site():
    return load_site(ROOT)


def sentences(text):
    return [s for s in SENTENCE_END.split(text.strip()) if s.strip()]


def words(markdown):
    return len(re.sub(r"\]\([^)]*\)", "", markdown).replace("[", "").split())


def test_five_articles_summarised_in_both_languages(site):
    assert len(site.articles) == 5
    for article in site.articles:
        for lang in ("fa", "ar"):
            assert 4 <= len(sentences(article.summary.get(lang))) <= 7, (article.slug, lang)
            assert article.source.about.get(lang), (article.slug, "source note", lang)
        if article.published.inferred:
            assert article.published.reason.fa and article.published.reason.ar


def test_six_to_twelve_annotations_each_with_both_notes_and_topics(site):
    for article in site.articles:
        assert 6 <= len(article.annotations) <= 12, article.slug
        for annotation in article.annotations:
            assert annotation.note.fa and annotation.note.ar, annotation.id
            assert annotation.topics, annotation.id
    kinds = {a.kind for article in site.articles for a in article.annotations}
    assert kinds == {"context", "cross-reference", "disputed", "correction"}


def test_cross_references_join_articles_of_both_languages(site):
    langs = {a.slug: a.lang for a in site.articles}
    crossing = [(article.slug, ref) for article in site.articles for a in article.annotations for ref in a.see
                if langs[ref[1:].split("#")[0]] != article.lang]
    assert len(crossing) >= 10


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_topic_summaries_are_long_enough_and_every_sentence_cites_a_passage(site, lang):
    for topic in site.settings.topics:
        text = topic.summary.get(lang)
        assert 200 <= words(text) <= 400, (topic.id, lang, words(text))
        for sentence in sentences(text):
            assert re.search(r"\]\(@[a-z0-9-]+#[a-z0-9-]+\)", sentence), (topic.id, lang, sentence)


def test_glossary_entries_have_both_names_and_a_role(site):
    assert len(site.entities) >= 40
    for entity in site.entities:
        assert entity.name.fa and entity.name.ar and entity.latin, entity.id
        assert entity.role.fa and entity.role.ar, entity.id


def test_glossary_knows_every_spelling_of_the_main_names(site):
    spellings = {e.id: set(e.spellings) for e in site.entities}
    assert {"کیم جونگ اون", "كيم جونغ أون", "كيم جونج أون"} <= spellings["kim-jong-un"]
    assert {"شویگو", "شويغو"} <= spellings["sergei-shoigu"]
    assert {"ولادی وستوک", "فلاديفوستوك"} <= spellings["vladivostok"]


def test_timeline_events_are_dated_and_cited(site):
    assert len(site.events) >= 12
    years = {e.start.year for e in site.events}
    assert {1950, 1991, 2000, 2006, 2017, 2019, 2023, 2024} <= years
    assert [e.start for e in site.events] == sorted(e.start for e in site.events)
    assert all(e.passages for e in site.events)
