"""Labelled-page formats (``training.pages``): JSONL, hand-labelled .txt / .html, gold pages, errors."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from conftest import LABELLED_SAMPLES, SAMPLES, hand_text, synthetic_html, synthetic_lines, synthetic_pageset
from features import BLOCK_COLUMNS, compute_features
from training.pages import DataError, PageSet, load_pages, write_jsonl


def page_blocks(pageset: PageSet, i: int) -> pd.DataFrame:
    return pageset.blocks[pageset.blocks["page"] == i]


# -- JSONL round trip ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["pages.jsonl", "pages.jsonl.gz"])
def test_jsonl_round_trip_keeps_texts_labels_and_block_columns(tmp_path, name):
    original = synthetic_pageset(3, 3)
    path = tmp_path / name
    write_jsonl(original, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left
    loaded = load_pages([path])
    assert loaded.pages["id"].tolist() == original.pages["id"].tolist()
    assert loaded.pages["kind"].tolist() == original.pages["kind"].tolist()
    assert loaded.blocks["text"].tolist() == original.blocks["text"].tolist()
    assert loaded.blocks["label"].tolist() == original.blocks["label"].tolist()
    assert loaded.blocks["page"].tolist() == original.blocks["page"].tolist()
    for column in BLOCK_COLUMNS:
        a, b = original.blocks[column], loaded.blocks[column]
        if a.dtype == object:
            assert a.tolist() == b.tolist(), column
        else:
            np.testing.assert_allclose(a.astype(float), b.astype(float), err_msg=column)
    pd.testing.assert_frame_equal(compute_features(original.blocks), compute_features(loaded.blocks))


def test_jsonl_is_one_json_object_per_page(tmp_path):
    path = tmp_path / "pages.jsonl"
    write_jsonl(synthetic_pageset(2, 1), path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["kind"] for r in records] == ["text", "text", "html"]
    text_block = records[0]["blocks"][0]
    assert set(text_block) == {"text", "line", "gap_before", "indent", "label"}  # no markup for text pages
    html_block = records[2]["blocks"][0]
    assert {"tag", "depth", "landmarks", "link_chars", "attrs"} <= set(html_block)
    assert {b["label"] for r in records for b in r["blocks"]} == {"content", "boilerplate"}


def test_samples_round_trip_through_jsonl(tmp_path):
    original = load_pages([SAMPLES])
    path = tmp_path / "samples.jsonl"
    write_jsonl(original, path)
    loaded = load_pages([path])
    assert loaded.blocks["text"].tolist() == original.blocks["text"].tolist()
    assert loaded.blocks["label"].tolist() == original.blocks["label"].tolist()
    assert loaded.gold_texts() == original.gold_texts()


def test_minimal_jsonl_page_gets_defaults(tmp_path):
    path = tmp_path / "min.jsonl"
    path.write_text(json.dumps({"blocks": [{"text": "Home", "label": "boilerplate"},
                                           {"text": "A sentence of content.", "label": "content"}]}) + "\n")
    pages = load_pages([path])
    assert pages.pages["id"].tolist() == ["min.jsonl:1"]
    assert pages.pages["kind"].tolist() == ["text"]
    assert pages.blocks["label"].tolist() == [False, True]
    assert pages.blocks["tag"].tolist() == ["", ""]
    assert pages.blocks["depth"].isna().all()


def test_bundled_labelled_samples_load():
    pages = load_pages([LABELLED_SAMPLES])
    assert pages.pages["id"].tolist() == ["sourdough-thread", "barley-salad", "harbour-festival", "harbour-news",
                                          "trail-shoe"]
    assert set(pages.pages["kind"]) == {"html", "text"}
    assert pages.blocks["label"].any() and not pages.blocks["label"].all()
    assert pages.pages["domain"].notna().all()


# -- hand-labelled text -------------------------------------------------------------------------

def test_hand_labelled_text_markers_headers_and_breaks(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(
        "# url: https://www.example.org/news/1\n"
        "# page_type: article\n"
        "- Home | News\n"
        "\n"
        "+ The first paragraph of the article.\n"
        "# a comment between blocks is ignored\n"
        "+ Its second line.\n"
        "-   • Facebook\n"
        "# url: https://ignored.example/after-first-block\n", encoding="utf-8")
    pages = load_pages([path])
    meta = pages.pages.iloc[0]
    assert meta["id"] == "page"
    assert meta["url"] == "https://www.example.org/news/1"
    assert meta["domain"] == "example.org"
    assert meta["page_type"] == "article"
    assert meta["kind"] == "text"
    blocks = pages.blocks
    assert blocks["text"].tolist() == ["Home | News", "The first paragraph of the article.", "Its second line.",
                                       "  • Facebook"]
    assert blocks["label"].tolist() == [False, True, True, False]
    assert blocks["line"].tolist() == [3, 5, 7, 8]
    assert blocks["gap_before"].tolist() == [False, True, False, False]
    assert blocks["indent"].tolist() == [0, 0, 0, 2]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_hand_labelled_text_reads_windows_and_old_mac_line_ends_as_clean_does(tmp_path, newline):
    lines = ["# page_type: article", "- Home | News", "", "+ The first paragraph.", "+ Its second line."]
    (tmp_path / "lf.txt").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    (tmp_path / "other.txt").write_text(newline.join(lines) + newline, encoding="utf-8", newline="")
    expected, got = (load_pages([tmp_path / name]).blocks for name in ("lf.txt", "other.txt"))
    pd.testing.assert_frame_equal(got, expected)
    assert got["line"].tolist() == [2, 4, 5]


def test_harbour_sample_is_read_with_its_labels():
    pages = load_pages([SAMPLES / "harbour-festival.txt"])
    blocks = pages.blocks
    labels = dict(zip(blocks["text"], blocks["label"]))
    assert labels["Harbour Festival Returns After Three-Year Break"]
    assert not labels["Related posts"]
    assert not labels["Leave a Reply"]
    assert pages.pages["domain"].tolist() == ["example.org"]


def test_hand_text_from_the_generator_matches_its_labels(tmp_path):
    lines = synthetic_lines(3)
    path = tmp_path / "gen.txt"
    path.write_text(hand_text(lines), encoding="utf-8")
    pages = load_pages([path])
    assert pages.blocks["text"].tolist() == [line[0] for line in lines if line is not None]
    assert pages.blocks["label"].tolist() == [line[1] for line in lines if line is not None]


# -- hand-labelled HTML -------------------------------------------------------------------------

def test_hand_labelled_html_inherits_the_nearest_label():
    pages = load_pages([SAMPLES / "trail-shoe.html"])
    labels = dict(zip(pages.blocks["text"], pages.blocks["label"]))
    assert labels["Ridgeline Trail Shoe"]                          # article data-label=content
    assert labels["Drop: 6 mm"]                                    # deep inside the article
    assert not labels["Add to cart Add to wishlist"]               # nested boilerplate inside content
    assert not labels["Sam K. – verified buyer"]                   # boilerplate on the element itself
    assert labels["Customer reviews"]
    assert not labels["Men"]                                       # body data-label=boilerplate
    assert not labels["© 2026 Northfold Outfitters. All rights reserved."]
    assert pages.pages["kind"].tolist() == ["html"]
    assert (pages.blocks["tag"] != "").all()


def test_generated_html_pages_load_from_a_folder(tmp_path):
    for i in range(3):
        (tmp_path / f"p{i}.html").write_text(synthetic_html(i), encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored: not a labelled-page format")
    pages = load_pages([tmp_path])
    assert pages.pages["id"].tolist() == ["p0", "p1", "p2"]
    assert pages.blocks["label"].any() and not pages.blocks["label"].all()
    assert sorted(set(pages.blocks["page"])) == [0, 1, 2]


# -- gold pages -----------------------------------------------------------------------------------

def test_gold_pages_in_jsonl_are_labelled_on_load():
    pages = load_pages([SAMPLES / "gold-pages.jsonl"])
    assert pages.pages["id"].tolist() == ["sourdough-thread", "barley-salad"]
    assert pages.pages["kind"].tolist() == ["html", "text"]
    assert pages.pages["gold"].map(lambda g: isinstance(g, str) and len(g) > 100).all()
    forum = page_blocks(pages, 0)
    labels = dict(zip(forum["text"], forum["label"]))
    assert labels["A warmer spot helps too. Around 24 degrees is ideal."]
    assert not labels["Forums Latest Top Log in"]
    assert not labels["Reply Like Share"]
    salad = page_blocks(pages, 1)
    assert salad["tag"].eq("").all()
    assert salad["label"].any() and not salad["label"].all()


def test_gold_page_from_text_field(tmp_path):
    path = tmp_path / "gold.jsonl"
    record = {"id": "g1", "text": "Home\nAbout\n\nThe real article sentence is here and it is long.\n\nFooter",
              "main_content": "The real article sentence is here and it is long."}
    path.write_text(json.dumps(record) + "\n")
    pages = load_pages([path])
    assert pages.blocks["label"].tolist() == [False, False, True, False]
    assert pages.gold_texts() == [record["main_content"]]


def test_gold_page_from_html_field_read_as_text_is_rendered_once(tmp_path):
    path = tmp_path / "gold.jsonl"
    record = {"id": "g2", "kind": "text", "main_content": "The harbour festival is back after three summers.",
              "html": "<html><body><ul><li>Home</li><li>Menu</li></ul>"
                      "<p>The harbour festival is back after three summers.</p></body></html>"}
    path.write_text(json.dumps(record) + "\n")
    pages = load_pages([path])
    blocks = pages.blocks
    assert blocks["tag"].eq("").all()  # plain-text blocks, from the rendering
    assert blocks["text"].str.strip().tolist() == ["• Home", "• Menu", "The harbour festival is back after three summers."]
    assert blocks["label"].tolist() == [False, False, True]


def test_gzipped_gold_jsonl(tmp_path):
    path = tmp_path / "gold.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "z", "html": "<p>Menu</p><p>Content words that are in the gold.</p>",
                              "main_content": "Content words that are in the gold."}) + "\n")
    pages = load_pages([path])
    assert pages.blocks["label"].tolist() == [False, True]


# -- errors ---------------------------------------------------------------------------------------

def _expect_data_error(path, *needles):
    with pytest.raises(DataError) as info:
        load_pages([path])
    message = str(info.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


def test_bad_json_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"blocks": [{"text": "x", "label": "content"}, {"text": "y", "label": "boilerplate"}]}\n'
                    '\n'
                    '{"blocks": [\n')
    _expect_data_error(path, f"{path}:3", "JSON")


def test_unknown_label_names_file_line_and_label(tmp_path):
    path = tmp_path / "label.jsonl"
    path.write_text(json.dumps({"blocks": [{"text": "x", "label": "content"},
                                           {"text": "y", "label": "main"}]}) + "\n")
    _expect_data_error(path, f"{path}:1", "'main'", "block 1")


@pytest.mark.parametrize("record, needle", [
    ({"id": "a", "url": "https://x.example"}, "'blocks'"),
    ({"id": "a", "blocks": {"text": "x"}}, "must be a list"),
    ({"id": "a", "blocks": [{"text": "x", "label": "content", "gap_before": "false"}]}, "true or false"),
    ({"id": "a", "blocks": [{"label": "content"}]}, "'text'"),
    ({"id": "a", "html": "<p>x</p>"}, "main_content"),
    ({"id": "a", "html": 5, "main_content": "x"}, "strings"),
    ([1, 2, 3], "JSON object"),
])
def test_malformed_jsonl_records(tmp_path, record, needle):
    path = tmp_path / "pages.jsonl"
    path.write_text("\n" + json.dumps(record) + "\n")
    _expect_data_error(path, f"{path}:2", needle)


def test_text_line_without_marker_names_file_and_line(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("# id: x\n+ A good line.\n\nno marker on this line\n- Menu\n")
    _expect_data_error(path, f"{path}:4", "no marker on this line")


@pytest.mark.parametrize("line", ["+no space after the marker", "* wrong marker", "+ ", "  - indented marker"])
def test_text_lines_with_bad_markers_are_rejected(tmp_path, line):
    path = tmp_path / "page.txt"
    path.write_text(f"+ Fine line.\n{line}\n")
    _expect_data_error(path, f"{path}:2")


def test_text_file_without_labelled_lines(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("# id: nothing\n\n")
    _expect_data_error(path, str(path), "no labelled lines")


def test_html_block_without_data_label_names_file_and_line(tmp_path):
    path = tmp_path / "page.html"
    path.write_text('<html><body>\n<div data-label="content"><p>Labelled.</p></div>\n\n'
                    '<p>Orphan paragraph.</p>\n</body></html>\n')
    _expect_data_error(path, f"{path}:4", "Orphan paragraph")


def test_html_with_an_invalid_label_value_is_rejected(tmp_path):
    path = tmp_path / "page.html"
    path.write_text('<html><body data-label="maybe"><p>Text.</p></body></html>')
    _expect_data_error(path, str(path), "data-label")


def test_missing_path_and_unknown_format(tmp_path):
    _expect_data_error(tmp_path / "absent.jsonl", "no such file")
    other = tmp_path / "pages.csv"
    other.write_text("a,b\n")
    _expect_data_error(other, "unknown labelled-page format")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    _expect_data_error(empty_dir, "no labelled pages")


def test_gold_page_without_blocks_survives_the_jsonl_round_trip(tmp_path):
    source = tmp_path / "gold.jsonl"
    source.write_text(
        json.dumps({"id": "spa", "html": "<html><body><div id='root'></div><script>render()</script></body></html>",
                    "main_content": "Text that a script renders."}) + "\n"
        + json.dumps({"id": "ok", "html": "<p>Menu</p><p>Real content sentence here.</p>",
                      "main_content": "Real content sentence here."}) + "\n")
    pages = load_pages([source])
    assert len(pages) == 2
    labelled = tmp_path / "labelled.jsonl"
    write_jsonl(pages, labelled)
    again = load_pages([labelled])
    assert again.pages["id"].tolist() == ["spa", "ok"]
    assert again.blocks["label"].tolist() == pages.blocks["label"].tolist()
    assert again.gold_texts() == pages.gold_texts()
