"""Label blocks from a gold main text by aligning their words with it.

The blocks' words (in page order) and the gold text's words are aligned monotonically with
``difflib.SequenceMatcher``, which matches the longest common run first and recurses on both
sides.  Because it is monotone, a title or menu word that occurs both in the navigation and in
the article is matched once, where the run around it matches; because the longest runs win, a
sentence that occurs twice is matched where its neighbours match too.

Only runs of at least ``MIN_RUN`` words count, unless a run covers a whole short block (a
heading, a byline): a scattered one-word match is not evidence.  A block is content when at
least ``MIN_SHARE`` of its words are matched.
"""

from __future__ import annotations

from difflib import SequenceMatcher

import numpy as np

from features.tokens import word_units

MIN_RUN = 3
MIN_SHARE = 0.5


def matched_share(block_texts: list[str], gold: str) -> np.ndarray:
    """Share of each block's words that align with the gold text (NaN for blocks without words)."""
    block_words = [word_units(t) for t in block_texts]
    sizes = np.array([len(w) for w in block_words], dtype=np.int64)
    flat = [w for words in block_words for w in words]
    gold_words = word_units(gold)
    if not flat or not gold_words:
        return np.where(sizes > 0, 0.0, np.nan)
    # Map words to integers: SequenceMatcher hashes elements, ints are cheapest.
    vocab: dict[str, int] = {}
    a = [vocab.setdefault(w, len(vocab)) for w in flat]
    b = [vocab.setdefault(w, len(vocab)) for w in gold_words]
    starts = np.concatenate(([0], np.cumsum(sizes)))
    block_of = np.repeat(np.arange(len(sizes)), sizes)
    matched = np.zeros(len(a), bool)
    for i, _, size in SequenceMatcher(None, a, b, autojunk=len(b) > 2000).get_matching_blocks():
        if size == 0:
            continue
        if size >= MIN_RUN:
            matched[i:i + size] = True
            continue
        # A short run counts only if it is a whole block.
        blk = block_of[i]
        if starts[blk] == i and starts[blk + 1] == i + size:
            matched[i:i + size] = True
    hits = np.bincount(block_of, weights=matched, minlength=len(sizes))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sizes > 0, hits / np.maximum(sizes, 1), np.nan)


def label_blocks(block_texts: list[str], gold: str) -> np.ndarray:
    """Boolean content label per block (blocks without words are boilerplate)."""
    share = matched_share(block_texts, gold)
    return np.nan_to_num(share, nan=0.0) >= MIN_SHARE
