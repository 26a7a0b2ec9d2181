"""Labelling blocks by aligning their words with a gold main text (``training.align``, ``training.gold``)."""

from __future__ import annotations

import numpy as np

from training.align import label_blocks, matched_share
from training.gold import label_gold_page

GOLD = (
    "Harbour Festival Returns\n\n"
    "The harbour festival is back after three summers of empty quays. "
    "Boats and bands will return to the old port.\n\n"
    "The council has promised extra buses from the station for the weekend."
)


def labelled(blocks, gold=GOLD):
    return dict(zip(blocks, label_blocks(blocks, gold).tolist()))


def test_blocks_whose_words_occur_in_order_in_the_gold_are_content():
    blocks = ["Home | Culture | Sport", "Harbour Festival Returns",
              "The harbour festival is back after three summers of empty quays.",
              "Boats and bands will return to the old port.",
              "Share this article",
              "The council has promised extra buses from the station for the weekend.",
              "© 2026 Harbour Gazette"]
    assert label_blocks(blocks, GOLD).tolist() == [False, True, True, True, False, True, False]


def test_label_blocks_returns_one_boolean_per_block():
    labels = label_blocks(["a b c", "", "Harbour Festival Returns"], GOLD)
    assert labels.dtype == bool
    assert labels.tolist() == [False, False, True]  # a block without words is boilerplate


def test_menu_word_that_also_occurs_in_the_gold_is_not_content():
    gold = "News of the day: the ferry timetable changes in August and the city adds three new routes."
    blocks = ["Home", "News", "Sport", "Weather",
              "News of the day: the ferry timetable changes in August and the city adds three new routes.",
              "Weather"]
    assert label_blocks(blocks, gold).tolist() == [False, False, False, False, True, False]
    menu_line = ["Home News Sport Weather", blocks[4]]
    assert label_blocks(menu_line, gold).tolist() == [False, True]


def test_repeated_sentence_is_labelled_where_its_context_matches():
    teaser_first = ["Related", "The council has promised extra buses from the station for the weekend.",
                    "Harbour Festival Returns",
                    "The harbour festival is back after three summers of empty quays.",
                    "Boats and bands will return to the old port.",
                    "The council has promised extra buses from the station for the weekend.",
                    "Footer"]
    assert label_blocks(teaser_first, GOLD).tolist() == [False, False, True, True, True, True, False]
    teaser_after = ["Harbour Festival Returns",
                    "The harbour festival is back after three summers of empty quays.",
                    "Boats and bands will return to the old port.",
                    "The council has promised extra buses from the station for the weekend.",
                    "Read next: The harbour festival is back after three summers of empty quays."]
    assert label_blocks(teaser_after, GOLD).tolist() == [True, True, True, True, False]


def test_short_block_that_matches_as_a_whole_is_content():
    gold = "Specifications\n\nThe shoe weighs 290 grams in a men's size nine."
    blocks = ["Home", "Specifications", "Share on Facebook", "The shoe weighs 290 grams in a men's size nine."]
    assert label_blocks(blocks, gold).tolist() == [False, True, False, True]
    share = matched_share(blocks, gold)
    assert share[1] == 1.0 and share[0] == 0.0


def test_short_partial_run_inside_a_longer_block_is_not_evidence():
    gold = "The shoe weighs 290 grams. Read the full review below."
    blocks = ["The shoe weighs 290 grams.", "Add to cart", "Read the reviews of other customers on our shop pages"]
    share = matched_share(blocks, gold)
    assert share[0] == 1.0
    assert share[2] == 0.0  # 'read the' is a two-word run that is not a whole block
    assert label_blocks(blocks, gold).tolist() == [True, False, False]


def test_block_is_content_when_at_least_half_of_its_words_match():
    gold = "one two three four five six"
    blocks = ["one two three four five six seven eight nine ten eleven twelve", "x"]
    share = matched_share(blocks, gold)
    assert share[0] == 0.5
    assert label_blocks(blocks, gold).tolist() == [True, False]


def test_matched_share_edge_cases():
    share = matched_share(["", "words here"], "")
    assert np.isnan(share[0]) and share[1] == 0.0
    assert label_blocks(["anything at all"], "").tolist() == [False]
    assert label_blocks([], "some gold").tolist() == []


def test_matching_ignores_case_and_punctuation():
    gold = "the festival is BACK, after three summers!"
    assert label_blocks(["The Festival is back after three summers"], gold).tolist() == [True]


def test_label_gold_page_html_and_text():
    html = ("<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
            "<h1>Harbour Festival Returns</h1>"
            "<p>The harbour festival is back after three summers of empty quays. "
            "Boats and bands will return to the old port.</p>"
            "<p>The council has promised extra buses from the station for the weekend.</p>"
            "<footer>Contact us</footer></body></html>")
    table = label_gold_page(html, GOLD, "html")
    assert table["label"].tolist() == [False, True, True, True, False]
    text = "Home\nHarbour Festival Returns\n\nThe harbour festival is back after three summers of empty quays.\nMenu"
    table = label_gold_page(text, GOLD, "text")
    assert table["text"].tolist()[1] == "Harbour Festival Returns"
    assert table["label"].tolist() == [False, True, True, False]


def test_label_gold_page_takes_text_kind_as_it_is_even_when_it_quotes_html():
    # A page already rendered to plain text that quotes markup (a documentation page) used to
    # be rendered a second time, which merged its code lines into a few blocks.
    text = ("Home\n<div>\n<p>The harbour festival is back after three summers of empty quays.</p>\n"
            "<span>Menu</span>\n</div>")
    table = label_gold_page(text, GOLD, "text")
    assert table["text"].tolist() == text.split("\n")
    assert table["label"].tolist() == [False, False, True, False, False]


