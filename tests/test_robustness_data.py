"""Broken labelled data (issue 6): every bad page is named by file and line, or reported and
skipped with ``on_error`` / ``--skip-bad``; a missing path is still an error."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from conftest import synthetic_lines, write_hand_labelled_dir
from test_hostile import png_image
from training.pages import DataError, load_pages, read_jsonl


def _page(i: int) -> str:
    rng = random.Random(i)  # distinct pages, so that gzip cannot squeeze the file into one block
    blocks = [{"text": text, "label": "content" if keep else "boilerplate"}
              for text, keep in (line for line in synthetic_lines(rng.randrange(10**6)) if line)]
    return json.dumps({"id": f"p{i}", "blocks": blocks}) + "\n"


GOOD = _page(0)


def _error(path) -> str:
    with pytest.raises(DataError) as info:
        load_pages([path])
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_line_that_is_not_utf8_names_file_line_and_byte(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_bytes(GOOD.encode() + b'{"blocks": [{"text": "caf\xe9", "label": "content"}]}\n')
    assert _error(path) == f"{path}:2: not UTF-8 (byte 0xe9 at column 26); JSONL files must be UTF-8"


def test_a_byte_order_mark_at_the_start_is_fine(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert len(load_pages([path])) == 1


def test_a_cut_short_gzip_file_names_where_it_breaks_and_skip_keeps_the_pages_before(tmp_path):
    path = tmp_path / "pages.jsonl.gz"
    whole = gzip.compress("".join(_page(i) for i in range(200)).encode())
    path.write_bytes(whole[: len(whole) * 6 // 10])
    message = _error(path)
    assert message.startswith(f"{path}:") and "damaged or cut short" in message
    errors = []
    pages = load_pages([path], on_error=errors.append)
    assert 60 < len(pages) < 200 and len(errors) == 1
    assert str(errors[0]) == message
    assert f":{len(pages) + 1}:" in message  # the first line it could not read


def test_a_page_with_neither_blocks_nor_gold_text_is_an_error(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text(GOOD + json.dumps({"id": "empty", "blocks": []}) + "\n")
    assert _error(path) == f"{path}:2: the page has no blocks and no gold text, so it can be neither trained on nor scored"
    path.write_text(json.dumps({"id": "empty", "blocks": [], "gold": "The text a script renders."}) + "\n")
    assert len(load_pages([path])) == 1  # scored: the gold text is all missed


@pytest.mark.parametrize("name", ["page.html", "page.txt"])
def test_a_binary_file_among_hand_labelled_pages_is_named(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(png_image())
    assert _error(path) == f"{path}:1: the page is a PNG image, not text or HTML"


def test_a_gold_page_over_the_block_limit_is_named(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"html": "<br>a" * 100_001, "main_content": "a"}) + "\n")
    assert _error(path) == (f"{path}:1: the page has more than 100,000 blocks (the max_blocks limit); "
                            "raise the limit to read it")


def test_on_error_reports_every_bad_page_and_keeps_the_good_ones(tmp_path):
    folder = write_hand_labelled_dir(tmp_path / "data", n_text=2, n_html=2)
    (folder / "bad.txt").write_text("+ fine\nno marker\n")
    (folder / "bad.html").write_text("<p>no label anywhere</p>")
    (folder / "mixed.jsonl").write_text(GOOD + "{not json\n" + _page(1)
                                        + json.dumps({"blocks": [{"text": "x", "label": "main"}]}) + "\n")
    errors = []
    pages = load_pages([folder], on_error=errors.append)
    assert len(pages) == 4 + 2
    assert sorted(str(e).split(": ")[0] for e in errors) == sorted(
        [f"{folder / 'bad.html'}:1", f"{folder / 'bad.txt'}:2", f"{folder / 'mixed.jsonl'}:2",
         f"{folder / 'mixed.jsonl'}:4"])
    with pytest.raises(DataError, match="no such file"):
        load_pages([tmp_path / "absent"], on_error=errors.append)


def test_read_jsonl_without_on_error_stops_at_the_first_bad_line(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text(GOOD + "[]\n" + "{not json\n")
    with pytest.raises(DataError, match=":2: each line must be a JSON object"):
        read_jsonl(path)
    errors = []
    assert len(read_jsonl(path, errors.append)) == 1 and len(errors) == 2


def test_cli_skip_bad_reports_each_page_and_trains_on_the_rest(run_cli, tmp_path):
    folder = write_hand_labelled_dir(tmp_path / "data", n_text=4, n_html=4)
    (folder / "broken.jsonl").write_text(GOOD + "{not json\n")
    out = tmp_path / "m.joblib"
    code, _, err = run_cli(["train", "--data", folder, "--out", out, "--quiet", "--holdout", "0", "--max-iter", "10"])
    assert code == 2 and err == f"boilerplate train: error: {folder / 'broken.jsonl'}:2: not valid JSON (Expecting property name enclosed in double quotes)\n"
    assert not out.exists()
    code, stdout, err = run_cli(["train", "--data", folder, "--out", out, "--quiet", "--holdout", "0",
                                 "--max-iter", "10", "--skip-bad"])
    assert code == 0, err
    assert err.splitlines() == [
        f"boilerplate train: skipped: {folder / 'broken.jsonl'}:2: not valid JSON (Expecting property name enclosed in double quotes)",
        "boilerplate train: skipped 1 bad pages, read 9"]
    assert out.is_file()
    for command in (["evaluate", "--model", out], ["label", "--out", tmp_path / "l.jsonl"]):
        code, _, err = run_cli(command + ["--data", folder, "--quiet", "--skip-bad"])
        assert code == 0 and "skipped 1 bad pages" in err, err
