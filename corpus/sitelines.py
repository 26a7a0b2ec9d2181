"""Site-level template evidence: a line that appears on many pages of the same site is template
boilerplate (menus, footers, newsletter prompts), whatever it looks like on one page.

Pass one counts, per site, on how many pages each normalised line occurs; pass two drops the
lines seen on at least ``share`` of the site's pages (and on ``min_pages`` pages at least).

Memory is bounded whatever the corpus size: line counts live in a count-min sketch (a fixed
``depth x width`` table of counters; estimates can only err upwards, by a little) and page counts
per site in a dictionary capped at ``max_sites`` (sites beyond it are not tracked, so nothing of
theirs is dropped).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np

_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_MASK = (1 << 61) - 1


def normalise(text: str) -> str:
    """A line as the site template sees it: lower case, digits as 0, spaces collapsed."""
    return _SPACE.sub(" ", _DIGITS.sub("0", text.lower())).strip()


def _keys(site: str, lines) -> np.ndarray:
    prefix = site.encode("utf-8", errors="replace") + b"\x00"
    return np.fromiter((int.from_bytes(hashlib.blake2b(prefix + s.encode("utf-8", errors="replace"),
                                                       digest_size=8).digest(), "little") for s in lines),
                       np.uint64, len(lines))


def line_keys(site: str, texts) -> np.ndarray:
    """64-bit keys of (site, normalised line) for the distinct lines of one page."""
    return _keys(site, sorted({normalise(t) for t in texts} - {""}))


@dataclass
class SiteLineCounter:
    """Count-min sketch of (site, line) page counts, plus page counts per site."""

    width: int = 1 << 20
    depth: int = 4
    max_sites: int = 1_000_000
    table: np.ndarray = field(default=None)
    site_pages: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.table is None:
            self.table = np.zeros((self.depth, self.width), np.uint32)
        seeds = np.random.default_rng(12345).integers(1, _MASK, size=(self.depth, 2), dtype=np.int64)
        self._a = seeds[:, 0].astype(np.uint64) | np.uint64(1)
        self._b = seeds[:, 1].astype(np.uint64)

    def _columns(self, keys: np.ndarray) -> np.ndarray:
        keys = np.asarray(keys, np.uint64)
        with np.errstate(over="ignore"):
            mixed = keys[None, :] * self._a[:, None] + self._b[:, None]
        return ((mixed >> np.uint64(29)) % np.uint64(self.width)).astype(np.int64)

    def add_page(self, site: str, keys: np.ndarray) -> None:
        if site not in self.site_pages:
            if len(self.site_pages) >= self.max_sites:
                return
            self.site_pages[site] = 0
        self.site_pages[site] += 1
        if len(keys):
            cols = self._columns(keys)
            for row in range(self.depth):
                np.add.at(self.table[row], cols[row], 1)

    def counts(self, keys: np.ndarray) -> np.ndarray:
        """Estimated number of pages of the key's site that hold the key's line."""
        if not len(keys):
            return np.zeros(0, np.int64)
        cols = self._columns(keys)
        return np.min(self.table[np.arange(self.depth)[:, None], cols], axis=0).astype(np.int64)

    def merge(self, other: "SiteLineCounter") -> None:
        self.table += other.table
        for site, n in other.site_pages.items():
            if site in self.site_pages or len(self.site_pages) < self.max_sites:
                self.site_pages[site] = self.site_pages.get(site, 0) + n

    def template_lines(self, site: str, texts, share: float = 0.5, min_pages: int = 3) -> np.ndarray:
        """Boolean per text: the line is template boilerplate of ``site``."""
        pages = self.site_pages.get(site, 0)
        result = np.zeros(len(texts), bool)
        if pages < min_pages:
            return result
        needed = max(min_pages, share * pages)
        lines = [normalise(t) for t in texts]
        result[:] = self.counts(_keys(site, lines)) >= needed
        result[[i for i, line in enumerate(lines) if not line]] = False
        return result

    def save(self, path) -> None:
        import json

        np.save(str(path) + ".npy", self.table)
        with open(str(path) + ".sites.json", "w", encoding="utf-8") as handle:
            json.dump({"width": self.width, "depth": self.depth, "site_pages": self.site_pages}, handle)

    @classmethod
    def load(cls, path) -> "SiteLineCounter":
        import json

        with open(str(path) + ".sites.json", encoding="utf-8") as handle:
            meta = json.load(handle)
        table = np.load(str(path) + ".npy", mmap_mode="r")
        return cls(width=meta["width"], depth=meta["depth"], table=table, site_pages=meta["site_pages"])
