"""Cleaning on Dask, the distributed engine: the same cleaning as ``clean-corpus``, spread over a
cluster.  Install with ``pip install .[dask]``.

The model is loaded once per worker process (``worker_model`` caches it by path), not once per
page or per partition.  ``clean_partition`` works on a pandas DataFrame partition
(``dask.dataframe.map_partitions``); ``clean_bag`` on a bag of dict records (``dask.bag``).
A document that cannot be cleaned (missing, not text, binary, too large) gets a null cleaned
text; the rest of its partition is cleaned as usual.

``threshold`` and ``page_cut`` are those of ``clean-corpus`` (``corpus.Options``): None keeps the
model's own.  The model's threshold was chosen with its page cut and keeps too much without it,
so pass a threshold with ``page_cut=False`` (the command line refuses ``--no-page-cut`` without
one; here, as with ``BoilerplateClassifier(page_cut=False)``, that is left to you).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .run import with_page_cut


@lru_cache(maxsize=4)
def worker_model(model_path: str | None = None, trusted: bool = False):
    """The model of this worker process, loaded on first use and kept (``trusted`` as in
    ``model.load_model``: a model other than the bundled one runs code when loaded)."""
    from model import load_model

    return load_model(model_path, trusted=trusted)


def clean_partition(frame: pd.DataFrame, field: str = "text", kind: str = "auto", out_field: str = "clean_text",
                    model_path: str | None = None, threshold: float | None = None,
                    trusted: bool = False, page_cut: bool | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with ``out_field`` holding the cleaned ``field`` of every row."""
    out = frame.copy()
    out[out_field] = clean_each(worker_model(model_path, trusted), frame[field].tolist(), kind, threshold, page_cut)
    return out


def clean_each(clf, documents: list, kind: str = "auto", threshold: float | None = None,
               page_cut: bool | None = None) -> list:
    """``clf.clean_many(documents)`` in one call, but a document that cannot be cleaned (not text,
    binary, too large) gives None instead of failing the whole list.  Any other error of a page,
    or of the batch call itself, is raised (``BoilerplateClassifier.classify_each``).  ``page_cut``
    True or False turns the page cut on or off for this call only; ``clf`` is left as it is."""
    from features.decode import PageError
    from model import join_blocks

    out = []
    for table in with_page_cut(clf, page_cut).classify_each(documents, kind=kind, threshold=threshold):
        if isinstance(table, Exception) and not isinstance(table, (PageError, TypeError)):
            raise table
        out.append(None if isinstance(table, Exception) else join_blocks(table))
    return out


def clean_bag(bag, field: str = "text", kind: str = "auto", out_field: str = "clean_text",
              model_path: str | None = None, threshold: float | None = None, trusted: bool = False,
              page_cut: bool | None = None):
    """A dask bag of records with ``out_field`` added, cleaned a partition at a time."""

    def clean_records(records):
        records = list(records)
        texts = clean_each(worker_model(model_path, trusted), [r.get(field) for r in records], kind, threshold,
                           page_cut)
        return [{**r, out_field: t} for r, t in zip(records, texts)]

    return bag.map_partitions(clean_records)


def clean_dataframe(ddf, field: str = "text", kind: str = "auto", out_field: str = "clean_text",
                    model_path: str | None = None, threshold: float | None = None, trusted: bool = False,
                    page_cut: bool | None = None):
    """A dask DataFrame with ``out_field`` added (``map_partitions`` over ``clean_partition``)."""
    meta = ddf._meta.assign(**{out_field: pd.Series([], dtype=object)})
    return ddf.map_partitions(clean_partition, field=field, kind=kind, out_field=out_field, model_path=model_path,
                              threshold=threshold, trusted=trusted, page_cut=page_cut, meta=meta)
