"""clean-corpus: formats, bad records, restarts, site template lines, batch equivalence, Dask."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from conftest import raw_text, synthetic_html, synthetic_lines, write_warc
from corpus import Options, SiteLineCounter, clean_corpus
from corpus.formats import read_records
from corpus.sitelines import line_keys


def pages(n=6, start=0):
    """Synthetic pages, alternately plain text and HTML, each with a URL on one of two sites."""
    out = []
    for i in range(start, start + n):
        document = raw_text(synthetic_lines(500 + i)) if i % 2 else synthetic_html(500 + i, labelled=False)
        out.append({"id": i, "url": f"https://site{i % 2}.example/p/{i}", "text": document, "lang": "en"})
    return out


def write_jsonl(path, records, extra_lines=()):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
        for line in extra_lines:
            handle.write(line + "\n")
    return path


def read_out(path):
    return [record for _, record in read_records(path)]


def run(inputs, out, model_file, jobs=1, site_mode=False, **options):
    return clean_corpus(inputs, out, Options(model_path=str(model_file), **options), jobs=jobs,
                        batch_size=4, site_mode=site_mode, progress=False, log=lambda message: None)


def test_jsonl_gz_keeps_every_field_and_adds_the_cleaned_text(tmp_path, model_file, trained_model):
    records = pages(6)
    src = write_jsonl(tmp_path / "part-0.jsonl.gz", records)
    summary = run([src], tmp_path / "out", model_file)
    out = read_out(tmp_path / "out" / "part-0.jsonl.gz")
    assert [r["id"] for r in out] == [r["id"] for r in records]
    for before, after in zip(records, out):
        assert after["lang"] == "en" and after["text"] == before["text"] and after["url"] == before["url"]
        assert after["clean_text"] == trained_model.clean(before["text"])
    assert summary.pages == 6 and summary.bad == 0 and summary.files_done == 1


def test_bad_records_are_reported_with_file_and_number_and_none_is_lost(tmp_path, model_file):
    extra = ["{not json", json.dumps({"id": "int", "text": 5}), json.dumps([1, 2]), json.dumps({"id": "null", "text": None}),
             json.dumps({"id": "none"}), json.dumps({"id": "png", "text": "\x89PNG\r\n\x1a\n" + "\x00" * 64})]
    src = write_jsonl(tmp_path / "a.jsonl", pages(3), extra_lines=extra)
    messages = []
    summary = clean_corpus([src], tmp_path / "out", Options(model_path=str(model_file)), jobs=1,
                           progress=False, log=messages.append)
    assert summary.pages == 3 and summary.bad == 6
    assert any(f"{src}: record 4: not valid JSON" in m and m.endswith("; skipped") for m in messages)
    assert any(f"{src}: record 5: field 'text' holds int, not text; kept with clean_text null" in m for m in messages)
    assert any(f"{src}: record 6: not a JSON object; skipped" in m for m in messages)
    assert any(f"{src}: record 7: field 'text' is null" in m for m in messages)
    assert any(f"{src}: record 8: no field 'text'" in m for m in messages)
    assert any(f"{src}: record 9: PageError" in m and "binary" in m for m in messages)
    out = read_out(tmp_path / "out" / "a.jsonl")
    assert [r["id"] for r in out] == [0, 1, 2, "int", "null", "none", "png"]
    assert [r["clean_text"] is None for r in out] == [False] * 3 + [True] * 4
    assert out[3]["text"] == 5  # the record as it came
    dropped = clean_corpus([src], tmp_path / "drop", Options(model_path=str(model_file), drop_empty=True), jobs=1,
                           progress=False, log=lambda message: None)
    assert [r["id"] for r in read_out(tmp_path / "drop" / "a.jsonl")] == [0, 1, 2] and dropped.bad == 6


def test_parquet_keeps_a_text_column_when_the_first_rows_could_not_be_cleaned(tmp_path, model_file):
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = [{"id": i, "text": None} for i in range(3)] + pages(2, start=3)
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "n.parquet")
    summary = run([tmp_path / "n.parquet"], tmp_path / "out", model_file, with_labels=True)
    table = pq.read_table(tmp_path / "out" / "n.parquet")
    assert table.schema.field("clean_text").type == pa.string()
    assert table.column("clean_text").to_pylist()[:3] == [None] * 3 and all(table.column("clean_text").to_pylist()[3:])
    assert summary.bad == 3 and summary.pages == 2


def test_inputs_that_would_overwrite_each_other_or_themselves_are_refused_before_any_work(tmp_path, model_file):
    from corpus.formats import CorpusError

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_jsonl(tmp_path / folder / "part-0.jsonl", pages(1))
    with pytest.raises(CorpusError, match="would both be written to"):
        run([tmp_path / "a" / "part-0.jsonl", tmp_path / "b" / "part-0.jsonl"], tmp_path / "out", model_file)
    assert not (tmp_path / "out").exists()
    with pytest.raises(CorpusError, match="would overwrite it"):
        run([tmp_path / "a" / "part-0.jsonl"], tmp_path / "a", model_file)
    with pytest.raises(CorpusError, match="is a folder"):
        run([tmp_path / "a"], tmp_path / "out", model_file)
    assert read_out(tmp_path / "a" / "part-0.jsonl")[0]["id"] == 0  # the input untouched
    summary = run([tmp_path / "a" / "part-0.jsonl", tmp_path / "a" / "part-0.jsonl"], tmp_path / "out", model_file)
    assert summary.files_done == 1  # the same file named twice is cleaned once


def test_drop_empty_and_labels(tmp_path, model_file, trained_model):
    records = pages(2) + [{"id": "empty", "text": "   \n  "}]
    src = write_jsonl(tmp_path / "b.jsonl", records)
    kept = run([src], tmp_path / "keep", model_file, with_labels=True)
    out = read_out(tmp_path / "keep" / "b.jsonl")
    assert out[-1]["clean_text"] == "" and kept.empty == 1
    table = trained_model.classify(records[0]["text"])
    assert out[0]["labels"] == (table["label"] == "content").astype(int).tolist()
    assert np.allclose(out[0]["probas"], table["proba"], atol=1e-4)
    dropped = run([src], tmp_path / "drop", model_file, drop_empty=True)
    assert [r["id"] for r in read_out(tmp_path / "drop" / "b.jsonl")] == [0, 1]
    assert dropped.dropped_empty == 1


def test_zstd_and_parquet_round_trip(tmp_path, model_file, trained_model):
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    records = pages(5)
    zst = tmp_path / "c.jsonl.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress("".join(json.dumps(r) + "\n" for r in records).encode()))
    parquet = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_pylist(records), parquet)
    run([zst, parquet], tmp_path / "out", model_file)
    expected = [trained_model.clean(r["text"]) for r in records]
    assert [r["clean_text"] for r in read_out(tmp_path / "out" / "c.jsonl.zst")] == expected
    table = pq.read_table(tmp_path / "out" / "d.parquet").to_pylist()
    assert [r["clean_text"] for r in table] == expected and [r["id"] for r in table] == list(range(5))


def test_warc_responses_become_jsonl_records(tmp_path, model_file, trained_model):
    htmls = [synthetic_html(700 + i, labelled=False) for i in range(3)]
    path = write_warc(tmp_path / "crawl.warc.gz", [(f"https://w.example/{i}", "text/html; charset=utf-8", html.encode())
                                                   for i, html in enumerate(htmls)]
                      + [("https://w.example/x.png", "image/png", b"\x89PNG")])
    run([path], tmp_path / "out", model_file)
    out = read_out(tmp_path / "out" / "crawl.jsonl.gz")
    assert [r["url"] for r in out] == [f"https://w.example/{i}" for i in range(3)]
    assert [r["clean_text"] for r in out] == [trained_model.clean(h) for h in htmls]
    assert "html" not in out[0] and out[0]["warc_record_id"]


def test_warc_bodies_are_decoded_with_the_charset_of_their_http_header(tmp_path, model_file, trained_model):
    from test_encodings import PARAGRAPHS

    def with_paragraph(i, language, head=""):
        html = synthetic_html(710 + i, labelled=False).replace("<p>", f"<p>{PARAGRAPHS[language]} ", 1)
        return html.replace("<head>", f"<head>{head}", 1)

    # KOI8-R under a <meta> that says windows-1251: the header is right, as browsers take it;
    # Shift_JIS and GBK with no <meta>; a header without a charset leaves the page's own.
    htmls = [with_paragraph(0, "ru", '<meta charset="windows-1251">'), with_paragraph(1, "ja"),
             with_paragraph(2, "zh"), with_paragraph(3, "el", '<meta charset="windows-1253">')]
    codecs = ["koi8_r", "shift_jis", "gbk", "cp1253"]
    bodies = [html.encode(codec, errors="xmlcharrefreplace") for html, codec in zip(htmls, codecs)]  # © as &#169;
    htmls = [body.decode(codec) for body, codec in zip(bodies, codecs)]
    responses = [("https://w.example/0", "text/html; charset=KOI8-R", bodies[0]),
                 ("https://w.example/1", 'text/html;charset="Shift_JIS"', bodies[1]),
                 ("https://w.example/2", "text/html; charset=gbk", bodies[2]),
                 ("https://w.example/3", "text/html", bodies[3])]
    path = write_warc(tmp_path / "legacy.warc.gz", responses)
    for jobs, site_mode in ((1, False), (2, True)):
        run([path], tmp_path / f"out{jobs}", model_file, jobs=jobs, site_mode=site_mode)
        out = read_out(tmp_path / f"out{jobs}" / "legacy.jsonl.gz")
        assert [r["content_type"] for r in out] == [r[1] for r in responses]
        assert [r["clean_text"] for r in out] == [trained_model.clean(h) for h in htmls]
        for record, language in zip(out, ("ru", "ja", "zh", "el")):
            assert PARAGRAPHS[language] in record["clean_text"]


def test_a_restart_skips_finished_files_and_removes_partial_ones(tmp_path, model_file):
    first = write_jsonl(tmp_path / "e1.jsonl", pages(2))
    second = write_jsonl(tmp_path / "e2.jsonl", pages(2, start=2))
    out = tmp_path / "out"
    run([first], out, model_file)
    done = (out / "e1.jsonl").stat().st_mtime_ns
    (out / ".partial-e2.jsonl").write_text("half a file")
    summary = run([first, second], out, model_file)
    assert summary.files_skipped == 1 and summary.files_done == 1
    assert (out / "e1.jsonl").stat().st_mtime_ns == done
    assert len(read_out(out / "e2.jsonl")) == 2
    assert not list(out.glob(".partial-*"))
    forced = clean_corpus([first], out, Options(model_path=str(model_file), threshold=1.0), jobs=1, progress=False,
                          log=lambda message: None, force=True)
    assert forced.files_done == 1 and forced.files_skipped == 0
    assert [r["clean_text"] for r in read_out(out / "e1.jsonl")] == ["", ""]  # cleaned again, at the new threshold


def test_an_interrupted_file_leaves_no_output_behind(tmp_path, model_file, monkeypatch):
    import corpus.run as run_module

    src = write_jsonl(tmp_path / "f.jsonl", pages(8))
    calls = {"n": 0}
    real = run_module.clean_batch

    def failing(documents, sites, charsets=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(documents, sites, charsets)

    monkeypatch.setattr(run_module, "clean_batch", failing)
    with pytest.raises(KeyboardInterrupt):
        run([src], tmp_path / "out", model_file)
    assert list((tmp_path / "out").iterdir()) == []


def test_two_workers_give_the_same_output_as_one(tmp_path, model_file):
    src = write_jsonl(tmp_path / "g.jsonl", pages(10))
    run([src], tmp_path / "one", model_file, jobs=1)
    run([src], tmp_path / "two", model_file, jobs=2)
    assert read_out(tmp_path / "one" / "g.jsonl") == read_out(tmp_path / "two" / "g.jsonl")


def site_pages(site: str, n: int, start: int):
    """Pages of one site: the same menu and footer lines around a page's own article."""
    menu = ["Home | Shop | Blog | Contact", "Sign up for our newsletter", "© 2026 Example Ltd"]
    topics = ["bridges", "gardens", "trains", "rivers", "bakeries", "museums", "harbours", "forests",
              "castles", "markets"]
    out = []
    for i in range(n):
        topic = topics[(start + i) % len(topics)]
        body = [f"This article says something new about {topic} in many words here.",
                f"A second paragraph about {topic}, different on every page of the site."]
        text = "\n".join(menu[:2] + body + menu[2:])
        out.append({"id": f"{site}-{i}", "url": f"https://{site}/post/{i}", "text": text})
    return out


def test_site_counter_finds_the_template_lines_of_a_site():
    counter = SiteLineCounter(width=1 << 12)
    records = site_pages("a.example", 6, 0) + site_pages("b.example", 2, 100)
    for r in records:
        site = r["url"].split("/")[2]
        counter.add_page(site, line_keys(site, r["text"].split("\n")))
    lines = records[0]["text"].split("\n")
    template = counter.template_lines("a.example", lines)
    assert template.tolist() == [True, True, False, False, True]
    # Two pages are too few to tell a template from a coincidence.
    assert not counter.template_lines("b.example", records[-1]["text"].split("\n")).any()
    # The count-min sketch never underestimates.
    keys = line_keys("a.example", lines)
    assert (counter.counts(keys) >= 1).all()


def test_site_mode_drops_template_lines_that_the_model_alone_keeps(tmp_path, model_file):
    records = site_pages("a.example", 6, 0)
    src = write_jsonl(tmp_path / "s.jsonl", records)
    plain = run([src], tmp_path / "plain", model_file, threshold=0.0, page_cut=False)  # keep every line
    sited = run([src], tmp_path / "sited", model_file, threshold=0.0, page_cut=False, site_mode=True)
    assert plain.pages == sited.pages == 6
    for before, after in zip(read_out(tmp_path / "plain" / "s.jsonl"), read_out(tmp_path / "sited" / "s.jsonl")):
        assert "Sign up for our newsletter" in before["clean_text"]
        assert "Sign up for our newsletter" not in after["clean_text"]
        assert "© 2026 Example Ltd" not in after["clean_text"]
        assert "says something new" in after["clean_text"]


def test_unknown_format_and_missing_file_fail_before_any_work(tmp_path, model_file):
    (tmp_path / "x.csv").write_text("a,b")
    with pytest.raises(ValueError, match="unknown corpus format"):  # a CorpusError
        run([tmp_path / "x.csv"], tmp_path / "out", model_file)
    with pytest.raises(FileNotFoundError):
        run([tmp_path / "missing.jsonl"], tmp_path / "out", model_file)


def test_clean_each_gives_none_for_what_cannot_be_cleaned_and_cleans_the_rest(trained_model):
    from corpus.dask import clean_each

    good = pages(2)
    documents = [good[0]["text"], None, 5, b"\x89PNG\r\n\x1a\n" + bytes(64), good[1]["text"]]
    assert clean_each(trained_model, documents) == [trained_model.clean(good[0]["text"]), None, None, None,
                                                     trained_model.clean(good[1]["text"])]
    assert clean_each(trained_model, []) == []


def test_clean_each_turns_the_page_cut_off_for_the_call_only(trained_model):
    import copy

    from corpus.dask import clean_each

    documents = [r["text"] for r in pages(4)]
    without = copy.deepcopy(trained_model).set_params(page_cut=False)
    expected = [without.clean(d, threshold=0.0) for d in documents]  # every block
    assert clean_each(trained_model, documents, threshold=0.0, page_cut=False) == expected
    with_cut = clean_each(trained_model, documents, threshold=0.0)
    assert with_cut == [trained_model.clean(d, threshold=0.0) for d in documents] != expected  # the cut drops some
    assert clean_each(without, documents, threshold=0.0, page_cut=True) == with_cut
    assert trained_model.page_cut is True and without.page_cut is False  # the models passed in are not changed


def test_cli_clean_corpus(tmp_path, model_file, run_cli):
    src = write_jsonl(tmp_path / "h.jsonl", pages(3), extra_lines=["{broken"])
    code, out, err = run_cli(["clean-corpus", src, "--out", tmp_path / "out", "--model", model_file, "--jobs", "1",
                              "--quiet"])
    assert code == 0, err
    assert "record 4: not valid JSON" in err and "3 pages" in err and "1 records not cleaned" in err
    assert len(read_out(tmp_path / "out" / "h.jsonl")) == 3
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_jsonl(tmp_path / folder / "p.jsonl", pages(1))
    code, out, err = run_cli(["clean-corpus", tmp_path / "a" / "p.jsonl", tmp_path / "b" / "p.jsonl",
                              "--out", tmp_path / "out2", "--model", model_file, "--quiet"])
    assert code == 2 and "would both be written to" in err and "Traceback" not in err


def test_dask_bag_and_dataframe_on_a_local_cluster(model_file, trained_model):
    dask = pytest.importorskip("dask")
    import copy

    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    from corpus.dask import clean_bag, clean_dataframe

    records = pages(8) + [{"id": "bad", "text": "\x89PNG\r\n\x1a\n" + "\x00" * 64}]
    expected = [trained_model.clean(r["text"]) for r in records[:-1]] + [None]  # a bad page spoils nothing else
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster):
        bag = clean_bag(db.from_sequence(records, npartitions=3), model_path=str(model_file))
        assert [r["clean_text"] for r in bag.compute()] == expected
        ddf = dd.from_pandas(pd.DataFrame(records), npartitions=3)
        frame = clean_dataframe(ddf, model_path=str(model_file)).compute()
        assert frame["clean_text"].tolist()[:-1] == expected[:-1] and frame["clean_text"].isna().tolist()[-1]
        # without the page cut, as clean-corpus --no-page-cut: at threshold 0 every block stays
        without = copy.deepcopy(trained_model).set_params(page_cut=False)
        every_block = [without.clean(r["text"], threshold=0.0) for r in records[:-1]] + [None]
        assert every_block != [trained_model.clean(r["text"], threshold=0.0) for r in records[:-1]] + [None]
        bag = clean_bag(db.from_sequence(records, npartitions=3), model_path=str(model_file), threshold=0.0,
                        page_cut=False)
        assert [r["clean_text"] for r in bag.compute()] == every_block
        frame = clean_dataframe(ddf, model_path=str(model_file), threshold=0.0, page_cut=False).compute()
        assert frame["clean_text"].tolist()[:-1] == every_block[:-1]
    assert dask.__version__


@pytest.mark.parametrize("options, run", [
    ({"site_min_pages": 1}, {}), ({"site_share": -0.1}, {}), ({"site_share": 1.5}, {}),
    ({}, {"jobs": 0}), ({}, {"jobs": -2}), ({}, {"batch_size": 0}), ({}, {"jobs": 1.5}),
])
def test_settings_that_would_empty_pages_or_stall_a_run_are_refused_before_any_file(tmp_path, options, run):
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": raw_text(synthetic_lines(5))}])
    with pytest.raises(ValueError, match="must be"):
        clean_corpus([src], tmp_path / "out", Options(**options), progress=False, **run)
    assert not (tmp_path / "out").exists()


def test_a_site_share_of_0_and_a_numpy_job_count_are_accepted(tmp_path, model_file):
    # share 0: a line on site_min_pages pages of its site is template, whatever the site's size
    options = Options(model_path=str(model_file), site_share=0.0)
    src = write_jsonl(tmp_path / "in.jsonl", [{"text": raw_text(synthetic_lines(5))}])
    summary = clean_corpus([src], tmp_path / "out", options, jobs=np.int64(1), batch_size=np.int64(8), progress=False)
    assert summary.pages == 1
