"""``clean-corpus``: clean every page of many corpus files, on every core, with bounded memory.

Each input file becomes one output file of the same name in the output folder.  The main
process reads records, sends batches of pages to worker processes (each loads the model once),
and writes the results in input order; at most ``2 x jobs`` batches are in flight, so memory
does not grow with the input.

Nothing is lost, whatever stops a run:

* An output file is written under a hidden temporary name, renamed when complete, and then
  marked complete (a hidden ``.done-`` file with its record count and size).  A restarted run
  skips only the outputs whose mark matches them; anything else is cleaned again.
* One run writes an output at a time: it holds a lock (``flock``) on the temporary file while it
  writes.  A second run that reaches the same output waits for the first, then skips it when
  the first completed it; it never removes a file another run is writing.  Temporary files that
  no run holds (left by a killed run) are removed.
* A record that cannot be cleaned (its document missing, null or not text, or a page rejected as
  binary or too large) is reported with its file and record number and written with a null
  cleaned text (``--drop-empty`` leaves it out); a line that cannot be read (not UTF-8, not a
  JSON object, nested too deeply...) is reported and counted.  A file that cannot be read or
  written (damaged, a full disk) is reported, its temporary file removed, and the run goes on
  with the next one.  The summary counts all three.
* Worker processes end with the run, even when it is killed (``kill -9``): they ask the kernel
  for it (Linux) or watch their parent.
"""

from __future__ import annotations

import copy
import json
import numbers
import os
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from model.persistence import ModelError

from .formats import (BadRecord, CorpusError, RecordWriter, detect_format, open_binary, output_name,
                      parquet_schema, read_records)
from .sitelines import SiteLineCounter, line_keys

if TYPE_CHECKING:  # annotations only
    from features.decode import Limits

WARC_FIELD = "html"
PARTIAL = ".partial-"
DONE = ".done-"
ADDED_TYPES = {"labels": "list<int64>", "probas": "list<double>"}  # and the out field, a string


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
    files_failed: int = 0
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
        failed = f", {self.files_failed} failed (not written)" if self.files_failed else ""
        return (f"{self.files_done} files cleaned, {self.files_skipped} already done{failed}; {self.pages} pages "
                f"({self.empty} left empty, {self.dropped_empty} dropped as empty), {self.bad} records not cleaned; "
                f"{self.megabytes:.1f} MB in {self.seconds:.1f} s ({rate:.1f} pages/s, {mbs:.2f} MB/s)")

    def add(self, other: "Summary") -> None:
        """Count ``other`` (one file's figures) in this run's."""
        for name in ("files_done", "pages", "empty", "dropped_empty", "bad", "megabytes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)


# -- worker side -----------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(options: Options, parent: int | None = None) -> None:
    """Load the model (and site counts) once per worker process; one thread per process.

    ``parent``: the process id of the run, when this is a worker process of its own: it ends
    when that process does.  An error loading the model is kept and raised by the first batch,
    so that the run reports it in one sentence (an initializer that raises breaks the pool, with
    a traceback from every worker)."""
    from threadpoolctl import threadpool_limits

    from model import load_model

    if parent is not None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the command's handler, inherited by fork
        _die_with_parent(parent)
        for fd in _HELD:  # the run's locks, inherited by fork: only the run releases them
            os.close(fd)
        _HELD.clear()
    threadpool_limits(1)
    _WORKER["options"] = options
    try:
        _WORKER["model"] = with_page_cut(load_model(options.model_path, trusted=options.trust_model),
                                         options.page_cut)
        _WORKER["sites"] = SiteLineCounter.load(options.site_counts) if options.site_counts else None
    except Exception as exc:  # noqa: BLE001 - raised again, whole, by _worker()
        exc.__traceback__ = None
        _WORKER["error"] = exc


def _worker():
    """The worker's model, options and site counts, or the error that loading them gave."""
    if "error" in _WORKER:
        raise _WORKER["error"]
    return _WORKER["model"], _WORKER["options"], _WORKER["sites"]


_PR_SET_PDEATHSIG = 1


def _die_with_parent(run: int) -> None:
    """End this worker when its parent process ends, even by SIGKILL, which leaves the run no
    time to stop its workers: Linux sends it SIGKILL then (prctl PR_SET_PDEATHSIG); elsewhere a
    thread watches for the parent to change.  The parent is the run (``run``, its process id),
    or a fork server that ends with it."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl failed")
    except (OSError, AttributeError):
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        os.kill(run, 0)  # the run ended before the request was made
    except ProcessLookupError:
        os._exit(1)
    if os.getppid() != parent:
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def with_page_cut(clf, page_cut: bool | None):
    """``clf`` with its page cut (``model.decision``) turned on or off, or as it is when ``page_cut``
    is None.  A changed model is a copy: the model passed in (perhaps a worker's cached one,
    ``corpus.dask.worker_model``) keeps its own setting."""
    return clf if page_cut is None else copy.copy(clf).set_params(page_cut=page_cut)


def _site_of(record: dict, url_field: str) -> str:
    from training.pages import domain_of

    return domain_of(record.get(url_field)) or ""


def clean_batch(documents: list, sites: list[str], charsets: list | None = None) -> list:
    """Clean a batch of documents in a worker: a result dict per document, or an error string.
    ``charsets``: the charset each document's HTTP header declares (None: none)."""
    clf, options, counter = _worker()
    if not documents:
        return []
    from model import CONTENT, join_blocks

    results = []
    tables = clf.classify_each(documents, kind=options.kind, threshold=options.threshold, limits=options.limits,
                               charset=charsets)
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


def count_batch(documents: list, sites: list[str], kind: str, limits: Limits | None = None,
                charsets: list | None = None) -> list:
    """Pass one of site mode: the line keys of each page (blocks as the model would see them)."""
    from features import parse_document

    _worker()

    out = []
    for document, site, charset in zip(documents, sites, charsets or [None] * len(documents)):
        try:
            blocks, _ = parse_document(document, kind, limits=limits, charset=charset)
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


def _charset(record: dict, fmt: str) -> str | None:
    """The charset a WARC record's HTTP ``Content-Type`` header declares for its body."""
    if fmt != "warc":
        return None
    from features.decode import charset_of_content_type

    return charset_of_content_type(record.get("content_type"))


def _batches(path: Path, fmt: str, options: Options, batch_size: int, summary: Summary, log):
    """Yield (records, documents, sites, megabytes, charsets) batches.  ``records`` holds (number,
    record, reason) with reason None for the records whose document is in ``documents`` (in
    order) and the reason it cannot be cleaned for the others; lines that are no record are
    reported here.  ``charsets``: per document, the charset its HTTP header declares (WARC)."""
    records, documents, sites, charsets, size = [], [], [], [], 0
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
        charsets.append(_charset(record, fmt))
        size += len(document)
        if len(records) >= batch_size:
            yield records, documents, sites, size / 1e6, charsets
            records, documents, sites, charsets, size = [], [], [], [], 0
    if records:
        yield records, documents, sites, size / 1e6, charsets


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
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options, os.getpid()))


def _stop(pool, failed: bool) -> None:
    """Shut ``pool`` down; after a failure (an error, Ctrl-C, SIGTERM) without waiting for the
    batches in flight, whose results nobody will write."""
    if failed:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
    pool.shutdown(cancel_futures=True)


def _check_model(options: Options) -> None:
    """Refuse the model before any work, in this process, as far as its file tells (trust,
    format, versions) without unpickling the estimator; workers would each fail on it."""
    from model.persistence import DEFAULT_MODEL, check_metadata, read_metadata

    path = options.model_path or DEFAULT_MODEL
    check_metadata(read_metadata(path, trusted=options.trust_model), path)


def count_site_lines(inputs: list[Path], options: Options, jobs: int, batch_size: int,
                     progress: bool = True, log=print) -> SiteLineCounter:
    """Pass one of site mode: count on how many pages of its site every line occurs."""
    counter = SiteLineCounter()
    summary = Summary()
    pool = _pool(jobs, options)
    bar = _progress(progress, "counting site lines")
    failed = True
    try:
        for path in inputs:
            fmt = detect_format(path)
            batches = _batches(path, fmt, options, batch_size, summary, lambda message: None)
            try:
                for (_, _, sites, megabytes, _), keys in _run_batches(
                        batches, lambda b: pool.submit(count_batch, b[1], b[2], options.kind, options.limits, b[4]),
                        jobs):
                    for site, page_keys in zip(sites, keys):
                        if page_keys is not None:
                            counter.add_page(site, page_keys)
                    if bar is not None:
                        bar.update(len(sites))
            except BrokenProcessPool:
                raise CorpusError(_WORKER_DIED.format(path=path)) from None
            except (CorpusError, ModelError):
                raise
            except Exception as exc:  # noqa: BLE001 - cleaning it says so; counting goes on
                log(f"{path}: its site lines are not counted ({type(exc).__name__}: {exc})")
        failed = False
    finally:
        _stop(pool, failed)
        if bar is not None:
            bar.close()
    return counter


_WORKER_DIED = ("a worker process died while cleaning {path} (killed by the system, perhaps for lack of "
                "memory); the files finished so far are kept: run the same command again to go on")


def clean_corpus(inputs, out_dir, options: Options | None = None, jobs: int | None = None,
                 batch_size: int = 64, site_mode: bool = False, progress: bool = True, log=None,
                 force: bool = False) -> Summary:
    """Clean every input file into ``out_dir``; returns the run's ``Summary``.

    Files whose output is complete are skipped (a restart), unless ``force``.  A file that
    cannot be read or written is reported and counted (``Summary.files_failed``), and the run
    goes on; a model that cannot be used, or a worker process that dies, stops the run."""
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
    _remove_abandoned(out_dir)
    summary = Summary()
    start = time.perf_counter()
    todo = []
    for path in inputs:
        if not force and _completed(out_dir / output_name(path)):
            summary.files_skipped += 1
            log(f"{path}: already cleaned in {out_dir}, skipped")
        else:
            todo.append(path)
    if todo:
        _check_model(options)
    with tempfile.TemporaryDirectory(prefix="boilerplate-site-lines-") as counts_dir:
        if site_mode and todo:
            counts_path = Path(counts_dir) / "counts"
            count_site_lines(todo, options, jobs, batch_size, progress, log).save(counts_path)
            options = Options(**{**options.__dict__, "site_counts": str(counts_path)})
        _clean_files(todo, out_dir, options, jobs, batch_size, summary, progress, log, force)
    summary.seconds = time.perf_counter() - start
    return summary


def _clean_files(todo: list[Path], out_dir: Path, options: Options, jobs: int, batch_size: int,
                 summary: Summary, progress: bool, log, force: bool) -> None:
    pool = _pool(jobs, options) if todo else None
    bar = _progress(progress and bool(todo), "cleaning")
    failed = True
    try:
        for path in todo:
            try:
                _clean_file(path, out_dir, options, pool, jobs, batch_size, summary, bar, log, force)
            except BrokenProcessPool:
                raise CorpusError(_WORKER_DIED.format(path=path)) from None
            except (CorpusError, ModelError):
                raise
            except Exception as exc:  # noqa: BLE001 - the file is reported and the run goes on
                summary.files_failed += 1
                message = f"{path}: not cleaned, its output is not written ({type(exc).__name__}: {exc})"
                summary.problems.append(message)
                log(message)
        failed = False
    finally:
        if pool is not None:
            _stop(pool, failed)
        if bar is not None:
            bar.close()


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


# -- one writer per output, and a mark of completion -------------------------------------------

_HELD: set[int] = set()  # descriptors of the locks this process holds


class _Lock:
    """An exclusive lock on the temporary file of one output (``flock``: released by the kernel
    when the holder ends, however it ends).  ``acquire`` waits for another run that holds it,
    and makes sure that the file locked is still the one at the path (not renamed to the
    finished output, nor removed, while this one waited).  Worker processes forked while it is
    held close their copy (``_init_worker``), or it would outlive its release."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self, wait: bool = True, on_wait=None) -> bool:
        import fcntl

        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    os.close(fd)
                    return False
                if on_wait is not None:
                    on_wait()
                    on_wait = None
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(self.path)
            except FileNotFoundError:
                current = None
            held = os.fstat(fd)
            if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
                self.fd = fd
                _HELD.add(fd)
                return True
            os.close(fd)

    def release(self) -> None:
        if self.fd is not None:
            _HELD.discard(self.fd)
            os.close(self.fd)
            self.fd = None


def _done_path(final: Path) -> Path:
    return final.with_name(DONE + final.name)


def _mark_done(final: Path, records: int) -> None:
    """Write the mark of a complete output (after its rename): its record count and size."""
    done = _done_path(final)
    tmp = done.with_name(done.name + ".tmp")
    tmp.write_text(json.dumps({"records": records, "bytes": final.stat().st_size}) + "\n", encoding="utf-8")
    os.replace(tmp, done)


def _completed(final: Path) -> bool:
    """Whether ``final`` is a complete output: marked so, with the size and the number of
    records of its mark."""
    try:
        mark = json.loads(_done_path(final).read_text(encoding="utf-8"))
        if final.stat().st_size != mark["bytes"]:
            return False
        return _count_records(final) == mark["records"]
    except Exception:  # noqa: BLE001 - whatever keeps it from being checked: clean it again
        return False


def _count_records(path: Path) -> int:
    """The records of an output file: its rows, or its lines (one per record)."""
    if detect_format(path) == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    with open_binary(path, "r") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _remove_abandoned(out_dir: Path) -> None:
    """Remove the temporary files that no run is writing (a killed run's)."""
    for partial in out_dir.glob(PARTIAL + "*"):
        lock = _Lock(partial)
        try:
            if lock.acquire(wait=False):
                partial.unlink()
        except OSError:
            pass
        finally:
            lock.release()


def _clean_file(path: Path, out_dir: Path, options: Options, pool, jobs: int, batch_size: int,
                run_summary: Summary, bar, log, force: bool) -> None:
    fmt = detect_format(path)
    final = out_dir / output_name(path)
    # Hidden while incomplete; the name keeps its suffix so the writer compresses the same way.
    partial = out_dir / f"{PARTIAL}{final.name}"
    lock = _Lock(partial)
    lock.acquire(on_wait=lambda: log(f"{path}: waiting for another run that is writing {final}"))
    try:
        if not force and _completed(final):  # by the run this one waited for
            run_summary.files_skipped += 1
            log(f"{path}: already cleaned in {out_dir} by another run, skipped")
            partial.unlink()
            return
        _done_path(final).unlink(missing_ok=True)
        summary = Summary()
        writer = None
        try:
            schema = None
            if fmt == "parquet":
                added = {options.out_field: "string", **(ADDED_TYPES if options.with_labels else {})}
                schema = parquet_schema(path, added)
            writer = RecordWriter(partial, fmt, schema)
            _write_records(path, fmt, writer, options, pool, jobs, batch_size, summary, bar, log)
            writer.close()
            os.replace(partial, final)
        except BaseException:
            if writer is not None:
                writer.abort()
            partial.unlink(missing_ok=True)
            raise
        _mark_done(final, writer.records)
        summary.files_done = 1
        run_summary.add(summary)
    finally:
        lock.release()


def _write_records(path: Path, fmt: str, writer: RecordWriter, options: Options, pool, jobs: int,
                   batch_size: int, summary: Summary, bar, log) -> None:
    batches = _batches(path, fmt, options, batch_size, summary, log)
    for (records, _, sites, megabytes, _), results in _run_batches(
            batches, lambda b: pool.submit(clean_batch, b[1], b[2], b[4]), jobs):
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


def _progress(enabled: bool, desc: str):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(desc=desc, unit="page", dynamic_ncols=True, file=sys.stderr)
