"""Run every reproduction of the fault audit (issue 24) with the bundled model and count what
happens: inputs tried, crashes, hangs, records lost, code run, processes or files left behind,
answers wrong or unclear; then what hostile pages cost under the default limits (CPU seconds and
peak memory of the command, ``explain`` included), against the bound of 20 s and 2 GB.

    python scripts/fault_report.py [--raised] [--data ../shared/data/wcxb-dev]

``--raised``: also pages past the default limits, read with raised limits (memory grows with
blocks and bytes: the figures say how much).  ``--data``: also check the attribute cap against
the WCXB dev pages (none changed) and time it against parsing.  tests/test_faults.py holds the
same reproductions at small size.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from conftest import write_warc  # noqa: E402
from hostile_report import CLI  # noqa: E402  (the command, then its peak memory as the last line of stderr)
from test_faults import (BAD_PAGES, CJK, CONTROLS, GOOD_PAGE, NOT_CHARSETS, _dumped, _RunsCode, alive,  # noqa: E402
                         children, lines_in, records, write_lines)

ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
TIMEOUT = 900
COLUMNS = ("tried", "crashes", "hangs", "records lost", "code run", "left behind", "wrong or unclear")


class Row(dict):
    def __init__(self, item: str, what: str):
        super().__init__({name: 0 for name in COLUMNS})
        self.item, self.what, self.notes = item, what, []


def boilerplate(args, timeout=TIMEOUT, **kwargs) -> subprocess.CompletedProcess | None:
    """The command line in a process of its own; None when it did not end in ``timeout`` s."""
    try:
        return subprocess.run([sys.executable, "-c", CLI, *map(str, args)], capture_output=True, env=ENV,
                              timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        return None


def start(args, err: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CLI, *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=open(err, "wb"), env=ENV, **kwargs)


def poll(condition, timeout=120.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def crashed(result) -> bool:
    """A traceback, or an exit status that is neither success nor a refusal in one sentence."""
    return result is not None and (b"Traceback" in result.stderr or result.returncode not in (0, 1, 2))


def output_ids(path: Path) -> list:
    from corpus.formats import read_records

    try:
        return [record.get("id") for _, record in read_records(path) if isinstance(record, dict)]
    except (OSError, ValueError):
        return []


# -- the corpus runner ------------------------------------------------------------------------

def concurrent_runs(tmp: Path) -> Row:
    """Item 1: a second run into the same --out, started while the first has written 128 of 300
    lines (held there, so that they overlap whatever the machine's speed); then the same with two
    different inputs; then a restart."""
    row = Row("1", "two runs into one --out (same input; different inputs), then a restart")
    for same in (True, False):
        out = tmp / f"out-{same}"
        inputs = [write_lines(tmp / f"c-{same}-{i}.jsonl", records(300, start=1000 * i)) for i in range(2)]
        second_input = inputs[0] if same else inputs[1]
        first = start(["clean-corpus", inputs[0], "--out", out, "--jobs", "1", "--batch-size", "4", "--quiet"],
                      tmp / "first.err")
        row["tried"] += 1
        if not poll(lambda: lines_in(out / f".partial-{inputs[0].name}") >= 128):
            row["hangs"] += 1
        first.send_signal(signal.SIGSTOP)
        second = start(["clean-corpus", second_input, "--out", out, "--jobs", "1", "--batch-size", "4", "--quiet"],
                       tmp / "second.err")
        if same:  # it must wait, without removing the first run's file
            poll(lambda: b"waiting for another run" in (tmp / "second.err").read_bytes(), 60)
        else:
            poll(lambda: second.poll() is not None, 300)
        first.send_signal(signal.SIGCONT)
        for process, err in ((first, "first.err"), (second, "second.err")):
            try:
                status = process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                row["hangs"] += 1
                continue
            text = (tmp / err).read_text()
            row["crashes"] += status != 0 or "Traceback" in text
        for path in {inputs[0], second_input}:
            row["records lost"] += 300 - len(set(output_ids(out / path.name)))
        row["left behind"] += len(list(out.glob(".partial-*")))
    restart = boilerplate(["clean-corpus", tmp / "c-True-0.jsonl", "--out", tmp / "out-True", "--quiet"])
    row["tried"] += 1
    row["crashes"] += restart is None or restart.returncode != 0
    row["wrong or unclear"] += b"already cleaned" not in (restart.stderr if restart else b"")
    row["records lost"] += 300 - len(set(output_ids(tmp / "out-True" / "c-True-0.jsonl")))
    return row


def bad_lines(tmp: Path) -> Row:
    """Items 2 and 3: each line that used to abort the file and the run (a \\ud800 escape, JSON
    nested 100,000 deep, a raw invalid UTF-8 byte, a 5,000-digit integer), between good records
    and before a good file; and a file that starts with a byte-order mark."""
    row = Row("2, 3", "unreadable lines between good records; a BOM")
    bad = {"surrogate": b'{"id": "s", "text": "a\\ud800"}', "nested": b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
           "invalid UTF-8": b'{"text": "caf\xe9"}', "5,000 digits": b'{"n": ' + b"9" * 5000 + b"}"}
    for name, line in bad.items():
        out = tmp / f"bad-{len(row.notes)}"
        first = write_lines(tmp / f"bad-{len(row.notes)}.jsonl", [*records(2), line, *records(2, start=2)])
        second = write_lines(tmp / f"good-{len(row.notes)}.jsonl", records(3, start=10))
        result = boilerplate(["clean-corpus", first, second, "--out", out, "--jobs", "1", "--quiet"])
        row["tried"] += 1
        row["hangs"] += result is None
        row["crashes"] += crashed(result) or (result is not None and result.returncode != 0)
        kept = output_ids(out / first.name) + output_ids(out / second.name)
        row["records lost"] += len({0, 1, 2, 3, 10, 11, 12} - set(kept)) + (name == "surrogate" and "s" not in kept)
        if name != "surrogate":  # a record all the same: cleaned, and written back as it came
            row["wrong or unclear"] += result is not None and f"{first}: record 3: ".encode() not in result.stderr
        row.notes.append(name)
    bom = tmp / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + b"".join(json.dumps(r).encode() + b"\n" for r in records(3)))
    result = boilerplate(["clean-corpus", bom, "--out", tmp / "bom-out", "--jobs", "1", "--quiet"])
    row["tried"] += 1
    row["crashes"] += crashed(result)
    row["records lost"] += 3 - len(output_ids(tmp / "bom-out" / "bom.jsonl"))
    return row


def parquet_schema(tmp: Path) -> Row:
    """Item 4: a column null in the first 1,024 rows and set later, then another input."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = Row("4", "Parquet column null in the first 1,024 rows, set later")
    rows = [{"id": i, "text": "A short page about the harbour.", "note": None} for i in range(1500)]
    rows.append({"id": 1500, "text": "A short page about the harbour.", "note": "set at last"})
    pq.write_table(pa.Table.from_pylist(rows), tmp / "late.parquet")
    after = write_lines(tmp / "after.jsonl", records(2))
    result = boilerplate(["clean-corpus", tmp / "late.parquet", after, "--out", tmp / "pq", "--jobs", "1", "--quiet"])
    row["tried"] += 1
    row["crashes"] += crashed(result) or (result is not None and result.returncode != 0)
    table = pq.read_table(tmp / "pq" / "late.parquet") if (tmp / "pq" / "late.parquet").exists() else None
    row["records lost"] += 1501 - (table.num_rows if table is not None else 0) + 2 - len(output_ids(tmp / "pq" / after.name))
    return row


def full_disk(tmp: Path) -> Row:
    """Item 5: the disk fills while a WARC is written as .jsonl.gz (a file size limit makes the
    writes fail as a full disk does); another input follows."""
    row = Row("5", "disk full while writing WARC -> .jsonl.gz")
    rng = random.Random(5)
    pages = ["<p>" + " ".join("".join(rng.choice("abcdefghij") for _ in range(8)) for _ in range(4000)) + "</p>"
             for _ in range(10)]
    big = write_warc(tmp / "big.warc.gz", [(f"https://w.example/{i}", "text/html", page.encode())
                                          for i, page in enumerate(pages)])
    small = write_lines(tmp / "small.jsonl", [{"id": 0, "text": "The harbour festival is back."}])

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    result = boilerplate(["clean-corpus", big, small, "--out", tmp / "full", "--jobs", "1", "--quiet", "--threshold",
                          "0"], preexec_fn=limited)
    row["tried"] += 1
    row["crashes"] += crashed(result)
    row["left behind"] += len(list((tmp / "full").glob(".partial-*")))
    row["records lost"] += 1 - len(output_ids(tmp / "full" / small.name))
    row["wrong or unclear"] += result is not None and f"{big}: not cleaned".encode() not in result.stderr
    return row


def killed_runs(tmp: Path) -> Row:
    """Item 6: kill -9, then SIGTERM, of clean-corpus --jobs 2 mid-file; then a restart."""
    row = Row("6", "kill -9 / SIGTERM of clean-corpus --jobs 2, then a restart")
    for how in (signal.SIGKILL, signal.SIGTERM):
        out = tmp / f"killed-{how}"
        src = write_lines(tmp / f"k-{how}.jsonl", records(400))
        run = start(["clean-corpus", src, "--out", out, "--jobs", "2", "--batch-size", "1", "--quiet"], tmp / "k.err")
        row["tried"] += 1
        if not poll(lambda: lines_in(out / f".partial-{src.name}") >= 2):
            row["hangs"] += 1
        workers = children(run.pid)
        run.send_signal(how)
        try:
            run.wait(timeout=120)
        except subprocess.TimeoutExpired:
            run.kill()
            row["hangs"] += 1
        if not poll(lambda: not any(alive(pid) for pid in workers), 30):
            row["left behind"] += sum(alive(pid) for pid in workers)
            for pid in workers:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
        row["crashes"] += b"Traceback" in (tmp / "k.err").read_bytes()
        restart = boilerplate(["clean-corpus", src, "--out", out, "--jobs", "2", "--quiet"])
        row["crashes"] += crashed(restart) or (restart is not None and restart.returncode != 0)
        row["records lost"] += 400 - len(set(output_ids(out / src.name)))
        row["left behind"] += len(list(out.glob(".partial-*")))
    return row


# -- the model loader -------------------------------------------------------------------------

def swapped_model(tmp: Path, loads: int = 60) -> Row:
    """Item 7: a thread swaps a trusted model file with a malicious one while it is loaded."""
    import joblib

    from model import DEFAULT_MODEL, ModelError, load_model

    row = Row("7", f"model file swapped during {loads} loads (no --trust-model)")
    good, evil, path, marker = tmp / "good.joblib", tmp / "evil.joblib", tmp / "model.joblib", tmp / "code-ran"
    shutil.copyfile(DEFAULT_MODEL, good)  # trusted by the bundled model's hash
    joblib.dump(_RunsCode(marker), evil)
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            for source in (good, evil):
                shutil.copyfile(source, tmp / "next.joblib")
                os.replace(tmp / "next.joblib", path)

    shutil.copyfile(good, path)
    swapper = threading.Thread(target=swap, daemon=True)
    swapper.start()
    try:
        for _ in range(loads):
            row["tried"] += 1
            try:
                load_model(path)
            except ModelError:
                pass  # the swapped-in file, refused
            except Exception:  # noqa: BLE001 - counted
                row["crashes"] += 1
            if marker.exists():
                row["code run"] += 1
                marker.unlink()
    finally:
        stop.set()
        swapper.join()
    return row


def refused_models(tmp: Path) -> Row:
    """Item 14: clean-corpus --jobs 2 with a model it must refuse: from elsewhere, holding no
    classifier, recording no scikit-learn version."""
    import joblib

    from model import DEFAULT_MODEL

    row = Row("14", "clean-corpus --jobs 2 with a refused model (3 kinds)")
    src = write_lines(tmp / "m.jsonl", records(4))
    payload = joblib.load(DEFAULT_MODEL)
    kinds = {"from elsewhere": ({**payload, "metadata": {**payload["metadata"], "created": "elsewhere"}}, [],
                                "--trust-model"),
             "no classifier": ({**payload, "estimator": _dumped({})}, ["--trust-model"], "not a BoilerplateClassifier"),
             "no version": ({**payload, "metadata": {k: v for k, v in payload["metadata"].items()
                                                     if k != "sklearn_version"}}, ["--trust-model"],
                            "does not record the scikit-learn version")}
    for name, (content, flags, expected) in kinds.items():
        path = tmp / f"{name.replace(' ', '-')}.joblib"
        joblib.dump(content, path)
        result = boilerplate(["clean-corpus", src, "--out", tmp / f"m-{len(row.notes)}", "--model", path, "--jobs", "2",
                              "--quiet", *flags])
        row["tried"] += 1
        row["crashes"] += crashed(result)
        message = result.stderr.decode().splitlines()[:-1]  # the last line: the peak memory
        row["wrong or unclear"] += result.returncode != 2 or len(message) != 1 or expected not in message[0]
        row.notes.append(name)
    return row


# -- decoding and output ----------------------------------------------------------------------

def codec_labels(tmp: Path) -> Row:
    """Item 8: a <meta charset> naming each codec that is no character set, and one byte of
    Windows-1252, through boilerplate clean, and a Dask-style clean_each."""
    from corpus.dask import clean_each
    from model import load_model

    row = Row("8", f"meta charset naming {len(NOT_CHARSETS)} codecs that are no charset")
    clf = load_model()
    for label in NOT_CHARSETS:
        page = tmp / "codec.html"
        page.write_bytes(f"<meta charset='{label}'><p>caf".encode() + b"\xe9 \\ud800 x</p>")
        for output in ("text", "json"):
            result = boilerplate(["clean", page, "--format", "text", "--output", output])
            row["tried"] += 1
            row["crashes"] += crashed(result) or (result is not None and result.returncode != 0)
        try:
            row["tried"] += 1
            clean_each(clf, [page.read_bytes()])
        except Exception:  # noqa: BLE001 - counted
            row["crashes"] += 1
    return row


def control_characters(tmp: Path) -> Row:
    """Item 12: ESC, BEL, NUL, DEL, C1 in a plain-text page and as HTML references."""
    row = Row("12", "control characters in clean's output (text and JSON)")
    pages = {"page.txt": "Title\n\x1b[31mred alert\x07 and a NUL\x00 here\nCSI \x9b2J and DEL \x7f too\n",
             "page.html": "<p>a &#27;[31mred&#7; b &#127; c &#x85; d</p>"}
    for name, text in pages.items():
        (tmp / name).write_text(text, encoding="utf-8")
        for output in ("text", "json"):
            result = boilerplate(["clean", tmp / name, "--threshold", "0", "--no-page-cut", "--output", output])
            row["tried"] += 1
            row["crashes"] += crashed(result)
            row["wrong or unclear"] += result is None or any(c in result.stdout.decode() for c in CONTROLS)
    return row


def utf16_cjk(tmp: Path) -> Row:
    """Item 13: UTF-16 CJK text without a BOM (Chinese, Japanese, Korean; both byte orders)."""
    row = Row("13", "UTF-16 CJK text without a BOM")
    for language, line in CJK.items():
        for encoding in ("utf-16-le", "utf-16-be"):
            (tmp / "cjk.txt").write_bytes((line * 12).encode(encoding))
            result = boilerplate(["clean", tmp / "cjk.txt", "--threshold", "0", "--no-page-cut"])
            row["tried"] += 1
            row["crashes"] += crashed(result)
            row["wrong or unclear"] += result is None or result.returncode != 0 or line.strip() not in result.stdout.decode()
    return row


def training_records(tmp: Path) -> Row:
    """Item 15: each bad training record, through label and label --skip-bad."""
    row = Row("15", f"bad training records ({len(BAD_PAGES)} kinds), label and --skip-bad")
    for n, line in enumerate(BAD_PAGES.values()):
        path = write_lines(tmp / f"train-{n}.jsonl", [GOOD_PAGE, line])
        for skip in ([], ["--skip-bad"]):
            result = boilerplate(["label", "--data", path, "--out", tmp / "l.jsonl", "--quiet", *skip])
            row["tried"] += 1
            row["crashes"] += crashed(result) or (result is not None and result.returncode == 1)
            row["wrong or unclear"] += result is None or f"{path}:2: ".encode() not in result.stderr or (
                result.returncode != (0 if skip else 2))
    return row


# -- what hostile pages cost ------------------------------------------------------------------

PARA = "The council met on Tuesday evening to discuss the new budget for the coming year."


def _table(cells: int) -> bytes:
    rows = "".join("<tr>" + "".join(f"<td>cell {r} {c}</td>" for c in range(10)) + "</tr>" for r in range(cells // 10))
    return f"<html><body><table>{rows}</table></body></html>".encode()


def _many_blocks(kind: str, size: int, blocks: int) -> bytes:
    words = PARA.split()
    rng = random.Random(11)
    per_block = size // blocks
    lines = []
    for _ in range(blocks):
        line, length = [], 0
        while length < per_block - 12:
            word = rng.choice(words)
            line.append(word)
            length += len(word) + 1
        lines.append(" ".join(line))
    if kind == "text":
        return "\n".join(lines).encode()
    return ("<html><body>" + "".join(f"<p>{line}</p>\n" for line in lines) + "</body></html>").encode()


def _attributes(count: int) -> str:
    return " ".join(f"a{i}" for i in range(count))


COSTS = {  # name: (command, page), default limits
    "one tag with 100,000 attributes (item 9)": ("clean", lambda: f"<p {_attributes(100_000)}>x</p>".encode()),
    "one tag with 200,000 attributes (item 9)": ("clean", lambda: f"<p {_attributes(200_000)}>x</p>".encode()),
    "20 MB of tags with 1,000 attributes each": ("clean", lambda: (f"<p {_attributes(1000)}>x</p>\n" * 3600).encode()),
    "20 MB of '<a ' (stray tag starts)": ("clean", lambda: b"<html><body><p>x</p>" + b"<a " * 6_600_000),
    "explain: a table of 2,000 cells (item 10)": ("explain", lambda: _table(2000)),
    "explain: a table of 6,000 cells, 115 KB": ("explain", lambda: _table(6000)),
    "19 MB of HTML in 99,000 blocks": ("clean", lambda: _many_blocks("html", 19_000_000, 99_000)),
    "explain: 19 MB of HTML in 99,000 blocks": ("explain", lambda: _many_blocks("html", 19_000_000, 99_000)),
    "19 MB of text in 99,000 lines": ("clean", lambda: _many_blocks("text", 19_000_000, 99_000)),
    "10 MB of CJK text in 99,000 lines": ("clean", lambda: "\n".join([CJK["zh"].strip()] * 99_000).encode()),
}
RAISED = {  # item 11: past the default limits, with raised ones
    "a 50 MB page": (["--max-bytes", "100000000", "--max-blocks", "10000000"],
                     lambda: f"<p>{PARA}</p>\n".encode() * (50_000_000 // (len(PARA) + 8))),
    "500,000 blocks (HTML)": (["--max-blocks", "10000000"], lambda: b"<br>a" * 500_000),
    "500,000 lines (text)": (["--max-blocks", "10000000"], lambda: b"a\n" * 500_000),
}  # the audit's 2 million blocks took 11 GB: these show the memory per block without that risk


def cost(tmp: Path, command: str, page: bytes, extra=()) -> tuple[float | None, int | None, str]:
    """CPU seconds (the command's process and its children) and peak memory (MB) of one run."""
    path = tmp / "page"
    path.write_bytes(page)
    args = [command, path, *(["--out", tmp / "report.html"] if command == "explain" else []), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = boilerplate(args, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result is None:
        return None, None, "did not end in 600 s"
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = result.stderr.decode().splitlines()
    peak = int(lines.pop()) if lines and lines[-1].isdigit() else None  # None: killed before it said
    return cpu, peak, " ".join(lines)[:90] or f"exit {result.returncode}"


def wcxb_attribute_cap(data: Path) -> str:
    """The attribute cap on real pages: how many it changes, and its time against parsing."""
    from features import parse_document
    from features.attribute_cap import cap_attributes

    pages = [gzip.decompress(p.read_bytes()).decode("utf-8", errors="replace")
             for p in sorted((data / "dev" / "html").glob("*.html.gz"))]
    changed = sum(cap_attributes(page) is not page for page in pages)
    start = time.process_time()
    for page in pages[:300]:
        cap_attributes(page)
    capped = time.process_time() - start
    start = time.process_time()
    for page in pages[:300]:
        parse_document(page, kind="html")
    parsed = time.process_time() - start
    return (f"attribute cap on WCXB dev: {changed} of {len(pages)} pages changed; on the first 300, "
            f"{capped / 0.3:.2f} ms of CPU per page against {parsed / 0.3:.2f} ms for parse_document (which includes it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raised", action="store_true", help="also pages past the default limits, with raised limits")
    parser.add_argument("--data", type=Path, help="a WCXB folder: check the attribute cap on its pages")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for reproduce in (concurrent_runs, bad_lines, parquet_schema, full_disk, killed_runs, swapped_model,
                          refused_models, codec_labels, control_characters, utf16_cjk, training_records):
            folder = Path(tmp) / reproduce.__name__
            folder.mkdir()
            rows.append(reproduce(folder))
            print(f"  {reproduce.__name__}: done", file=sys.stderr, flush=True)
        print("| item | reproduction | " + " | ".join(COLUMNS) + " |")
        print("|---|---|" + "---|" * len(COLUMNS))
        for row in rows:
            print(f"| {row.item} | {row.what} | " + " | ".join(str(int(row[name])) for name in COLUMNS) + " |")
        print("| | **total** | " + " | ".join(f"**{sum(int(r[name]) for r in rows)}**" for name in COLUMNS) + " |")
        print()
        print("| hostile input (default limits) | command | CPU | peak memory | within 20 s and 2 GB | what it said |")
        print("|---|---|---|---|---|---|")
        over = 0
        for name, (command, make) in COSTS.items():
            seconds, peak, said = cost(Path(tmp), command, make())
            within = seconds is not None and seconds <= 20 and peak is not None and peak <= 2048
            over += not within
            print(f"| {name} | {command} | {'-' if seconds is None else f'{seconds:.1f} s'} | "
                  f"{'-' if peak is None else f'{peak:,} MB'} | {'yes' if within else '**no**'} | {said} |", flush=True)
        print(f"\n{len(COSTS)} hostile inputs, {over} over 20 s of CPU or 2 GB")
        if args.raised:
            print("\n| past the default limits, raised (item 11) | size | CPU | peak memory | what it said |")
            print("|---|---|---|---|---|")
            for name, (extra, make) in RAISED.items():
                page = make()
                seconds, peak, said = cost(Path(tmp), "clean", page, extra)
                print(f"| {name} | {len(page) / 1e6:.1f} MB | {'-' if seconds is None else f'{seconds:.1f} s'} | "
                      f"{'-' if peak is None else f'{peak:,} MB'} | {said} |", flush=True)
    if args.data:
        print("\n" + wcxb_attribute_cap(args.data))


if __name__ == "__main__":
    main()
