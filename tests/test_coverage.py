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


# --- the second editorial pass (issue 13) ------------------------------------------------------

RUN = 8
"""Words in a row two notes may not share: a fact is told once and cross-referenced after that."""
QUOTED = re.compile(r"«[^»]*»|\([^)]*\)")
"""Quotations and parentheses, where one language may quote the other's letters."""
ONLY_PERSIAN = re.compile("[\u06cc\u06a9\u06af\u067e\u0686\u0698]")  # ی ک گ پ چ ژ
ONLY_ARABIC = re.compile("[\u064a\u0643\u0629]")  # ي ك ة


def word_runs(text):
    from generator.textnorm import normalize
    found = re.findall(r"\w+", normalize(text))
    return {tuple(found[i:i + RUN]) for i in range(len(found) - RUN + 1)}


def test_no_two_notes_tell_the_same_thing_in_the_same_words(site):
    notes = [(f"{article.slug}#{a.id}.{lang}", word_runs(a.note.get(lang)))
             for article in site.articles for a in article.annotations for lang in ("fa", "ar")]
    shared = [(first, second, " ".join(sorted(runs & other)[0])) for i, (first, runs) in enumerate(notes)
              for second, other in notes[i + 1:] if runs & other]
    assert shared == []


def test_every_seed_with_an_error_has_its_correction(site):
    """Each of the five seeds has at least one error the editors found (a mistranslation, a wrong
    year, a word dropped); each is a `correction` note."""
    for article in site.articles:
        assert any(a.kind == "correction" for a in article.annotations), article.slug


def test_every_disputed_claim_says_how_far_the_evidence_goes(site):
    graded = {a.evidence for article in site.articles for a in article.annotations if a.kind == "disputed"}
    assert graded <= {"confirmed", "claimed", "denied", "unverified"} and len(graded) >= 3


def test_each_topic_has_passages_from_every_article_it_concerns(site):
    for topic in site.settings.topics:
        for article in site.articles:
            if topic.id in article.topics:
                assert any(topic.id in a.topics for a in article.annotations), (topic.id, article.slug)


def test_people_in_the_glossary_have_dated_roles(site):
    for entity in site.entities:
        if entity.kind == "person":
            for lang in ("fa", "ar"):
                assert re.search(r"[0-9۰-۹٠-٩]{4}", entity.role.get(lang)), (entity.id, lang)


def editorial_texts(site):
    """(where, lang, text) for every text editors write in a language."""
    for article in site.articles:
        for lang in ("fa", "ar"):
            yield article.slug, lang, article.summary.get(lang)
            yield f"{article.slug} source", lang, article.source.about.get(lang)
            yield f"{article.slug} date", lang, article.published.reason.get(lang)
            for a in article.annotations:
                yield f"{article.slug}#{a.id}", lang, a.note.get(lang)
    for topic in site.settings.topics:
        for lang in ("fa", "ar"):
            yield topic.id, lang, topic.summary.get(lang)
    for entity in site.entities:
        for lang in ("fa", "ar"):
            yield entity.id, lang, f"{entity.name.get(lang)} {entity.role.get(lang)}"
    for event in site.events:
        for lang in ("fa", "ar"):
            yield event.id, lang, f"{event.title.get(lang)} {event.note.get(lang)}"


def test_arabic_is_written_in_arabic_letters_and_persian_in_persian(site):
    """A Persian ی or گ on an Arabic page (تیر, وبانگاه) reads as a typo; outside quotations the
    editors write each language in its own letters."""
    wrong = []
    for where, lang, text in editorial_texts(site):
        plain = QUOTED.sub("", re.sub(r"\]\([^)]*\)", "]", text or ""))
        foreign = (ONLY_PERSIAN if lang == "ar" else ONLY_ARABIC).findall(plain)
        if foreign:
            wrong.append((where, lang, "".join(sorted(set(foreign)))))
    assert wrong == []
