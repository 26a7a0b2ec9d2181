"""Block parsing: plain text, HTML, empty input and kind detection (``features.blocks``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import PRE_PAGE
from features import BLOCK_COLUMNS, blocks_from_html, blocks_from_text, looks_like_html, parse_document
from features.blocks import LANDMARKS, blocks_frame, parse_columns

LANDMARK_BIT = {name: 1 << i for i, name in enumerate(LANDMARKS)}


def texts(table):
    return table["text"].tolist()


# -- plain text ---------------------------------------------------------------------------------

PLAIN = (
    "Home | News | Contact\n"           # 1
    "\n"                                # 2
    "A Title\n"                         # 3
    "First paragraph of the page.\n"    # 4
    "\n"                                # 5
    "\n"                                # 6
    "Share this\n"                      # 7
    "  • Facebook\n"                    # 8
    "    • Nested item\n"               # 9
    "   \t \n"                          # 10 (whitespace only: blank)
    "Last line."                        # 11
)


def test_plain_text_one_block_per_non_blank_line_with_line_numbers():
    table, kind = parse_document(PLAIN)
    assert kind == "text"
    assert texts(table) == ["Home | News | Contact", "A Title", "First paragraph of the page.", "Share this",
                            "  • Facebook", "    • Nested item", "Last line."]
    assert table["line"].tolist() == [1, 3, 4, 7, 8, 9, 11]


def test_plain_text_blank_lines_become_gap_before():
    table, _ = parse_document(PLAIN)
    # The first block never has a gap; a run of blank lines is one gap; whitespace-only lines are blank.
    assert table["gap_before"].tolist() == [False, True, False, True, False, False, True]
    assert table["gap_before"].dtype == bool


def test_plain_text_leading_blank_lines_give_no_gap_on_first_block():
    table = blocks_from_text("\n\n\nFirst\n\nSecond")
    assert texts(table) == ["First", "Second"]
    assert table["gap_before"].tolist() == [False, True]
    assert table["line"].tolist() == [4, 6]


def test_plain_text_bullets_are_blocks_with_their_indent():
    table = blocks_from_text("Share this\n  • Facebook\n    • Deeper\n\tTabbed")
    assert texts(table)[1:] == ["  • Facebook", "    • Deeper", "\tTabbed"]
    assert table["indent"].tolist() == [0, 2, 4, 1]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_plain_text_windows_and_old_mac_line_endings(newline):
    table = blocks_from_text(newline.join(["one", "", "two", "three"]))
    assert texts(table) == ["one", "two", "three"]
    assert table["line"].tolist() == [1, 3, 4]
    assert table["gap_before"].tolist() == [False, True, False]


def test_plain_text_markup_columns_are_missing_not_zero():
    table = blocks_from_text("Just a line of text.\nAnother one.")
    assert list(table.columns) == list(BLOCK_COLUMNS)
    for name in ("depth", "landmarks", "heading", "in_list", "in_table", "in_pre", "concealed",
                 "link_chars", "n_links"):
        assert table[name].isna().all(), name
    for name in ("tag", "attrs", "own_attrs"):
        assert (table[name] == "").all(), name


# -- HTML -----------------------------------------------------------------------------------------

def test_html_block_elements_split_and_inline_markup_stays():
    table, kind = parse_document(
        "<html><body><h2>Title <em>with</em> emphasis</h2>"
        "<p>Some <b>bold</b>, <a href='/x'>a link</a> and <span>a span</span> in one paragraph.</p>"
        "<div>Div text<p>inner para</p>div tail</div></body></html>")
    assert kind == "html"
    assert texts(table) == ["Title with emphasis", "Some bold, a link and a span in one paragraph.",
                            "Div text", "inner para", "div tail"]
    assert table["tag"].tolist() == ["h2", "p", "div", "p", "div"]


def test_html_whitespace_is_collapsed_and_entities_decoded():
    table = blocks_from_html("<p>  Tom &amp; Jerry\n\n   &eacute;t&eacute; &#8212;\tend  </p>")
    assert texts(table) == ["Tom & Jerry été — end"]


def test_html_br_splits_a_block():
    table = blocks_from_html("<p>first line<br>second line<br/>third line</p>")
    assert texts(table) == ["first line", "second line", "third line"]


def test_html_script_style_template_and_controls_are_dropped():
    table = blocks_from_html(
        "<html><head><title>Head title</title><style>p { color: red }</style></head><body>"
        "<p>Kept paragraph.</p><script>var secret = 'script text';</script>"
        "<style>.x { display: none }</style><template><p>template text</p></template>"
        "<select><option>option text</option></select><textarea>textarea text</textarea>"
        "<svg><text>svg text</text></svg><iframe>iframe text</iframe>"
        "<p>Last paragraph.</p></body></html>")
    assert texts(table) == ["Kept paragraph.", "Last paragraph."]


@pytest.mark.parametrize("inline", [
    "<script>ads.push(1);</script>", "<svg><path d='M0'/></svg>", "<math><mi>x</mi></math>",
])
def test_dropped_inline_elements_do_not_split_their_paragraph(inline):
    table = blocks_from_html(f"<p>Before the element {inline} and after it.</p>")
    assert [" ".join(t.split()) for t in texts(table)] == ["Before the element and after it."]


def test_comments_and_processing_instructions_leave_their_text_whole():
    # The walk sees elements only: the parser must drop these nodes, keeping the text around them.
    table = blocks_from_html("<p>one<!-- a note -->two<?php echo 1; ?>three</p>"
                             "<div>four<!DOCTYPE html>five</div><ul><li>six<!--x--></li><!--y--><li>seven</li></ul>")
    assert texts(table) == ["onetwothree", "fourfive", "six", "seven"]
    assert list(table["gap_before"]) == [False, True, True, False]


def test_html_hidden_and_noscript_content_is_kept_and_flagged():
    table = blocks_from_html(
        "<body><p>Visible.</p><div hidden><p>Hidden attribute.</p></div>"
        "<div style='color: red; DISPLAY : none'>Display none.</div>"
        "<div style='visibility:hidden'>Visibility hidden.</div>"
        "<noscript><p>Enable JavaScript.</p></noscript>"
        "<div hidden><noscript>Both.</noscript></div></body>")
    assert texts(table) == ["Visible.", "Hidden attribute.", "Display none.", "Visibility hidden.",
                            "Enable JavaScript.", "Both."]
    assert table["concealed"].tolist() == [0, 1, 1, 1, 2, 3]


@pytest.mark.parametrize("markup, expected", [
    ("<nav><a href='/'>Menu</a></nav>", {"nav"}),
    ("<header><p>Masthead</p></header>", {"header"}),
    ("<footer><p>Footer</p></footer>", {"footer"}),
    ("<aside><p>Aside</p></aside>", {"aside"}),
    ("<article><p>Article</p></article>", {"article"}),
    ("<main><p>Main</p></main>", {"main"}),
    ("<form><label>Form</label></form>", {"form"}),
    ("<div role='navigation'>Role nav</div>", {"nav"}),
    ("<div role=' Banner '>Role banner</div>", {"header"}),
    ("<div role='contentinfo'>Role footer</div>", {"footer"}),
    ("<div role='complementary'>Role aside</div>", {"aside"}),
    ("<div role='main'>Role main</div>", {"main"}),
    ("<div role='search'>Role search</div>", {"form"}),
    ("<main><article><footer><p>Nested</p></footer></article></main>", {"main", "article", "footer"}),
    ("<div><p>No landmark</p></div>", set()),
])
def test_html_landmarks_bitmask(markup, expected):
    table = blocks_from_html(f"<html><body>{markup}</body></html>")
    assert len(table) == 1
    want = sum(LANDMARK_BIT[name] for name in expected)
    assert int(table["landmarks"].iloc[0]) == want


def test_html_heading_level_and_list_table_pre_flags():
    table = blocks_from_html(
        "<h1>One</h1><h3>Three <em>em</em></h3><h6>Six</h6><p>Para</p>"
        "<ul><li>Item</li></ul><table><tr><td>Cell</td></tr></table><pre>code  block</pre>")
    assert texts(table) == ["One", "Three em", "Six", "Para", "Item", "Cell", "code block"]
    assert table["heading"].tolist() == [1, 3, 6, 0, 0, 0, 0]
    assert table["in_list"].tolist() == [0, 0, 0, 0, 1, 0, 0]
    assert table["in_table"].tolist() == [0, 0, 0, 0, 0, 1, 0]
    assert table["in_pre"].tolist() == [0, 0, 0, 0, 0, 0, 1]


def test_a_pre_block_keeps_its_lines_and_other_blocks_do_not():
    # Code and verse come out line by line, as a browser shows them; source line breaks of a
    # paragraph (and of code outside <pre>) are only spaces.
    assert texts(blocks_from_html(PRE_PAGE)) == [
        "Call it twice like this:", "def twice(f, x):\nreturn f(f(x))\nprint(twice(abs, -2))", "x = 1 y = 2"]


def test_html_list_items_of_one_list_have_no_gap_between_them():
    table = blocks_from_html("<p>Intro</p><ul><li>a</li><li>b</li></ul><ul><li>c</li></ul><p>End</p>")
    assert texts(table) == ["Intro", "a", "b", "c", "End"]
    assert table["gap_before"].tolist() == [False, True, False, True, True]


def test_html_link_chars_and_link_count():
    table = blocks_from_html(
        "<p><a href='/a'>All of it</a></p>"
        "<p>Read <a href='/b'>this</a> and <a href='/c'>that one</a> now</p>"
        "<p><a name='anchor'>Not a link</a> text</p>")
    assert table["link_chars"].tolist() == [7, 11, 8]  # non-space characters inside <a>
    assert table["n_links"].tolist() == [1, 2, 0]       # only <a href> counts as a link


def test_html_class_and_id_tokens_innermost_first():
    table = blocks_from_html(
        "<div class='Outer  Wrap' id='Main'><p class='inner'>Para text</p>"
        "<ul class='nav-list'><li><a href='/'>Home</a></li></ul></div><p>Plain</p>")
    assert table["attrs"].tolist() == ["inner outer wrap main", "nav-list outer wrap main", ""]
    assert table["own_attrs"].tolist()[0].split()[0] == "inner"
    assert "outer" not in table["own_attrs"].tolist()[1]  # two levels below the block's list
    assert table["own_attrs"].tolist()[2] == ""


def test_html_line_numbers_are_source_lines():
    table = blocks_from_html("<html>\n<body>\n<p>line three</p>\n\n<div>\nline six\n</div>\n</body></html>")
    assert texts(table) == ["line three", "line six"]
    assert table["line"].tolist() == [3, 5]


def test_html_line_of_text_after_a_child_element_is_where_the_text_is():
    table = blocks_from_html("<html>\n<body>\n<div>\n<p>inner</p>\n</div>\n\n\nstray body text\n"
                             "<div>one\n<br>\nafter the break\n</div>\n</body></html>")
    assert texts(table) == ["inner", "stray body text", "one", "after the break"]
    assert table["line"].tolist() == [4, 8, 9, 11]


def test_html_text_after_stray_closing_html_tag_is_parsed():
    table, kind = parse_document(
        "<html><body><p>Inside the page.</p></body></html>\n<p>After the end tag.</p>\ntrailing words")
    assert kind == "html"
    assert texts(table) == ["Inside the page.", "After the end tag.", "trailing words"]


def test_html_indent_is_zero_and_markup_columns_are_filled():
    table = blocks_from_html("<body><nav><a href='/'>Home</a></nav><p>Text</p></body>")
    assert (table["indent"] == 0).all()
    for name in ("depth", "landmarks", "heading", "in_list", "concealed", "link_chars", "n_links"):
        assert table[name].notna().all(), name


def test_html_depth_is_that_of_the_block_element_not_inline_markup():
    table = blocks_from_html("<ul><li>Plain item</li><li><a href='/'>Linked item</a></li></ul>"
                             "<p><b>Bold</b> start</p><p>Plain start</p>")
    assert table["tag"].tolist() == ["li", "li", "p", "p"]
    depth = table["depth"].tolist()
    assert depth[0] == depth[1]
    assert depth[2] == depth[3]


# -- empty input --------------------------------------------------------------------------------

@pytest.mark.parametrize("document", [
    "", "   \n\n\t  \n", b"", b"\xef\xbb\xbf", "<html><head><title>t</title></head><body></body></html>",
    "<div><span> </span><p>\n</p></div>", "<html><body><script>only();</script></body></html>",
])
def test_empty_documents_give_an_empty_table_with_every_column(document):
    table, _ = parse_document(document)
    assert len(table) == 0
    assert list(table.columns) == list(BLOCK_COLUMNS)


def test_empty_html_table_has_label_column_when_asked():
    table = blocks_from_html("<html><body></body></html>", with_labels=True)
    assert len(table) == 0
    assert list(table.columns) == list(BLOCK_COLUMNS) + ["label"]


# -- kind detection ----------------------------------------------------------------------------

@pytest.mark.parametrize("document, kind", [
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    ("\n\n  <html><p>x</p></html>", "html"),
    ("<?xml version='1.0'?>\n<html><body>x</body></html>", "html"),
    ("<div><p>fragment starting with a tag</p></div>", "html"),
    ("Text first <p>a</p> <p>b</p> <div>c</div> <span>d</span> <br> five tags", "html"),
    ("If a < b and b > c then a < c.\nSecond line.", "text"),
    ("I <3 this recipe!\nSo good.", "text"),
    ("<< Back to all tutorials\nHome | News\nWrap each paragraph in a <p> element.\nThen check it.", "text"),
    ("<3 this recipe\nUse a <div> for the card.", "text"),
    ("<article><h2>Fragment</h2><p>with a tag of any name first</p></article>", "html"),
    ("<!-- saved page -->\n<div>one</div>", "html"),
    ('<button onclick="if (a<b) go()">Go</button>\n<p>Text</p>', "html"),  # "<" in a quoted value
    ("<?php echo $title; ?>\n<div>a</div>\n<p>b</p>", "html"),
    ("<%@ page language='java' %>\n<div class='x'>Hello</div>", "html"),
    ("A tutorial line: use <p> to start a paragraph.", "text"),
    ("How to start a page\n\nEvery page begins like this:\n<!DOCTYPE html><html><head></head><body><p>hi</p>"
     "</body></html>\n\nThe browser then builds the DOM tree.\nHome | About", "text"),
    ("Intro line\n<div>\n<p>one</p>\n<p>two</p>\n<span>three</span>\n</div>", "html"),
    ("Plain text about HTML and body and head.", "text"),
    # A page after a preamble, its top mostly script (too few tags per character and per line).
    ("HTTP/1.1 200 OK\nContent-Type: text/html\n\n<!DOCTYPE html>\n<html><head><script>\n"
     + "var x = 1;\n" * 400 + "</script></head>\n<body><p>Hello</p></body>\n</html>\n<!-- cache -->\n", "html"),
    ("Warning: Undefined variable $x in /var/www/index.php on line 12\n<html><head><style>\n"
     + "p { margin: 0 }\n" * 300 + "</style></head><body><p>Hi</p></body></html>", "html"),
    ("Every page begins with\n<html>\nand then the head, which holds the title.\nMore prose here.", "text"),
])
def test_auto_kind_is_decided_by_content(document, kind):
    assert looks_like_html(document) == (kind == "html")
    assert parse_document(document)[1] == kind


def test_plain_text_with_stray_angle_bracket_keeps_its_lines():
    table, kind = parse_document("Price < 10 euros\nfor members")
    assert kind == "text"
    assert texts(table) == ["Price < 10 euros", "for members"]


def test_explicit_kind_overrides_detection():
    html = "<html><body><p>one</p><p>two</p></body></html>"
    table, kind = parse_document(html, kind="text")
    assert kind == "text"
    assert texts(table) == [html]
    table, kind = parse_document("no markup here", kind="html")
    assert kind == "html"
    assert texts(table) == ["no markup here"]


def test_unknown_kind_and_wrong_type_are_rejected_clearly():
    with pytest.raises(ValueError, match="kind must be one of"):
        parse_document("x", kind="pdf")
    with pytest.raises(TypeError, match="str or bytes"):
        parse_document(12345)


def test_parse_document_accepts_bytes():
    table, kind = parse_document("<p>Grüße</p><p>Straße</p>".encode("utf-8"))
    assert kind == "html"
    assert texts(table) == ["Grüße", "Straße"]
    assert table["line"].dtype == np.float64


def test_pages_stacked_in_one_table_match_their_own_tables():
    documents = ["Title\n\nFirst line\n  • item", "", "<ul><li>One</li><li>Two</li></ul><p>Text</p>"]
    stacked = blocks_frame([parse_columns(d)[0] for d in documents])
    assert stacked["page"].tolist() == [0, 0, 0, 2, 2, 2]
    for page, document in enumerate(documents):
        own = parse_document(document)[0]
        mine = stacked[stacked["page"] == page].drop(columns="page").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, own)
