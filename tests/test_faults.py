"""The fault suite (issue 24): each reproduction of the robustness audit, on small inputs.

Nothing lost (concurrent runs, bad lines, Parquet schemas, full disks, killed runs), nothing run
(a model file swapped after its trust check), no orphan process, no crash or hang (codecs named by
a page, attributes without end), and a clear sentence for what is refused.
``scripts/fault_report.py`` runs the same reproductions at full size and counts what happens.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import joblib
import pytest

import model.persistence as persistence
from conftest import raw_text, synthetic_html, synthetic_lines, write_warc
from corpus import Options, clean_corpus
from corpus.formats import read_records
from model import ModelError, load_model


class _RunsCode:
    """Unpickling this creates a file: the harmless stand-in for a malicious payload."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


# -- 7: the trust check and the load read the same bytes -------------------------------------

def test_a_model_file_swapped_after_its_trust_check_is_not_what_gets_unpickled(model_file, tmp_path, monkeypatch):
    path = tmp_path / "mine.joblib"
    path.write_bytes(model_file.read_bytes())  # trusted: the same bytes as a model saved here
    marker = tmp_path / "code-ran"
    checked = persistence.check_trusted

    def check_then_swap(*args, **kwargs):
        checked(*args, **kwargs)
        joblib.dump(_RunsCode(marker), path)  # an attacker wins the race right after the check

    monkeypatch.setattr(persistence, "check_trusted", check_then_swap)
    clf = load_model(path)
    assert not marker.exists()
    assert clf.threshold == load_model(model_file).threshold


# -- 14: models refused in one sentence ------------------------------------------------------

def _with_payload(model_file, path, edit):
    payload = joblib.load(model_file)
    edit(payload)
    joblib.dump(payload, path)
    return path


def _dumped(value) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(value, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("estimator, what", [({"not": "a model"}, "dict"), ([1, 2], "list")])
def test_a_model_file_that_holds_something_else_is_refused_in_one_sentence(model_file, tmp_path, estimator, what):
    path = _with_payload(model_file, tmp_path / "other.joblib", lambda p: p.update(estimator=_dumped(estimator)))
    with pytest.raises(ModelError) as info:
        load_model(path, trusted=True)
    assert str(info.value) == (f"{path} holds a {what}, not a BoilerplateClassifier; "
                               "retrain it with 'boilerplate train'")


@pytest.mark.parametrize("version", [None, 1.9, ""])
def test_a_model_without_its_scikit_learn_version_says_so(model_file, tmp_path, version):
    def edit(payload):
        if version is None:
            del payload["metadata"]["sklearn_version"]
        else:
            payload["metadata"]["sklearn_version"] = version

    path = _with_payload(model_file, tmp_path / "unversioned.joblib", edit)
    with pytest.raises(ModelError, match="does not record the scikit-learn version it was saved with") as info:
        load_model(path, trusted=True)
    assert "?" not in str(info.value) and "\n" not in str(info.value)


# -- 8: a page's charset label never makes decoding raise, and no surrogate leaves it --------

NOT_CHARSETS = ["rot13", "base64", "hex", "zlib", "bz2", "uu", "quopri", "idna", "undefined", "punycode",
                "unicode_escape", "raw_unicode_escape"]


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_a_codec_that_is_no_charset_is_ignored_like_an_unknown_label(label):
    from features.decode import decode_bytes

    page = f"<meta charset='{label}'><p>caf".encode() + b"\xe9 \\ud800 \\x41 x</p>"
    assert decode_bytes(page) == page.decode("cp1252")


def test_a_page_naming_rot13_is_cleaned_by_the_cli_and_by_clean_each(run_cli, model_file, trained_model, tmp_path):
    from corpus.dask import clean_each

    page = tmp_path / "p.html"
    page.write_bytes(b"<meta charset='rot13'><p>caf\xe9 x</p>")
    code, out, err = run_cli(["clean", page, "--model", model_file, "--threshold", "0"])
    assert (code, err) == (0, "") and out == "café x\n"
    assert clean_each(trained_model, [page.read_bytes()], threshold=0.0) == ["café x"]


def test_decoded_bytes_never_hold_a_lone_surrogate(run_cli, model_file, tmp_path):
    from features.decode import decode_bytes

    page = b"<meta charset='unicode_escape'><p>caf\xe9 \\ud800 x</p>"  # the escape codec would make one
    assert not any("\ud800" <= c <= "\udfff" for c in decode_bytes(page))
    path = tmp_path / "escaped.html"
    path.write_bytes(page)
    code, out, err = run_cli(["clean", path, "--format", "text", "--model", model_file, "--threshold", "0"])
    assert code == 0, err
    assert out.encode("utf-8")


def test_a_str_with_a_lone_surrogate_is_classified_as_it_is(trained_model):
    table = trained_model.classify("caf\u00e9 \ud800 ok\nsecond line", threshold=0.0)
    assert table["text"].tolist() == ["caf\u00e9 \ud800 ok", "second line"]  # the page's text, as given


# -- 13: UTF-16 CJK text without a BOM ------------------------------------------------------

CJK = {
    "zh": "这是一个关于城市预算的报告。市议会在星期二晚上开会，讨论了明年的新预算。\n",
    "ja": "市議会は火曜日の夜に会合を開き、来年の新しい予算について話し合いました。\n",
    "ko": "시의회는 화요일 저녁에 모여 내년 예산을 논의했습니다.\n",
}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("language", sorted(CJK))
def test_utf16_cjk_text_without_a_bom_is_read_not_refused_as_binary(language, encoding):
    from features import parse_document

    text = CJK[language] * 12
    blocks, kind = parse_document(text.encode(encoding))
    assert kind == "text" and blocks["text"].tolist() == [CJK[language].strip()] * 12


@pytest.mark.parametrize("encoding", ["shift_jis", "euc-jp", "gbk", "gb18030", "euc-kr", "big5"])
def test_cjk_text_in_legacy_encodings_is_not_taken_for_utf16(encoding):
    from features.decode import decode_bytes

    # No charset named: detected (issue 28), Korean on its own since the others make it mixed.
    data = "".join(text for language, text in sorted(CJK.items())
                   if (language == "ko") == (encoding == "euc-kr")).encode(encoding, errors="replace") * 12
    assert decode_bytes(data) == data.decode(encoding, errors="replace")


def test_random_bytes_are_still_binary():
    import random

    from features.decode import binary_reason

    rng = random.Random(13)
    assert all(binary_reason(bytes(rng.randrange(256) for _ in range(4096))) for _ in range(50))


# -- 12: no control characters on the terminal -----------------------------------------------

CONTROLS = "\x1b\x07\x00\x08\x7f\x9b\x85\x0b\x0c\r"


@pytest.mark.parametrize("page, kind", [
    ("Title\n\x1b[31mred alert\x07 and a NUL\x00 here\nCSI \x9b2J and DEL \x7f too\x0b\x0c\n", "text"),
    ("<p>a &#27;[31mred&#7; b &#127; c &#x85; d</p><pre>x\x1b[0m\n\ty</pre>", "html"),
])
def test_clean_writes_no_control_characters_and_json_escapes_them(run_cli, model_file, trained_model, tmp_path,
                                                                  page, kind):
    table = trained_model.classify(page, threshold=0.0)
    assert table["kind"][0] == kind and any(c in "".join(table["text"]) for c in CONTROLS)  # the page's text
    path = tmp_path / "page"
    path.write_text(page, encoding="utf-8")
    code, out, err = run_cli(["clean", path, "--model", model_file, "--threshold", "0"])
    assert code == 0 and not any(c in out for c in CONTROLS), (err, out)
    assert "[31mred" in out
    code, out, err = run_cli(["clean", path, "--model", model_file, "--threshold", "0", "--output", "json"])
    assert code == 0 and not any(c in out for c in CONTROLS), (err, out)
    texts = [json.loads(line)["text"] for line in out.splitlines()]
    assert texts == table["text"].tolist()  # escaped, not lost


# -- clean-corpus: helpers ------------------------------------------------------------------

CLI = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())"]


def records(n: int, start: int = 0) -> list[dict]:
    """Small synthetic pages, alternately plain text and HTML."""
    return [{"id": i, "text": raw_text(synthetic_lines(900 + i)) if i % 2 else synthetic_html(900 + i, labelled=False)}
            for i in range(start, start + n)]


def write_lines(path: Path, lines: list, opener=open) -> Path:
    """``lines``: dicts (written as JSON) or bytes (written as they are), one per line."""
    with opener(path, "wb") as handle:
        for line in lines:
            handle.write((json.dumps(line).encode() if isinstance(line, dict) else line) + b"\n")
    return path


def ids(path: Path) -> list:
    return [record["id"] for _, record in read_records(path)]


def corpus_run(inputs, out, model_file, jobs=1, batch_size=2, **options):
    messages = []
    summary = clean_corpus(inputs, out, Options(model_path=str(model_file), **options), jobs=jobs,
                           batch_size=batch_size, progress=False, log=messages.append)
    return summary, messages


def start_cli(args, tmp_path, name="run", **popen):
    """The command line in a process of its own, its stderr in ``tmp_path/<name>.err``."""
    err = open(tmp_path / f"{name}.err", "wb")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(CLI + [str(a) for a in args], stdout=subprocess.DEVNULL, stderr=err, env=env, **popen)


def wait_for(condition, what: str, timeout: float = 120.0):
    """Poll ``condition`` until it holds (generous timeout: the machine may be loaded)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def lines_in(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be collected


# -- 1: one writer per output ----------------------------------------------------------------

@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc and POSIX signals")
def test_a_second_run_on_the_same_output_waits_for_the_first_and_nothing_is_lost(model_file, tmp_path):
    src = write_lines(tmp_path / "same.jsonl", records(40))
    out = tmp_path / "out"
    args = ["clean-corpus", src, "--out", out, "--model", model_file, "--jobs", "1", "--batch-size", "1", "--quiet"]
    first = start_cli(args, tmp_path, "first")
    try:
        wait_for(lambda: lines_in(out / ".partial-same.jsonl") >= 3, "the first run to write some lines")
        first.send_signal(signal.SIGSTOP)  # hold it mid-file, its lock held
        second = start_cli(args, tmp_path, "second")
        wait_for(lambda: b"waiting for another run" in (tmp_path / "second.err").read_bytes(),
                 "the second run to wait for the first")
        assert lines_in(out / ".partial-same.jsonl") >= 3  # the first run's file is still there
    finally:
        first.send_signal(signal.SIGCONT)
    assert first.wait(timeout=300) == 0, (tmp_path / "first.err").read_text()
    assert second.wait(timeout=300) == 0, (tmp_path / "second.err").read_text()
    assert ids(out / "same.jsonl") == list(range(40))
    assert "already cleaned in" in (tmp_path / "second.err").read_text()
    assert sorted(p.name for p in out.iterdir()) == [".done-same.jsonl", "same.jsonl"]


def test_a_starting_run_removes_only_the_temporary_files_no_run_is_writing(model_file, tmp_path):
    from corpus.run import _Lock

    out = tmp_path / "out"
    out.mkdir()
    (out / ".partial-killed.jsonl").write_text('{"half": ')  # a killed run's
    busy = _Lock(out / ".partial-busy.jsonl")  # another run, writing right now
    busy.acquire()
    try:
        (out / ".partial-busy.jsonl").write_text('{"id": 0}\n')
        summary, _ = corpus_run([write_lines(tmp_path / "mine.jsonl", records(3))], out, model_file)
        assert summary.files_done == 1 and ids(out / "mine.jsonl") == [0, 1, 2]
        assert (out / ".partial-busy.jsonl").read_text() == '{"id": 0}\n'
        assert not (out / ".partial-killed.jsonl").exists()
    finally:
        busy.release()


def test_an_output_is_free_for_other_runs_as_soon_as_it_is_done_not_when_the_workers_end(model_file, tmp_path):
    import fcntl

    first = write_lines(tmp_path / "one.jsonl", records(4))
    second = write_lines(tmp_path / "two.jsonl", records(4) + [b"not json"])
    out = tmp_path / "out"
    free = []

    def log(message):  # called while the run, its workers alive, is on its second file
        if "not valid JSON" in message:
            fd = os.open(out / "one.jsonl", os.O_RDONLY)  # the inode the first file's lock was on
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                free.append(True)
            except BlockingIOError:
                free.append(False)
            finally:
                os.close(fd)

    clean_corpus([first, second], out, Options(model_path=str(model_file)), jobs=2, batch_size=2, progress=False,
                 log=log)
    assert free == [True]


def test_a_restart_skips_only_outputs_marked_complete_with_their_record_count(model_file, tmp_path):
    src = write_lines(tmp_path / "r.jsonl", records(4))
    out = tmp_path / "out"
    corpus_run([src], out, model_file)
    mark = json.loads((out / ".done-r.jsonl").read_text())
    assert mark["records"] == 4
    summary, messages = corpus_run([src], out, model_file)
    assert summary.files_skipped == 1 and summary.files_done == 0
    whole = (out / "r.jsonl").read_bytes()
    (out / "r.jsonl").write_bytes(whole[:whole.index(b"\n") + 1])  # cut short: not what the mark says
    summary, _ = corpus_run([src], out, model_file)
    assert summary.files_done == 1 and ids(out / "r.jsonl") == [0, 1, 2, 3]
    (out / ".done-r.jsonl").unlink()  # an output without its mark (an older run, or killed before it)
    summary, _ = corpus_run([src], out, model_file)
    assert summary.files_done == 1 and (out / ".done-r.jsonl").exists()


# -- 2, 3: lines that cannot be read are reported, and nothing else is lost --------------------

def test_bad_lines_are_reported_with_file_and_line_and_the_run_goes_on(model_file, tmp_path):
    good = records(2)
    lines = [good[0], b'{"id": "surrogate", "text": "caf\\u00e9 \\ud800 ok"}', b'{"id": ' + b"[" * 100_000 + b"]" * 100_000
             + b"}", b'{"id": "latin-1", "text": "caf\xe9"}', b'{"id": "digits", "n": ' + b"9" * 5000 + b"}", good[1]]
    first = write_lines(tmp_path / "a.jsonl", lines)
    second = write_lines(tmp_path / "b.jsonl", records(2, start=2))
    summary, messages = corpus_run([first, second], tmp_path / "out", model_file)
    assert summary.files_done == 2 and summary.files_failed == 0 and summary.bad == 3
    assert f"{first}: record 3: JSON nested too deeply to read; skipped" in messages
    assert f"{first}: record 4: not UTF-8 (byte 0xe9 at column 31); JSONL files must be UTF-8; skipped" in messages
    assert any(m.startswith(f"{first}: record 5: JSON that cannot be read (Exceeds the limit") for m in messages)
    out = list(read_records(tmp_path / "out" / "a.jsonl"))
    assert [r["id"] for _, r in out] == [0, "surrogate", 1]
    assert out[1][1]["text"] == "caf\u00e9 \ud800 ok" and out[1][1]["clean_text"] is not None  # kept as it came,
    line = (tmp_path / "out" / "a.jsonl").read_bytes().splitlines()[1]  # written as the same escape
    assert line.isascii() and b'"caf\\u00e9 \\ud800 ok"' in line
    assert ids(tmp_path / "out" / "b.jsonl") == [2, 3]


def test_a_byte_order_mark_is_read_as_nothing(model_file, tmp_path):
    src = tmp_path / "bom.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + b"".join(json.dumps(r).encode() + b"\n" for r in records(2)))
    summary, messages = corpus_run([src], tmp_path / "out", model_file)
    assert summary.bad == 0 and messages == [] and ids(tmp_path / "out" / "bom.jsonl") == [0, 1]


def test_a_file_cut_short_keeps_the_records_before_the_damage(model_file, tmp_path):
    whole = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in records(30)))
    src = tmp_path / "cut.jsonl.gz"
    src.write_bytes(whole[:len(whole) * 2 // 3])
    summary, messages = corpus_run([src], tmp_path / "out", model_file)
    kept = ids(tmp_path / "out" / "cut.jsonl.gz")
    assert 0 < len(kept) < 30 and kept == list(range(len(kept)))
    assert summary.files_done == 1 and summary.bad == 1
    assert messages[-1].startswith(f"{src}: record {len(kept) + 1}: the file is damaged or cut short here")


def test_every_frame_of_a_zstd_file_is_read(model_file, tmp_path):
    import zstandard

    frames = [zstandard.ZstdCompressor().compress(b"".join(json.dumps(r).encode() + b"\n" for r in part))
              for part in (records(2), records(2, start=2))]
    src = tmp_path / "frames.jsonl.zst"
    src.write_bytes(b"".join(frames))
    corpus_run([src], tmp_path / "out", model_file)
    assert ids(tmp_path / "out" / "frames.jsonl.zst") == [0, 1, 2, 3]


# -- 4: Parquet takes its schema from the input ----------------------------------------------

def test_parquet_keeps_a_column_null_in_the_first_rows_and_goes_on_to_the_next_input(model_file, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": i, "text": "A short page.", "note": None} for i in range(1500)] + [
        {"id": 1500, "text": "A short page.", "note": "set at last"}]
    schema = pa.schema([("id", pa.int64()), ("text", pa.string()), ("note", pa.string())])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp_path / "late.parquet")
    after = write_lines(tmp_path / "after.jsonl", records(2))
    summary, messages = corpus_run([tmp_path / "late.parquet", after], tmp_path / "out", model_file,
                                   batch_size=500, with_labels=True)
    assert summary.files_done == 2 and summary.files_failed == 0, messages
    table = pq.read_table(tmp_path / "out" / "late.parquet")
    assert table.column("note").to_pylist()[-1] == "set at last" and table.num_rows == 1501
    assert table.schema.field("note").type == pa.string() and table.schema.field("labels").type == pa.list_(pa.int64())
    assert ids(tmp_path / "out" / "after.jsonl") == [0, 1]


# -- 5: a full disk leaves no partial file ----------------------------------------------------

@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE")
def test_a_full_disk_removes_the_partial_file_and_the_run_goes_on(model_file, tmp_path):
    import random

    rng = random.Random(5)  # words that do not compress: the output outgrows the limit
    pages = ["<p>" + " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
                              for _ in range(3000)) + "</p>" for _ in range(8)]
    big = write_warc(tmp_path / "big.warc.gz", [(f"https://w.example/{i}", "text/html", page.encode())
                                                for i, page in enumerate(pages)])
    small = write_lines(tmp_path / "small.jsonl", [{"id": 0, "text": "ok"}])
    limit = 100_000  # bytes any one file may have: the "disk" of this process

    def full_disk():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "out"
    run = start_cli(["clean-corpus", big, small, "--out", out, "--model", model_file, "--jobs", "1", "--quiet",
                     "--threshold", "0"], tmp_path, preexec_fn=full_disk)
    assert run.wait(timeout=300) == 1
    err = (tmp_path / "run.err").read_text()
    assert f"{big}: not cleaned, its output is not written (OSError: [Errno 27] File too large)" in err, err
    assert "Traceback" not in err and "1 files cleaned, 0 already done, 1 failed" in err
    assert sorted(p.name for p in out.iterdir()) == [".done-small.jsonl", "small.jsonl"]


# -- 6: worker processes end with the run ---------------------------------------------------

@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_workers_end_with_a_killed_run_and_a_restart_loses_nothing(model_file, tmp_path, how):
    src = write_lines(tmp_path / "k.jsonl", records(400))
    out = tmp_path / "out"
    run = start_cli(["clean-corpus", src, "--out", out, "--model", model_file, "--jobs", "2", "--batch-size", "1",
                     "--quiet"], tmp_path)
    wait_for(lambda: lines_in(out / ".partial-k.jsonl") >= 2, "the run to write some lines")
    workers = children(run.pid)
    assert len(workers) == 2
    run.send_signal(how)
    assert run.wait(timeout=120) == (-signal.SIGKILL if how == signal.SIGKILL else 128 + signal.SIGTERM)
    wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to end")
    if how == signal.SIGTERM:  # time to clean up: the partial file is gone
        assert (tmp_path / "run.err").read_text() == "boilerplate clean-corpus: terminated\n"
        assert not (out / ".partial-k.jsonl").exists()
    summary, _ = corpus_run([src], out, model_file)
    assert summary.files_done == 1 and ids(out / "k.jsonl") == list(range(400))
    assert sorted(p.name for p in out.iterdir()) == [".done-k.jsonl", "k.jsonl"]


# -- 14: a refused model stops clean-corpus in one sentence, however many workers -------------

def test_clean_corpus_with_two_workers_refuses_a_bad_model_in_one_sentence(run_cli, model_file, tmp_path):
    src = write_lines(tmp_path / "m.jsonl", records(4))
    foreign = tmp_path / "foreign.joblib"
    payload = joblib.load(model_file)
    payload["metadata"]["created"] = "downloaded"
    joblib.dump(payload, foreign)
    code, out, err = run_cli(["clean-corpus", src, "--out", tmp_path / "o1", "--model", foreign, "--jobs", "2",
                              "--quiet"])
    assert code == 2 and err.count("\n") == 1 and "--trust-model" in err and "Traceback" not in err
    not_a_model = _with_payload(model_file, tmp_path / "dict.joblib", lambda p: p.update(estimator=_dumped({})))
    code, out, err = run_cli(["clean-corpus", src, "--out", tmp_path / "o2", "--model", not_a_model, "--jobs", "2",
                              "--trust-model", "--quiet"])
    assert (code, err) == (2, f"boilerplate clean-corpus: error: {not_a_model} holds a dict, not a "
                              "BoilerplateClassifier; retrain it with 'boilerplate train'\n")
    assert not list((tmp_path / "o2").iterdir())


# -- 15: every bad training record is named by file and line, and --skip-bad skips it ---------

GOOD_PAGE = {"id": "good", "url": "https://good.example/a", "blocks": [
    {"text": "The council met on Tuesday evening to discuss the new budget.", "label": "content"},
    {"text": "Home | News | Contact", "label": "boilerplate"}]}
BAD_PAGES = {
    "JSON nested too deeply to read": b'{"id": "deep", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b', "blocks": []}',
    "JSON that cannot be read (Exceeds the limit (4300 digits)": b'{"id": "n", "n": ' + b"9" * 5000 + b"}",
    "escape that is no character": b'{"id": "s", "blocks": [{"text": "a \\ud800 b", "label": "content"}]}',
    **{f"field 'line' must be a whole number of at least 1 (or left out), got {shown}":
       b'{"blocks": [{"text": "t", "label": "content", "line": ' + value + b"}]}"
       for value, shown in ((b"-5", "-5"), (b"1.5", "1.5"), (str(2 ** 70).encode(), str(2 ** 70)),
                            (b"1e308", "1e+308"), (b"null", "None"), (b"true", "True"))},
}


@pytest.mark.parametrize("reason", sorted(BAD_PAGES))
def test_a_bad_training_record_is_named_by_file_and_line(reason, tmp_path):
    from training.pages import DataError, load_pages

    path = write_lines(tmp_path / "pages.jsonl", [GOOD_PAGE, BAD_PAGES[reason], GOOD_PAGE])
    with pytest.raises(DataError) as info:
        load_pages([path])
    assert str(info.value).startswith(f"{path}:2: ") and reason in str(info.value)
    assert "\n" not in str(info.value)
    skipped = []
    assert len(load_pages([path], on_error=skipped.append)) == 2 and len(skipped) == 1


def test_label_stops_at_the_first_bad_record_and_skip_bad_skips_each_by_file_and_line(run_cli, tmp_path):
    path = write_lines(tmp_path / "pages.jsonl", [GOOD_PAGE] + list(BAD_PAGES.values()) + [GOOD_PAGE])
    code, out, err = run_cli(["label", "--data", path, "--out", tmp_path / "l.jsonl", "--quiet"])
    assert code == 2 and err.startswith(f"boilerplate label: error: {path}:2: ") and err.count("\n") == 1
    code, out, err = run_cli(["label", "--data", path, "--out", tmp_path / "l.jsonl", "--quiet", "--skip-bad"])
    assert code == 0, err
    assert [line.split(": ")[2] for line in err.splitlines()[:-1]] == [
        f"{path}:{n}" for n in range(2, 2 + len(BAD_PAGES))]
    assert err.splitlines()[-1] == f"boilerplate label: skipped {len(BAD_PAGES)} bad pages, read 2"


# -- 10: explain's work is bounded, and the report says what was cut -------------------------

def test_explain_scores_a_bounded_number_of_rows_in_small_calls_and_says_what_it_cut(trained_model, run_cli,
                                                                                      model_file, tmp_path,
                                                                                      monkeypatch):
    import numpy as np

    import model.explain as explain_module

    cells = "".join("<tr>" + "".join(f"<td>cell {r} {c}</td>" for c in range(5)) + "</tr>" for r in range(8))
    page = f"<p>The council met on Tuesday evening to discuss the new budget.</p><table>{cells}</table>"
    whole, whole_reasons = explain_module.explain(trained_model, page)
    m = len(trained_model.model_features())
    assert len(whole) == 41 and whole.attrs["explained"] == 41 and all(r is not None for r in whole_reasons)
    calls = []
    real = type(trained_model).proba_from_matrix

    def counted(self, matrix):
        calls.append(len(matrix))
        return real(self, matrix)

    monkeypatch.setattr(type(trained_model), "proba_from_matrix", counted)
    monkeypatch.setattr(explain_module, "EXPLAIN_ROWS", 10 * m)
    monkeypatch.setattr(explain_module, "ROWS_PER_CALL", 25)
    table, reasons = explain_module.explain(trained_model, page)
    assert sum(calls) == 41 + 10 * m and max(calls[1:]) <= 25  # the page once, then the altered rows
    explained = [i for i, why in enumerate(reasons) if why is not None]
    assert table.attrs["explained"] == len(explained) == 10
    decision = max(trained_model.threshold, table.attrs["page_cut"])
    distance = np.abs(table["proba"].to_numpy() - decision)
    assert distance[explained].max() <= np.delete(distance, explained).min()  # the nearest the decision
    assert [reasons[i] for i in explained] == [whole_reasons[i] for i in explained]
    report = explain_module.report_html(table, reasons, "t", 0.5)
    assert "Reasons are given for the 10 blocks whose probability is nearest the decision" in report
    assert report.count("not explained: the page has more blocks than explain scores") == 31
    path = tmp_path / "page.html"
    path.write_text(page)
    code, out, err = run_cli(["explain", path, "--out", tmp_path / "r.html", "--model", model_file])
    assert code == 0 and out.startswith(f"41 blocks in {tmp_path / 'r.html'}, the 10 nearest the decision explained")


# -- 9: at most 1,000 attributes per element reach libxml2 ----------------------------------

def _attribute_counts(html: str) -> list[int]:
    from lxml import etree

    root = etree.fromstring(html.encode("utf-8", errors="replace"), etree.HTMLParser(encoding="utf-8"))
    return [] if root is None else [len(el.attrib) for top in (root, *root.itersiblings())
                                    for el in top.iter() if isinstance(el.tag, str)]


def test_a_tag_of_20000_attributes_keeps_its_first_1000_and_the_page_its_text():
    from features import parse_document
    from features.attribute_cap import MAX_ATTRIBUTES, cap_attributes

    names = [f"a{i}" for i in range(20_000)]
    page = f"<p>before</p><div {' '.join(names)} class='x'>inside</div><p>after</p>"
    capped = cap_attributes(page)
    assert max(_attribute_counts(capped)) == MAX_ATTRIBUTES == 1000
    assert f"<div {' '.join(names[:1000])} >inside</div>" in capped
    blocks, _ = parse_document(page)
    assert blocks["text"].tolist() == ["before", "inside", "after"]
    nul_names = "<div " + "\x00".join(names) + ">nul</div>"  # NULs become spaces: they part names
    assert parse_document(nul_names + " " * 70_000, kind="html")[0]["text"].tolist() == ["nul"]


@pytest.mark.parametrize("page", [
    '<p a b c d e>x</p>',
    '<p a="1"b="2"c d=">" e f>t</p>',                       # ">" in a value, names right after values
    '<p a=">" b=">" c=">" d=">" e=">">t</p>',
    '<p a b c/>',                                          # self-closing
    '<p a=b/ c=d/ e f>t</p>',                              # "/" in unquoted values
    '<p\ta\nb\fc\rd e>t</p>',                               # the five HTML spaces
])
def test_tags_are_read_as_libxml2_reads_them(monkeypatch, page):
    import features.attribute_cap as cap

    monkeypatch.setattr(cap, "_SMALL", 0)
    assert max(_attribute_counts(cap.cap_attributes(page, 2))) == 2


@pytest.mark.parametrize("page", [
    '<!-- <p a b c d e> --><p>t</p>',                       # a comment
    '<script>var s = "<p a b c d e>";</script><p>t</p>',    # raw text
    '<textarea><p a b c d e></textarea><xmp><p a b c d e></xmp><title><p a b c d e></title>',
    '<script><!--<script></script><p a b c d e></p>--></script><p>t</p>',  # a doubly escaped script
    '<p title="<p a b c d e>">t</p>',                       # a quoted value
    '<p a\xa0b\xa0c\xa0d\xa0e>t</p>',                       # a no-break space is part of a name
    '<\u212a a b c d e>t',                                  # not an ASCII letter: not a tag
])
def test_what_only_looks_like_a_tag_is_left_alone(monkeypatch, page):
    import features.attribute_cap as cap

    monkeypatch.setattr(cap, "_SMALL", 0)
    assert cap.cap_attributes(page, 2) is page


def test_a_tag_hidden_from_a_naive_reading_is_still_cut(monkeypatch):
    import features.attribute_cap as cap

    monkeypatch.setattr(cap, "_SMALL", 0)
    for page in ('<script><!--</script><p a b c d e>t</p>',  # an escaped script ends at </script
                 '<script/><p a b c d e>t</p>',              # a self-closing script has no raw text
                 '<p x=">" a b c d e>t</p>',
                 '<p a"b c=">" d e f>t</p>'):                # a quote inside a name opens nothing
        assert max(_attribute_counts(cap.cap_attributes(page, 2))) == 2, page


def test_random_markup_never_reaches_libxml2_with_more_attributes_and_keeps_its_text(monkeypatch):
    import random

    from lxml import etree

    import features.attribute_cap as cap

    monkeypatch.setattr(cap, "_SMALL", 0)
    pieces = ["<p", "<div", "<script", "<style", "<title", "<textarea", "<xmp", "<plaintext", "</script", "</style",
              "</p", "</", "<!--", "-->", "<!-->", "<!", "<?", " ", "\n", "/", ">", '"', "'", "=", " a", " b", " c",
              " d", ' e="x"', " f=\">\"", " g='<p'", "<", "text", "-", "--", "/>", "\xa0", "<!--<script>", "</x a=\""]
    rng = random.Random(24)
    for _ in range(400):
        page = "<html><body>" + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 80)))
        capped = cap.cap_attributes(page, 3)
        assert max(_attribute_counts(capped), default=0) <= 3, page

        def text(html):
            root = etree.fromstring(html.encode(), etree.HTMLParser(encoding="utf-8", remove_comments=True))
            return "" if root is None else "".join(root.itertext())

        assert text(capped) == text(page), page
