"""Cleaning on Dask, the distributed engine: the same cleaning as ``clean-corpus``, spread over a
cluster.  Install with ``pip install .[dask]``.

The model is loaded once per worker process (``worker_model`` caches it by path), not once per
page or per partition.  ``clean_partition`` works on a pandas DataFrame partition
(``dask.dataframe.map_partitions``); ``clean_bag`` on a bag of dict records (``dask.bag``).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd


@lru_cache(maxsize=4)
def worker_model(model_path: str | None = None, trusted: bool = False):
    """The model of this worker process, loaded on first use and kept (``trusted`` as in
    ``model.load_model``: a model other than the bundled one runs code when loaded)."""
    from model import load_model

    return load_model(model_path, trusted=trusted)


def clean_partition(frame: pd.DataFrame, field: str = "text", kind: str = "auto", out_field: str = "clean_text",
                    model_path: str | None = None, threshold: float | None = None,
                    trusted: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` with ``out_field`` holding the cleaned ``field`` of every row."""
    clf = worker_model(model_path, trusted)
    out = frame.copy()
    documents = ["" if doc is None or doc != doc else doc for doc in frame[field].tolist()]
    out[out_field] = clf.clean_many(documents, kind=kind, threshold=threshold) if documents else []
    return out


def clean_bag(bag, field: str = "text", kind: str = "auto", out_field: str = "clean_text",
              model_path: str | None = None, threshold: float | None = None, trusted: bool = False):
    """A dask bag of records with ``out_field`` added, cleaned a partition at a time."""

    def clean_records(records):
        records = list(records)
        if not records:
            return []
        clf = worker_model(model_path, trusted)
        texts = clf.clean_many([r.get(field) or "" for r in records], kind=kind, threshold=threshold)
        return [{**r, out_field: t} for r, t in zip(records, texts)]

    return bag.map_partitions(clean_records)


def clean_dataframe(ddf, field: str = "text", kind: str = "auto", out_field: str = "clean_text",
                    model_path: str | None = None, threshold: float | None = None, trusted: bool = False):
    """A dask DataFrame with ``out_field`` added (``map_partitions`` over ``clean_partition``)."""
    meta = ddf._meta.assign(**{out_field: pd.Series([], dtype=object)})
    return ddf.map_partitions(clean_partition, field=field, kind=kind, out_field=out_field,
                              model_path=model_path, threshold=threshold, trusted=trusted, meta=meta)
