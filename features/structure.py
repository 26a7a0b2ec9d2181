"""DOM-container features of HTML blocks: how much text, links and prose the block's enclosing
elements hold, and whether the block sits inside the page's main text container.

Every block carries ``path``, the serial numbers of its enclosing block-level elements; blocks
sharing a serial share that element.  Text and link density of enclosing containers is the
evidence of Kohlschütter's boilerplate detection (text density) and of Weninger's text-to-tag
ratio; the *main container* here is the deepest element that holds at least half of the page's
words outside links.  All sums are ``numpy.bincount`` over the flattened paths.  NaN for text.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from .pages import PageIndex, group_codes

LEVELS = (1, 2, 3)
MAIN_SHARE = 0.5

FEATURES = {
    **{f"c{k}_{name}": f"{doc} of the element {k} level{'s' if k > 1 else ''} above the block's own"
       for k in LEVELS
       for name, doc in (("words_share", "share of the page's words inside"),
                         ("link_share", "share of words inside links"),
                         ("blocks_log", "log(1 + blocks inside)"),
                         ("prose_share", "share of words in prose blocks"))},
    "in_main_block": f"inside the deepest element holding {MAIN_SHARE:.0%} of the page's words outside links",
    "below_main_block": "levels of block elements between the main container and the block (NaN: outside it)",
    "main_block_words_share": "share of the page's words inside the main container (page-level)",
}


def structure_features(paths, pages: PageIndex, n_words: np.ndarray, link_share: np.ndarray,
                       prose: np.ndarray) -> dict:
    n = len(paths)
    lengths = np.fromiter(map(len, paths), np.int64, n)
    out = {name: np.full(n, np.nan) for name in FEATURES}
    if not lengths.any():
        return out
    flat = np.fromiter(chain.from_iterable(paths), np.int64, int(lengths.sum()))
    row = np.repeat(np.arange(n), lengths)
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    level = np.arange(len(flat)) - first[row]
    element = group_codes(pages.row_page[row], flat)
    n_el = int(element.max()) + 1
    link_words = n_words * np.nan_to_num(link_share)
    words = np.bincount(element, weights=n_words[row], minlength=n_el)
    links = np.bincount(element, weights=link_words[row], minlength=n_el)
    blocks = np.bincount(element, minlength=n_el)
    prose_words = np.bincount(element, weights=(n_words * prose)[row], minlength=n_el)
    depth = np.zeros(n_el, np.int64)
    depth[element] = level
    el_page = np.zeros(n_el, np.int64)
    el_page[element] = pages.row_page[row]
    page_words = np.bincount(pages.row_page, weights=n_words, minlength=len(pages.starts))
    page_plain = np.bincount(pages.row_page, weights=n_words - link_words, minlength=len(pages.starts))

    has_path = lengths > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        for k in LEVELS:
            ok = has_path & (lengths - 1 - k >= 0)
            el = element[np.where(ok, first + lengths - 1 - k, 0)]
            share = words[el] / np.maximum(page_words[pages.row_page], 1)
            out[f"c{k}_words_share"] = np.where(ok, share, np.nan)
            out[f"c{k}_link_share"] = np.where(ok, links[el] / np.maximum(words[el], 1), np.nan)
            out[f"c{k}_blocks_log"] = np.where(ok, np.log1p(blocks[el]), np.nan)
            out[f"c{k}_prose_share"] = np.where(ok, prose_words[el] / np.maximum(words[el], 1), np.nan)

        # The main container of each page: the deepest element with MAIN_SHARE of its plain words.
        plain = words - links
        candidates = np.flatnonzero((plain >= MAIN_SHARE * page_plain[el_page]) & (page_plain[el_page] > 0))
        main = np.full(len(pages.starts), -1)
        if len(candidates):
            order = np.lexsort((depth[candidates], el_page[candidates]))
            ranked = candidates[order]
            last_of_page = np.append(el_page[ranked][1:] != el_page[ranked][:-1], True)
            main[el_page[ranked][last_of_page]] = ranked[last_of_page]
        page_main = main[pages.row_page]
        inside = np.bincount(row, weights=element == page_main[row], minlength=n) > 0
        has_main = has_path & (page_main >= 0)
        main_depth = depth[np.maximum(page_main, 0)]
        out["in_main_block"] = np.where(has_main, inside, np.nan)
        out["below_main_block"] = np.where(has_main & inside, lengths - 1 - main_depth, np.nan)
        out["main_block_words_share"] = np.where(has_main, words[np.maximum(page_main, 0)]
                                           / np.maximum(page_words[pages.row_page], 1), np.nan)
    return out
