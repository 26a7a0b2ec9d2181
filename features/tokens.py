"""Word units of any language: what the features, the word model and the labelling count.

Most scripts put spaces between words, and a word is a run of word characters (``\\w+``).
Chinese and Japanese do not: a ``\\w+`` run there is a whole clause, so a paragraph counts as a
handful of "words", its length and density look like a menu's, and no clause repeats across
pages for the word model to learn from.  Thai, Lao, Khmer and Myanmar are written without spaces
too.  In those scripts every character is a unit of its own (a Chinese word is one or two
characters; the metric for Chinese counts characters); everywhere else a unit is a ``\\w+`` run
without such characters.  Korean puts spaces between its words and is counted by them.

``UNSPACED`` is the code-point table of those scripts (a unit is a word character in it) for numpy passes over many texts (``features.text_shape``);
``UNIT`` the same rule as a regular expression, for Python code over a few texts.  A test
checks that the two agree.
"""

from __future__ import annotations

import re

import numpy as np

# Scripts written without spaces between words: (first, last) code points.
UNSPACED_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B and later (astral)
)


def _table() -> np.ndarray:
    table = np.zeros(0x10000, bool)
    for first, last in UNSPACED_RANGES:
        if first < 0x10000:
            table[first:min(last, 0xFFFF) + 1] = True
    return table


UNSPACED = _table()  # for code points below 0x10000; astral ones: ``is_unspaced_astral``
_CLASS = "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in UNSPACED_RANGES)
UNIT_PATTERN = rf"[^\W{_CLASS}]+|[{_CLASS}](?<=\w)"  # the common case first: 20% faster
UNIT = re.compile(UNIT_PATTERN)


def is_unspaced_astral(code: int) -> bool:
    return any(first <= code <= last for first, last in UNSPACED_RANGES if last >= 0x10000)


def word_units(text: str) -> list[str]:
    """The word units of ``text``, lowercased: ``\\w+`` runs, and single characters of the scripts
    written without spaces (``"Tokyo 東京に"`` -> ``["tokyo", "東", "京", "に"]``)."""
    return UNIT.findall(text.lower())
