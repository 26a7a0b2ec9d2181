"""Cleaning corpora: many files, many cores, bounded memory (``clean_corpus``), site-level
template lines (``SiteLineCounter``), and Dask for clusters (``corpus.dask``)."""

from .run import Options, Summary, clean_corpus
from .sitelines import SiteLineCounter

__all__ = ["Options", "SiteLineCounter", "Summary", "clean_corpus"]
