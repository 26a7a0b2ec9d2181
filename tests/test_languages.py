"""Every language, not only English: word units of scripts without spaces."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import SAMPLES
from features.pages import PageIndex
from features.text_shape import text_features
from features.tokens import word_units

LANGUAGES = json.loads((SAMPLES / "harbour-festival-languages.json").read_text(encoding="utf-8"))
OTHERS = sorted(k for k in LANGUAGES if k not in ("en", "_about"))


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
