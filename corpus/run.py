"""``clean-corpus``: clean every page of many corpus files, on every core, with bounded memory.

Each input file becomes one output file of the same name in the output folder.  The main
process reads records, sends batches of pages to worker processes (each loads the model once),
and writes the results in input order; at most ``2 x jobs`` batches are in flight, so memory
does not grow with the input.  An output file is written under a temporary name and renamed
when complete: a restarted run skips the files already done and never sees half a file.

A record that cannot be cleaned (its document missing, null or not text, or a page rejected as
binary or too large) is reported with its file and record number and written with a null
cleaned text, so that no record is lost (``--drop-empty`` leaves it out); a line that is not a
JSON object is reported and skipped.  The run goes on and the summary counts both.
"""

from __future__ import annotations

import copy
import numbers
import os
import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .formats import BadRecord, CorpusError, RecordWriter, detect_format, output_name, read_records
from .sitelines import SiteLineCounter, line_keys

if TYPE_CHECKING:  # annotations only
    from features.decode import Limits

WARC_FIELD = "html"
PARTIAL = ".partial-"


@dataclass
class Options:
    """What to do with each page (sent to every worker once)."""

    field: str = "text"
    kind: str = "auto"
    out_field: str = "clean_text"
    with_labels: bool = False
    drop_empty: bool = False
    threshold: float | None = None
    page_cut: bool | None = None  # False: keep every block at or above the threshold (model.decision); None: the model's
    model_path: str | None = None
    trust_model: bool = False  # load model_path even if it is not on the user's trust list
    url_field: str = "url"
    site_counts: str | None = None  # path of a saved SiteLineCounter: drop site template lines
    site_share: float = 0.5
    site_min_pages: int = 3
    limits: Limits | None = None  # what one page may cost (features.decode.Limits; None: the defaults)

    def __post_init__(self):
        # A line "on" a single page of its site would be taken for template: every line is.
        if not 0.0 <= self.site_share <= 1.0 or self.site_min_pages < 2:
            raise ValueError(f"site_share must be between 0 and 1 and site_min_pages at least 2, "
                             f"not {self.site_share!r} and {self.site_min_pages!r}")


@dataclass
class Summary:
    files_done: int = 0
    files_skipped: int = 0
    pages: int = 0
    empty: int = 0
    dropped_empty: int = 0
    bad: int = 0
    megabytes: float = 0.0
    seconds: float = 0.0
    problems: list = field(default_factory=list)

    def line(self) -> str:
        rate = self.pages / self.seconds if self.seconds else 0.0
        mbs = self.megabytes / self.seconds if self.seconds else 0.0
        return (f"{self.files_done} files cleaned, {self.files_skipped} already done; {self.pages} pages "
                f"({self.empty} left empty, {self.dropped_empty} dropped as empty), {self.bad} records not cleaned; "
                f"{self.megabytes:.1f} MB in {self.seconds:.1f} s ({rate:.1f} pages/s, {mbs:.2f} MB/s)")


# -- worker side -----------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(options: Options) -> None:
    """Load the model (and site counts) once per worker process; one thread per process."""
    from threadpoolctl import threadpool_limits

    from model import load_model

    threadpool_limits(1)
    _WORKER["model"] = with_page_cut(load_model(options.model_path, trusted=options.trust_model), options.page_cut)
    _WORKER["options"] = options
    _WORKER["sites"] = SiteLineCounter.load(options.site_counts) if options.site_counts else None


def with_page_cut(clf, page_cut: bool | None):
    """``clf`` with its page cut (``model.decision``) turned on or off, or as it is when ``page_cut``
    is None.  A changed model is a copy: the model passed in (perhaps a worker's cached one,
    ``corpus.dask.worker_model``) keeps its own setting."""
    return clf if page_cut is None else copy.copy(clf).set_params(page_cut=page_cut)


def _site_of(record: dict, url_field: str) -> str:
    from training.pages import domain_of

    return domain_of(record.get(url_field)) or ""


def clean_batch(documents: list, sites: list[str]) -> list:
    """Clean a batch of documents in a worker: a result dict per document, or an error string."""
    clf, options, counter = _WORKER["model"], _WORKER["options"], _WORKER["sites"]
    if not documents:
        return []
    from model import CONTENT, join_blocks

    results = []
    tables = clf.classify_each(documents, kind=options.kind, threshold=options.threshold, limits=options.limits)
    for table, site in zip(tables, sites):
        if isinstance(table, Exception):
            results.append(f"{type(table).__name__}: {table}")
            continue
        if counter is not None and site and len(table):
            template = counter.template_lines(site, table["text"].tolist(), options.site_share,
                                              options.site_min_pages)
            if template.any():
                table = table.copy()
                table.loc[template, "label"] = "boilerplate"
        result = {"text": join_blocks(table)}
        if options.with_labels:
            result["labels"] = (table["label"] == CONTENT).astype(int).tolist()
            result["probas"] = [round(float(p), 4) for p in table["proba"]]
        results.append(result)
    return results


def count_batch(documents: list, sites: list[str], kind: str, limits: Limits | None = None) -> list:
    """Pass one of site mode: the line keys of each page (blocks as the model would see them)."""
    from features import parse_document

    out = []
    for document, site in zip(documents, sites):
        try:
            blocks, _ = parse_document(document, kind, limits=limits)
        except Exception:
            out.append(None)
            continue
        out.append(line_keys(site, blocks["text"].tolist()) if site else None)
    return out


# -- main side -------------------------------------------------------------------------------

def _document(record, fmt: str, options: Options):
    """The page of a record (a dict), or a BadRecord saying why there is none."""
    name = WARC_FIELD if fmt == "warc" else options.field
    if name not in record:
        return BadRecord(f"no field {name!r}")
    value = record[name]
    if value is None:
        return BadRecord(f"field {name!r} is null")
    if not isinstance(value, (str, bytes)):
        return BadRecord(f"field {name!r} holds {type(value).__name__}, not text")
    return value


def _report(summary: Summary, log, path: Path, number: int, reason: str, outcome: str) -> None:
    summary.bad += 1
    message = f"{path}: record {number}: {reason}; {outcome}"
    summary.problems.append(message)
    log(message)


def _batches(path: Path, fmt: str, options: Options, batch_size: int, summary: Summary, log):
    """Yield (records, documents, sites, megabytes) batches.  ``records`` holds (number, record,
    reason) with reason None for the records whose document is in ``documents`` (in order) and
    the reason it cannot be cleaned for the others; lines that are no record are reported here."""
    records, documents, sites, size = [], [], [], 0
    for number, record in read_records(path):
        if isinstance(record, BadRecord):
            _report(summary, log, path, number, record.reason, "skipped")
            continue
        document = _document(record, fmt, options)
        if isinstance(document, BadRecord):
            records.append((number, record, document.reason))
            continue
        records.append((number, record, None))
        documents.append(document)
        sites.append(_site_of(record, options.url_field))
        size += len(document)
        if len(records) >= batch_size:
            yield records, documents, sites, size / 1e6
            records, documents, sites, size = [], [], [], 0
    if records:
        yield records, documents, sites, size / 1e6


def _run_batches(batches, submit, jobs: int):
    """Map ``submit`` over batches with at most 2 x jobs in flight, results in input order."""
    pending = deque()
    for batch in batches:
        pending.append((batch, submit(batch)))
        if len(pending) >= 2 * jobs:
            batch, future = pending.popleft()
            yield batch, future.result()
    while pending:
        batch, future = pending.popleft()
        yield batch, future.result()


class _Inline:
    """A stand-in for a process pool when ``jobs`` is 1: work happens in this process."""

    class _Done:
        def __init__(self, value):
            self.value = value

        def result(self):
            return self.value

    def __init__(self, initializer, initargs):
        initializer(*initargs)

    def submit(self, fn, *args):
        return self._Done(fn(*args))

    def shutdown(self, *args, **kwargs):
        pass


def _pool(jobs: int, options: Options):
    if jobs <= 1:
        return _Inline(_init_worker, (options,))
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options,))


def count_site_lines(inputs: list[Path], options: Options, jobs: int, batch_size: int,
                     progress: bool = True, log=print) -> SiteLineCounter:
    """Pass one of site mode: count on how many pages of its site every line occurs."""
    counter = SiteLineCounter()
    summary = Summary()
    pool = _pool(jobs, options)
    bar = _progress(progress, "counting site lines")
    try:
        for path in inputs:
            fmt = detect_format(path)
            batches = _batches(path, fmt, options, batch_size, summary, lambda message: None)
            for (_, _, sites, megabytes), keys in _run_batches(
                    batches, lambda b: pool.submit(count_batch, b[1], b[2], options.kind, options.limits), jobs):
                for site, page_keys in zip(sites, keys):
                    if page_keys is not None:
                        counter.add_page(site, page_keys)
                if bar is not None:
                    bar.update(len(sites))
    finally:
        pool.shutdown()
        if bar is not None:
            bar.close()
    return counter


def clean_corpus(inputs, out_dir, options: Options | None = None, jobs: int | None = None,
                 batch_size: int = 64, site_mode: bool = False, progress: bool = True, log=None,
                 force: bool = False) -> Summary:
    """Clean every input file into ``out_dir``; returns the run's ``Summary``.

    Files whose output already exists are skipped (a restart), unless ``force``."""
    options = options or Options()
    log = log or (lambda message: print(message, file=sys.stderr))
    for name, value in (("jobs", 1 if jobs is None else jobs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    jobs = jobs or os.cpu_count() or 1
    inputs = list(dict.fromkeys(Path(p) for p in inputs))
    out_dir = Path(out_dir)
    _check_inputs(inputs, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(PARTIAL + "*"):
        stale.unlink()  # left by an interrupted run; never a finished output
    summary = Summary()
    start = time.perf_counter()
    todo = []
    for path in inputs:
        if (out_dir / output_name(path)).exists() and not force:
            summary.files_skipped += 1
            log(f"{path}: already cleaned in {out_dir}, skipped")
        else:
            todo.append(path)
    if site_mode and todo:
        counts_path = out_dir / ".site-lines"
        count_site_lines(todo, options, jobs, batch_size, progress, log).save(counts_path)
        options = Options(**{**options.__dict__, "site_counts": str(counts_path)})
    pool = _pool(jobs, options)
    bar = _progress(progress, "cleaning")
    try:
        for path in todo:
            _clean_file(path, out_dir, options, pool, jobs, batch_size, summary, bar, log)
            summary.files_done += 1
    finally:
        pool.shutdown(cancel_futures=True) if jobs > 1 else pool.shutdown()
        if bar is not None:
            bar.close()
    summary.seconds = time.perf_counter() - start
    return summary


def _check_inputs(inputs: list[Path], out_dir: Path) -> None:
    """Fail before any work on what would fail or lose data later: a missing file, a folder, an
    unknown format, an output that would overwrite its input or another input's output."""
    written_by: dict[Path, Path] = {}
    for path in inputs:
        if path.is_dir():
            raise CorpusError(f"{path}: is a folder; pass the corpus files in it (e.g. {path}/*.jsonl.gz)")
        detect_format(path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        target = (out_dir / output_name(path)).resolve()
        if target == path.resolve():
            raise CorpusError(f"{path}: its output would overwrite it; choose another --out folder")
        if target in written_by:
            raise CorpusError(f"{written_by[target]} and {path} would both be written to {target}; "
                             "clean them into separate --out folders")
        written_by[target] = path


def _clean_file(path: Path, out_dir: Path, options: Options, pool, jobs: int, batch_size: int,
                summary: Summary, bar, log) -> None:
    fmt = detect_format(path)
    final = out_dir / output_name(path)
    # Hidden while incomplete; the name keeps its suffix so the writer compresses the same way.
    partial = out_dir / f"{PARTIAL}{final.name}"
    writer = RecordWriter(partial, fmt, types={options.out_field: "string", "labels": "list<int64>",
                                               "probas": "list<double>"})
    try:
        batches = _batches(path, fmt, options, batch_size, summary, log)
        for (records, _, sites, megabytes), results in _run_batches(
                batches, lambda b: pool.submit(clean_batch, b[1], b[2]), jobs):
            results = iter(results)
            for number, record, reason in records:
                result = next(results) if reason is None else reason
                if isinstance(result, str):  # the reason it could not be cleaned
                    _report(summary, log, path, number, result,
                            "left out" if options.drop_empty else f"kept with {options.out_field} null")
                    if options.drop_empty:
                        continue
                    result = {"text": None, "labels": None, "probas": None}
                else:
                    summary.pages += 1
                    if not result["text"]:
                        summary.empty += 1
                        if options.drop_empty:
                            summary.dropped_empty += 1
                            continue
                out = {k: v for k, v in record.items() if not (fmt == "warc" and k == WARC_FIELD)}
                out[options.out_field] = result["text"]
                if options.with_labels:
                    out["labels"] = result["labels"]
                    out["probas"] = result["probas"]
                writer.write(out)
            summary.megabytes += megabytes
            if bar is not None:
                bar.update(len(records))
                elapsed = bar.format_dict.get("elapsed") or 0
                if elapsed:
                    bar.set_postfix_str(f"{summary.megabytes / elapsed:.2f} MB/s", refresh=False)
        writer.close()
        os.replace(partial, final)
    except BaseException:
        writer.close()
        partial.unlink(missing_ok=True)
        raise


def _progress(enabled: bool, desc: str):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(desc=desc, unit="page", dynamic_ncols=True, file=sys.stderr)
