"""Page-aware array helpers: features are computed over many pages stacked in one table.

``PageIndex`` knows where each page starts and ends, so that neighbour and window features never
reach across a page boundary, and page-level statistics are computed per page, all with numpy (neighbours and windows in C on the compiled core, ``features.compiled``).
"""

from __future__ import annotations

import numpy as np

# The compiled core's shift and window_mean (``features._text``; set by ``features.text_shape``),
# or None: numpy computes them, the reference.
_compiled = None


class PageIndex:
    """Row positions of a block table that holds pages one after another."""

    def __init__(self, page: np.ndarray):
        page = np.asarray(page)
        if page.dtype.kind not in "iuf":
            try:
                page = page.astype(np.int64)
            except (TypeError, ValueError):
                raise ValueError(f"page numbers must be whole numbers (0, 1, ...), not values such as "
                                 f"{page[0]!r}") from None
        n = len(page)
        if n and np.any(page[1:] < page[:-1]):
            raise ValueError("blocks of a page must be contiguous and pages in increasing order")
        self.n = n
        change = np.flatnonzero(np.diff(page)) + 1 if n else np.array([], dtype=int)
        self.starts = np.concatenate(([0], change)).astype(np.int64) if n else np.zeros(0, np.int64)
        self.ends = np.concatenate((change, [n])).astype(np.int64) if n else np.zeros(0, np.int64)
        self.sizes = self.ends - self.starts
        self.row_page = np.repeat(np.arange(len(self.starts)), self.sizes)  # 0..P-1 per row
        self.row_start = self.starts[self.row_page]
        self.row_end = self.ends[self.row_page]
        self.position = np.arange(n) - self.row_start  # index of the block within its page
        self.page_size = self.sizes[self.row_page]

    def shift(self, values: np.ndarray, k: int) -> np.ndarray:
        """``values`` of the block ``k`` rows later (k > 0) or earlier (k < 0); NaN past the page."""
        if _compiled is not None:
            return _compiled.shift(np.ascontiguousarray(values, dtype=np.float64), self.row_start, self.row_end, k)
        values = np.asarray(values, dtype=np.float64)
        out = np.full(self.n, np.nan)
        target = np.arange(self.n) + k
        ok = (target >= self.row_start) & (target < self.row_end)
        out[ok] = values[target[ok]]
        return out

    def window_mean(self, values: np.ndarray, before: int, after: int, exclude_self=False) -> np.ndarray:
        """Mean of ``values`` over rows i-before..i+after inside the page (NaN if the window is empty)."""
        if _compiled is not None:
            return _compiled.window_mean(np.ascontiguousarray(values, dtype=np.float64), self.starts, self.ends,
                                         self.row_start, self.row_end, before, after, bool(exclude_self))
        values = np.asarray(values, dtype=np.float64)
        valid = ~np.isnan(values)
        running = self._running_sum(np.where(valid, values, 0.0))
        ccount = np.concatenate(([0], np.cumsum(valid)))  # integer counts: exact across pages
        idx = np.arange(self.n)
        lo = np.maximum(idx - before, self.row_start)
        hi = np.minimum(idx + after + 1, self.row_end)
        total = self._sum_before(running, hi) - self._sum_before(running, lo)
        count = (ccount[hi] - ccount[lo]).astype(np.float64)
        if exclude_self:
            total = total - np.where(valid, values, 0.0)
            count = count - valid
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    def _running_sum(self, values: np.ndarray) -> np.ndarray:
        """Cumulative sum of ``values`` that starts again at every page: bit for bit what the
        page alone gives (a running sum over the whole batch would round differently, and a
        last-bit difference can cross a tree's split point, so a page would score differently
        in ``clean_many`` than alone)."""
        out = np.empty(self.n)
        for s, e in zip(self.starts, self.ends):
            np.cumsum(values[s:e], out=out[s:e])
        return out

    def _sum_before(self, running: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Per row, the sum of its page's values on rows before ``k`` (row_start <= k <= row_end)."""
        return np.where(k > self.row_start, running[np.maximum(k - 1, 0)], 0.0)

    def page_sum(self, values: np.ndarray) -> np.ndarray:
        """Per-row sum of ``values`` over the row's page."""
        values = _finite(values)
        return np.add.reduceat(values, self.starts)[self.row_page] if self.n else values

    def page_median(self, values: np.ndarray) -> np.ndarray:
        """Per-row median of ``values`` over the row's page (NaNs ignored)."""
        values = np.asarray(values, dtype=np.float64)
        medians = np.full(len(self.starts), np.nan)
        for p, (s, e) in enumerate(zip(self.starts, self.ends)):
            chunk = values[s:e]
            chunk = chunk[~np.isnan(chunk)]
            if len(chunk):
                medians[p] = np.median(chunk)
        return medians[self.row_page]

    def page_max(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        return np.maximum.reduceat(values, self.starts)[self.row_page] if self.n else values

    def cumsum_before(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over the earlier rows of the same page."""
        values = _finite(values)
        return self._sum_before(self._running_sum(values), np.arange(self.n))


def _finite(values) -> np.ndarray:
    """``values`` as float64 with NaN as 0 and infinities as the largest finite numbers
    (``numpy.nan_to_num``; in C on the compiled core, where numpy's checks cost more than a small
    page's sum)."""
    if _compiled is not None:
        return _compiled.nan_to_num(values)
    return np.nan_to_num(np.asarray(values, dtype=np.float64))


def group_codes(*codes) -> np.ndarray:
    """Dense group number of each row, rows grouped by a tuple of non-negative integer codes."""
    import pandas as pd

    combined = np.zeros(len(codes[0]), np.int64)
    for c in codes:
        c = np.asarray(c, np.int64)
        if len(c):
            combined = combined * (int(c.max()) + 1) + c
    return pd.factorize(combined)[0]
