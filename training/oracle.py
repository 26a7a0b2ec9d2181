"""The oracle: close to the best word F1 any selection of whole blocks (lines) of a page can reach.

Exact maximisation of F1 over subsets is a fractional integer program; we approximate it by
greedy local search: start from the blocks labelled content, then repeatedly flip (add or drop)
the one block that raises the page's F1 the most, until no flip helps (at most ``MAX_FLIPS``
flips).  The result is a local optimum: never below the labels, but on small random pages it
falls short of the brute-force best now and then, so read it as a lower bound of the true
ceiling.  Every candidate flip of a page is scored at once from sparse token counts
(``PageScorer``'s matrices).
"""

from __future__ import annotations

import numpy as np

from .metrics import PageScorer

MAX_FLIPS = 500


def _f1(overlap, predicted, gold):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(predicted + gold > 0, 2 * overlap / (predicted + gold), 0.0)


def oracle_selection(scorer: PageScorer, start: np.ndarray) -> np.ndarray:
    """Boolean keep-mask per block: a local optimum of each page's word F1, from ``start``."""
    keep = np.asarray(start, bool).copy()
    blocks = scorer.blocks.tocsr()
    gold = scorer.gold.tocsr()
    page = scorer.page
    order = np.argsort(page, kind="stable")
    bounds = np.searchsorted(page[order], np.arange(scorer.n_pages + 1))
    for p in range(scorer.n_pages):
        rows = order[bounds[p]:bounds[p + 1]]
        if len(rows) == 0:
            continue
        sub = blocks[rows]
        g = np.asarray(gold[p].todense()).ravel()
        g_total = g.sum()
        if g_total == 0:  # empty gold: keeping nothing scores 1
            keep[rows] = False
            continue
        sub = sub.tocoo()
        token, count, row = sub.col, sub.data, sub.row
        sizes = np.bincount(row, weights=count, minlength=len(rows))
        k = np.asarray(blocks[rows[keep[rows]]].sum(axis=0)).ravel()
        for _ in range(MAX_FLIPS):
            kept = keep[rows]
            overlap = np.minimum(k, g).sum()
            predicted = k.sum()
            current = _f1(overlap, predicted, g_total)
            sign = np.where(kept, -1.0, 1.0)
            after = np.minimum(k[token] + sign[row] * count, g[token]) - np.minimum(k[token], g[token])
            delta_overlap = np.bincount(row, weights=after, minlength=len(rows))
            f1 = _f1(overlap + delta_overlap, predicted + sign * sizes, g_total)
            best = int(np.argmax(f1))
            if f1[best] <= current + 1e-12:
                break
            keep[rows[best]] = not kept[best]
            mask = row == best
            k[token[mask]] += sign[best] * count[mask]
    return keep
