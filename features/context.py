"""Features of a block's place in its page: position, repetition, paragraph breaks, neighbours,
where the page's prose lies, and the block's size relative to the rest of the page.

Neighbour features copy a few base features of the blocks around (NaN past the page edge) and
average them over windows, so the model sees runs: content comes in runs of long, wordy blocks,
boilerplate in runs of short, linked ones.  Prose position features say how much of the page's
running text lies before and after a block: what follows the last paragraph of an article
("Related posts", comment forms, widgets) is rarely content.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import text_shape
from .blocks import column
from .pages import PageIndex, group_codes
from .tokens import UNIT

# Base features whose neighbourhood is described.
NEIGHBOUR_BASE = ("n_words_log", "stopword_share", "ends_terminal", "link_share", "title_word_share",
                  "is_bullet")
WINDOWS = (3, 10)
PROSE_MIN_WORDS = 10
# Text-shape features whose level depends on the language (function-word lists cover some
# languages better than others; Russian words are longer than English ones, Chinese ones one
# character): each is also given relative to the page's own prose, which is in the same language.
RELATIVE_BASE = ("stopword_share", "mean_word_len", "comma_per_word", "title_word_share", "punct_share")

FEATURES = {
    "rel_position": "block index / (blocks in page - 1)",
    "blocks_before_log": "log(1 + blocks before this one)",
    "blocks_after_log": "log(1 + blocks after this one)",
    "rel_char_position": "characters before the block / characters in the page",
    "page_blocks_log": "log(1 + blocks in the page)",
    "page_words_log": "log(1 + words in the page)",
    "dup_count_log": "log(1 + other blocks of the page with the same text, case and digits ignored)",
    "dup_first": "1 when no earlier block of the page has the same text",
    "opening_dup_log": "log(1 + other blocks of the page opening with the same two words, case ignored, "
                       "numbers alike)",
    "opening_dup_win3": "mean opening_dup_log of the blocks within 3 before and after (not itself)",
    "gap_before": "a paragraph break precedes the block",
    "gap_after": "a paragraph break follows the block",
    "indent": "leading spaces of the line (0 for HTML)",
    "words_rel_median": "log words minus the page's median log words",
    "words_share_of_page": "block words / page words",
    "words_rel_max": "block words / words of the page's longest block",
    "is_prose": f"at least {PROSE_MIN_WORDS} words with a sentence end or a stopword share of 0.3",
    "prose_before_share": "share of the page's prose words in blocks before this one (NaN: no prose)",
    "prose_after_share": "share of the page's prose words in blocks after this one (NaN: no prose)",
    "blocks_since_prose_log": "log(1 + blocks back to the previous prose block) (NaN: none)",
    "blocks_to_prose_log": "log(1 + blocks on to the next prose block) (NaN: none)",
    **{f"{base}_rel_page": f"{base} minus its word-weighted mean over the page's blocks of {PROSE_MIN_WORDS}+ words "
                           "(over all its blocks when none has as many)" for base in RELATIVE_BASE},
    **{f"{base}_{where}": f"{base} of the {label} block"
       for base in NEIGHBOUR_BASE
       for where, label in (("prev1", "previous"), ("next1", "next"), ("prev2", "second previous"),
                            ("next2", "second next"))},
    **{f"{base}_win{w}": f"mean {base} of the blocks within {w} before and after (not itself)"
       for base in NEIGHBOUR_BASE for w in WINDOWS},
}
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+")


def _distance_to_flagged(pages: PageIndex, flag: np.ndarray, backwards: bool) -> np.ndarray:
    """Blocks from each row to the nearest earlier (``backwards``) or later flagged row of its
    page, NaN when there is none."""
    idx = np.arange(pages.n)
    if backwards:
        last = np.maximum.accumulate(np.where(flag, idx, -1))
        prev = np.concatenate(([-1], last[:-1]))
        return np.where(prev >= pages.row_start, idx - prev, np.nan)
    nxt = np.minimum.accumulate(np.where(flag, idx, pages.n)[::-1])[::-1]
    following = np.concatenate((nxt[1:], [pages.n]))
    return np.where(following < pages.row_end, following - idx, np.nan)


def _keys(texts: list[str]) -> tuple[list[str], list[str]]:
    """Per text, the key of its duplicates (lowercased, digits as 0, whitespace runs as one space)
    and of its opening: the first two words, the keys of a widget's or a spec sheet's rows
    ("Wind: 4 m/s"), the openings of repeated cards ("Posted by ..."); rarely shared by two
    paragraphs.  The compiled core makes the same strings in C (``features._text.dup_keys``)."""
    if text_shape._compiled is not None:
        return text_shape._compiled.dup_keys(texts)
    keys = [" ".join(_DIGIT.sub("0", t.lower()).split()) for t in texts]
    openings = [_NUMBER.sub("0", " ".join(UNIT.findall(t[:80].lower())[:2])) for t in texts]
    return keys, openings


def context_features(blocks, pages: PageIndex, base: dict, texts: list[str]) -> dict:
    """Compute ``FEATURES`` from the block table and the already computed base features."""
    n = len(texts)
    n_words = np.expm1(base["n_words_log"])
    n_chars = np.expm1(base["n_chars_log"])
    size = pages.page_size.astype(np.float64)
    position = pages.position.astype(np.float64)
    page_chars = pages.page_sum(n_chars)
    page_words = pages.page_sum(n_words)
    keys, openings = _keys(texts)
    same_text = group_codes(pages.row_page, pd.factorize(np.asarray(keys, dtype=object))[0])
    first = np.zeros(n, bool)
    first[np.unique(same_text, return_index=True)[1]] = True
    openings = np.asarray(openings, dtype=object)
    same_opening = group_codes(pages.row_page, pd.factorize(openings)[0])
    opening_dup_log = np.log1p(np.where(openings != "", np.bincount(same_opening)[same_opening] - 1, 0)
                               if n else np.zeros(0))
    gap_before = column(blocks, "gap_before", np.float64)
    gap_after = pages.shift(gap_before, 1)
    prose = (n_words >= PROSE_MIN_WORDS) & ((base["n_sentences"] >= 1) | (base["stopword_share"] >= 0.3))
    prose_words = np.where(prose, n_words, 0.0)
    page_prose = pages.page_sum(prose_words)
    with np.errstate(invalid="ignore", divide="ignore"):
        prose_before = np.where(page_prose > 0, pages.cumsum_before(prose_words) / page_prose, np.nan)
        prose_after = np.where(page_prose > 0, 1.0 - prose_before - prose_words / page_prose, np.nan)
    out = {
        "rel_position": position / np.maximum(size - 1, 1),
        "blocks_before_log": np.log1p(position),
        "blocks_after_log": np.log1p(size - 1 - position),
        "rel_char_position": pages.cumsum_before(n_chars) / np.maximum(page_chars, 1),
        "page_blocks_log": np.log1p(size),
        "page_words_log": np.log1p(page_words),
        "dup_count_log": np.log1p(np.bincount(same_text)[same_text] - 1) if n else np.zeros(0),
        "dup_first": first.astype(np.float64),
        "opening_dup_log": opening_dup_log,
        "opening_dup_win3": pages.window_mean(opening_dup_log, 3, 3, exclude_self=True),
        "gap_before": gap_before,
        "gap_after": np.where(np.isnan(gap_after), 1.0, gap_after),
        "indent": column(blocks, "indent", np.float64),
        "words_rel_median": base["n_words_log"] - pages.page_median(base["n_words_log"]),
        "words_share_of_page": n_words / np.maximum(page_words, 1),
        "words_rel_max": n_words / np.maximum(pages.page_max(n_words), 1),
        "is_prose": prose.astype(np.float64),
        "prose_before_share": prose_before,
        "prose_after_share": np.maximum(prose_after, 0.0),
        "blocks_since_prose_log": np.log1p(_distance_to_flagged(pages, prose, backwards=True)),
        "blocks_to_prose_log": np.log1p(_distance_to_flagged(pages, prose, backwards=False)),
    }
    long_blocks = n_words >= PROSE_MIN_WORDS
    weight = np.where(pages.page_sum(long_blocks) > 0, np.where(long_blocks, n_words, 0.0), np.maximum(n_words, 1.0))
    page_weight = np.maximum(pages.page_sum(weight), 1e-9)
    for name in RELATIVE_BASE:
        out[f"{name}_rel_page"] = base[name] - pages.page_sum(base[name] * weight) / page_weight
    for name in NEIGHBOUR_BASE:
        values = base[name]
        out[f"{name}_prev1"] = pages.shift(values, -1)
        out[f"{name}_next1"] = pages.shift(values, 1)
        out[f"{name}_prev2"] = pages.shift(values, -2)
        out[f"{name}_next2"] = pages.shift(values, 2)
        for w in WINDOWS:
            out[f"{name}_win{w}"] = pages.window_mean(values, w, w, exclude_self=True)
    return out
