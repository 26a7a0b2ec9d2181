"""Every language, not only English: word units of scripts without spaces, and the language swap.

The language swap: the sample news page (``data/samples/harbour-festival.*``) with its heading and
paragraphs written in another language (``harbour-festival-languages.json``, written by this
team) must keep the same blocks as the English page, give or take ``SWAP_TOLERANCE`` blocks: the
page's structure is the same, only the words changed.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pytest

from conftest import SAMPLES, WCXB_ROOT
from features.pages import PageIndex
from features.text_shape import text_features
from features.tokens import word_units

LANGUAGES = json.loads((SAMPLES / "harbour-festival-languages.json").read_text(encoding="utf-8"))
ENGLISH = LANGUAGES["en"]
OTHERS = sorted(k for k in LANGUAGES if k not in ("en", "_about"))
SWAP_TOLERANCE = 1  # blocks of the page that may be decided otherwise than in English


def test_word_units_split_scripts_without_spaces_into_characters():
    assert word_units("Tokyo 東京に行った, Seoul 서울 2026 snake_case ÉTÉ") == [
        "tokyo", "東", "京", "に", "行", "っ", "た", "seoul", "서울", "2026", "snake_case", "été"]
    assert word_units("ภาษา ไทย") == ["ภ", "า", "ษ", "า", "ไ", "ท", "ย"]
    assert word_units("฿100 ·—") == ["100"]  # a currency sign of the Thai block is no word


@pytest.mark.parametrize("lang", ["en", *OTHERS])
def test_features_count_the_same_word_units_as_the_tokenizer(lang):
    texts = LANGUAGES[lang] + ["𠀀𠀁 ab𠀂cd 😀 x", "", "  ", "a_b 1,5 ９９"]
    counts = np.expm1(text_features(texts, PageIndex(np.zeros(len(texts), int)))["n_words_log"])
    assert counts.round().astype(int).tolist() == [len(word_units(t)) for t in texts]


def test_a_chinese_paragraph_is_as_long_as_its_characters():
    texts = [LANGUAGES["zh"][1], LANGUAGES["en"][1]]
    n_words = np.expm1(text_features(texts, PageIndex(np.zeros(2, int)))["n_words_log"])
    assert n_words[0] > n_words[1]  # 61 characters, 35 English words


def _text_page(paragraphs: list[str]) -> tuple[str, list[bool]]:
    """The hand-labelled sample text page as plain text, its six content lines replaced."""
    lines, labels, swapped = [], [], iter(paragraphs)
    for line in (SAMPLES / "harbour-festival.txt").read_text(encoding="utf-8").split("\n"):
        if line.startswith("#"):
            continue
        if line[:2] in ("+ ", "- "):
            labels.append(line[0] == "+")
            line = next(swapped) if line[0] == "+" else line[2:]
        lines.append(line)
    return "\n".join(lines), labels


def _html_page(paragraphs: list[str]) -> str:
    page = (SAMPLES / "harbour-news.html").read_text(encoding="utf-8")
    for english, other in zip(ENGLISH, paragraphs):
        assert english in page
        page = page.replace(english, html.escape(other, quote=False))
    return page


@pytest.fixture(scope="module")
def bundled():
    from model import load_model

    return load_model()


def _kept(clf, page: str, kind: str) -> np.ndarray:
    return (clf.classify(page, kind=kind)["label"] == "content").to_numpy()


@pytest.mark.parametrize("kind", ["text", "html"])
def test_the_english_sample_page_keeps_its_article_and_drops_the_rest(bundled, kind):
    if kind == "text":
        page, labels = _text_page(ENGLISH)
        assert _kept(bundled, page, kind).tolist() == labels
    else:
        from training.pages import read_hand_html

        _, table = read_hand_html(SAMPLES / "harbour-news.html")
        assert _kept(bundled, _html_page(ENGLISH), kind).tolist() == table["label"].tolist()


@pytest.mark.parametrize("kind", ["text", "html"])
@pytest.mark.parametrize("lang", OTHERS)
def test_the_article_in_another_language_keeps_the_same_blocks(bundled, kind, lang):
    build = (lambda p: _text_page(p)[0]) if kind == "text" else _html_page
    english, other = _kept(bundled, build(ENGLISH), kind), _kept(bundled, build(LANGUAGES[lang]), kind)
    assert len(english) == len(other)
    differ = np.flatnonzero(english != other)
    assert len(differ) <= SWAP_TOLERANCE, f"{lang}: blocks {differ.tolist()} decided otherwise than in English"


EXAMPLE = WCXB_ROOT.parent / "examples" / "news-page-with-boilerplate.txt"


@pytest.mark.skipif(not EXAMPLE.exists(), reason="needs ../shared/data/examples")
def test_the_shared_example_page_keeps_its_article_to_the_last_paragraph(bundled):
    table = bundled.classify(EXAMPLE.read_bytes())
    kept = table.loc[table["label"] == "content", "text"].tolist()
    assert kept[-1].startswith("Russian-Japanese relations have been on the rise")
    assert sum(t.startswith(("TOKYO", "“", "The cooperation", "Moreover", "Japan and Russia", "A year ago",
                             "This month")) for t in kept) == 8
    dropped = table.loc[table["label"] == "boilerplate", "text"].str.strip().tolist()
    for line in ("Related posts", "Leave a Reply", "• Wind: 4.46 m/s", "Сторонняя реклама",
                 "READ MORE: Russia, Japan Launch Joint Naval Drills in Gulf of Aden — Military"):
        assert line in dropped
