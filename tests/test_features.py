"""The feature matrix (``features.compute_features``) and its catalogue."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from conftest import PRE_PAGE, nonspace_len, page_frame, raw_text, synthetic_html, synthetic_lines
from features import FEATURE_NAMES, compute_features, describe_features, parse_document
from features import context, groups, markup, structure, text_shape

# Features computed from character counts; they are off by one for every block but the last of
# the table (see test_character_counts_are_exact), which also makes them depend on stacking.
CHAR_COUNT_FEATURES = ("n_chars_log", "letter_share", "digit_share", "punct_share", "symbol_share",
                       "rel_char_position")


def features_of(document, kind="auto"):
    blocks, _ = parse_document(document, kind)
    return blocks, compute_features(blocks)


def one(text, name):
    """Value of feature ``name`` for a single-block plain-text page."""
    return compute_features(parse_document(text, "text")[0])[name].iloc[0]


# -- shape ----------------------------------------------------------------------------------------

def test_matrix_has_exactly_the_declared_columns_as_float64():
    blocks, feats = features_of(synthetic_html(3, labelled=False))
    assert list(feats.columns) == list(FEATURE_NAMES)
    assert len(feats) == len(blocks) > 5
    assert (feats.dtypes == np.float64).all()
    assert feats.index.name == "page" and (feats.index == 0).all()


def test_feature_names_are_unique_and_grouped_by_family():
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert set(FEATURE_NAMES) == (set(text_shape.FEATURES) | set(markup.FEATURES) | set(context.FEATURES)
                                  | set(structure.FEATURES) | set(groups.FEATURES))


def test_index_of_the_matrix_is_the_page_of_each_block():
    blocks, _ = parse_document("one line\ntwo lines here\nthree")
    blocks.index = [10, 20, 30]
    assert compute_features(blocks, page=np.array([4, 4, 9])).index.tolist() == [4, 4, 9]


def test_empty_block_table_gives_empty_matrix_with_all_columns():
    feats = compute_features(parse_document("")[0])
    assert feats.shape == (0, len(FEATURE_NAMES))
    assert list(feats.columns) == list(FEATURE_NAMES)


def test_describe_features_lists_every_feature_with_a_description():
    table = describe_features()
    assert table["name"].tolist() == list(FEATURE_NAMES)
    assert set(table["family"]) == {"text", "markup", "context", "structure", "groups"}
    assert table["description"].map(lambda d: isinstance(d, str) and len(d.strip()) > 0).all()


# -- text shape -----------------------------------------------------------------------------------

def test_word_count_and_sentence_end():
    _, feats = features_of("The cat sat on the mat today.\nHome About Shop\n")
    assert math.isclose(feats["n_words_log"].iloc[0], math.log1p(7))
    assert math.isclose(feats["n_words_log"].iloc[1], math.log1p(3))
    assert feats["ends_terminal"].tolist() == [1.0, 0.0]


def test_character_counts_are_exact():
    lines = ["abcd", "ab 12.", "Ünïcödé wörds here", "last"]
    _, feats = features_of("\n".join(lines))
    counts = np.expm1(feats["n_chars_log"].to_numpy())
    np.testing.assert_allclose(counts, [nonspace_len(t) for t in lines])
    assert (feats["letter_share"] <= 1.0).all()
    np.testing.assert_allclose(feats["letter_share"], [1.0, 2 / 5, 1.0, 1.0])


@pytest.mark.parametrize("text, expected", [
    ('He said "yes."', 1.0), ("Is it?", 1.0), ("Wait…", 1.0), ("Done.)", 1.0), ("«Oui.»", 1.0),
    ("No end", 0.0), ("List:", 0.0), ("Price 5.00 EUR", 0.0),
])
def test_ends_terminal_allows_closing_quotes(text, expected):
    assert one(text, "ends_terminal") == expected


def test_ends_colon():
    assert one("Ingredients:", "ends_colon") == 1.0
    assert one("Ingredients", "ends_colon") == 0.0


@pytest.mark.parametrize("text, expected", [
    ("  • Facebook", 1.0), ("- item", 1.0), ("* item", 1.0), ("1. First step", 1.0), ("a) option", 1.0),
    ("Facebook", 0.0), ("2026 was a year", 0.0), ("A. Smith wrote this", 0.0), ("-5 degrees", 0.0),
])
def test_is_bullet(text, expected):
    assert one(text, "is_bullet") == expected


@pytest.mark.parametrize("text", [
    "The cat is on the table and it sleeps because it is warm.",
    "Die Katze sitzt auf dem Tisch und schläft, weil es warm ist.",
    "Le chat est sur la table et il dort parce qu'il fait chaud.",
])
def test_stopword_share_is_positive_for_prose_in_several_languages(text):
    assert one(text, "stopword_share") >= 0.3


def test_stopword_share_is_zero_for_a_menu():
    assert one("Home Products Pricing Contact", "stopword_share") == 0.0


@pytest.mark.parametrize("name, text", [
    ("has_date", "Posted 2026-06-12"), ("has_date", "on 12/06/2026"), ("has_date", "June 12, 2026"),
    ("has_date", "12 June 2026"), ("has_date", "3 days ago"),
    ("has_time", "at 14:30"),
    ("has_email", "write to a.b+c@example.org"),
    ("has_url", "visit https://example.org/x"), ("has_url", "see www.example.net"), ("has_url", "at example.com"),
    ("has_copyright", "© Acme"), ("has_copyright", "(c) 2020 Foo"), ("has_copyright", "Copyright Acme"),
    ("has_copyright", "All Rights Reserved"),
    ("has_price", "only $5"), ("has_price", "12 EUR"), ("has_price", "€ 12,50"),
    ("has_price", "12,50 €"), ("has_price", "ab 5€"), ("has_price", "2 699,00\xa0€"),  # the sign after the number
])
def test_pattern_flags_fire(name, text):
    assert one(text, name) == 1.0


@pytest.mark.parametrize("name", ["has_date", "has_time", "has_email", "has_url", "has_copyright", "has_price"])
def test_pattern_flags_stay_quiet_on_plain_prose(name):
    assert one("The cat sat on the mat in 2026 and was happy.", name) == 0.0


def test_a_dollar_after_a_number_in_code_is_not_a_price():
    assert one('<div className={`mb-4 ${open ? "block" : "hidden"}`}>', "has_price") == 0.0


def test_numeric_and_title_word_shares():
    assert one("12345 678", "numeric_word_share") == 1.0
    assert one("Home About Shop", "title_word_share") == 1.0
    assert one("a quiet sentence", "title_word_share") == 0.0


def test_separators_are_counted():
    assert one("Home | News | Sport » Football", "n_separators") == 3.0
    assert one("A plain sentence.", "n_separators") == 0.0


@pytest.mark.parametrize("text, expected", [
    ("READ MORE: Two Navies Hold Joint Drills Off the Coast", 1.0),
    ("  • See also – The history of the harbour", 1.0),
    ("Lesen Sie auch: Der neue Hafen", 1.0),
    ("Читайте также: Новости порта", 1.0),
    ("Read more", 0.0),  # a button, not a cue followed by a title
    ("Related posts", 0.0),
    ("We read more books in winter: long nights help.", 0.0),
    ("Watching the harbour: a diary.", 0.0),
    ("Don’t miss: The harbour at night", 1.0),  # curly apostrophe
    ("» Related Reading – A guide to the harbour", 1.0),
    ("Read more › The harbour at night", 1.0),
    ("Siehe auch: Der neue Hafen", 1.0),
    ("Zie ook: De nieuwe haven", 1.0),
    ("相关阅读：港口的历史", 1.0),
    ("Read More >>", 0.0),  # a button: nothing after the arrows
    ("Related-party transactions were approved by the board", 0.0),  # a hyphen, not a separator
    ("Read more ->", 0.0),
    ("【相关阅读】港口的历史", 1.0),
    ("[Read more: A Guide to the Harbour]", 1.0),
    ("Baca juga: Pelabuhan baru dibuka", 1.0),
    ("Leggi anche: Il nuovo porto", 1.0),
    ("Watch: Huge waves hit the harbour wall", 1.0),
    ("Watch: stainless steel case, 42 mm", 0.0),  # a spec: no capitalised title after the colon
    ("Recommended: Intel Core i5, 8 GB RAM", 0.0),
    ("Related – and just as important – is the budget.", 0.0),
    ("Check out: 11 am", 0.0),  # an opening hour
    ("Ayrıca okuyun: Limanın tarihi", 1.0),
    ("AYRICA BAKINIZ: Yeni liman", 1.0),
    ("İlgili haberler: Yeni liman açıldı", 1.0),
    ("Подробнее: Новости порта", 1.0),
    ("Подробнее о порте читайте в нашем обзоре.", 0.0),  # prose: no separator after the cue
    ("See also: § 823 BGB", 0.0),  # a reference within the same text, not a link away
    ("See also: Section 4.2 of the agreement", 0.0),
    ("See also: Sectional sofas for small rooms", 1.0),
    ("**See also:** § 823 BGB", 0.0),  # markdown emphasis does not hide the reference
    ("See also: Art. 5 GG", 0.0),
    ("Read more: Article 12 of the treaty", 0.0),
    ("Read more: Artichoke recipes for spring", 1.0),
    ("Read more: Arts Council funding", 1.0),
    ("**Read more:** The harbour at night", 1.0),
    ("Read more: **", 0.0),  # emphasis marks, no title
])
def test_cross_link_cue(text, expected):
    assert one(text, "cross_link_cue") == expected


def test_script_is_page_script_nan_without_letters():
    _, feats = features_of("Some english words here\nЗдесь русские слова\n12345")
    assert feats["script_is_page_script"].iloc[0] == 1.0
    assert feats["script_is_page_script"].iloc[1] == 0.0
    assert np.isnan(feats["script_is_page_script"].iloc[2])


# -- markup ------------------------------------------------------------------------------------------

def test_markup_features_are_nan_for_plain_text_and_is_html_zero():
    _, feats = features_of(raw_text(synthetic_lines(1)))
    assert (feats["is_html"] == 0.0).all()
    for name in markup.FEATURES:
        if name != "is_html":
            assert feats[name].isna().all(), f"{name} should be NaN for plain text"


def test_markup_features_are_filled_for_html():
    _, feats = features_of(synthetic_html(1, labelled=False))
    assert (feats["is_html"] == 1.0).all()
    for name in markup.FEATURES:
        assert feats[name].notna().all(), f"{name} should have a value for HTML"


def test_link_share_is_about_one_for_an_all_link_block():
    blocks, feats = features_of(
        "<html><body><p><a href='/a'>All of this block is a link</a></p>"
        "<p>Only <a href='/b'>one</a> word of this long paragraph is a link.</p></body></html>")
    assert feats["link_share"].iloc[0] == pytest.approx(1.0)
    assert 0.0 < feats["link_share"].iloc[1] < 0.15
    assert feats["n_links"].tolist() == [1.0, 1.0]


def test_landmark_heading_and_attribute_features():
    blocks, feats = features_of(
        "<html><body><nav class='top-menu'><a href='/'>Home</a></nav>"
        "<article class='entry-content'><h2>Heading</h2><p>Body text of the article.</p></article>"
        "<footer id='site-footer'><p>Footer text</p></footer><div hidden>Secret</div>"
        "<noscript>Enable scripts</noscript></body></html>")
    assert blocks["text"].tolist() == ["Home", "Heading", "Body text of the article.", "Footer text", "Secret",
                                       "Enable scripts"]
    assert feats["in_nav"].tolist() == [1, 0, 0, 0, 0, 0]
    assert feats["in_article"].tolist() == [0, 1, 1, 0, 0, 0]
    assert feats["in_footer"].tolist() == [0, 0, 0, 1, 0, 0]
    assert feats["heading"].tolist() == [0, 2, 0, 0, 0, 0]
    assert feats["attr_nav"].tolist() == [1, 0, 0, 0, 0, 0]
    assert feats["attr_content"].tolist() == [0, 1, 1, 0, 0, 0]
    assert feats["attr_footer"].tolist() == [0, 0, 0, 1, 0, 0]
    assert feats["hidden"].tolist() == [0, 0, 0, 0, 1, 0]
    assert feats["in_noscript"].tolist() == [0, 0, 0, 0, 0, 1]


# -- context -------------------------------------------------------------------------------------------

def test_duplicate_lines_are_counted_ignoring_case_and_digits():
    _, feats = features_of("Subscribe now\nA sentence.\nSUBSCRIBE NOW\nPage 1\nsubscribe now\nPage 2")
    assert feats["dup_count_log"].tolist() == pytest.approx(
        [math.log1p(2), 0, math.log1p(2), math.log1p(1), math.log1p(2), math.log1p(1)])
    assert feats["dup_first"].tolist() == [1, 1, 0, 1, 0, 0]


def test_rows_of_a_widget_share_their_opening_words_and_paragraphs_do_not():
    page = ("The ministry said on Monday that talks would go on.\n"
            "  • Wind: 4.46 m/s\n  • Humidity: 54%\n"
            "  • WIND: 2 m/s\n  • Humidity: 32%\n"
            "The talks began in March and will resume next week.\n"
            "  • Wind: 5 m/s\n"
            "!!!\n"
            "???")
    _, feats = features_of(page)
    # "wind 0" three times, "humidity 0" twice (case ignored, numbers alike); no words: no opening.
    assert np.expm1(feats["opening_dup_log"]).round().tolist() == [0, 2, 1, 2, 1, 0, 2, 0, 0]
    window = feats["opening_dup_win3"].to_numpy()
    assert window[1] == pytest.approx(np.mean(np.log1p([0, 1, 2, 1])))
    assert window[-1] == pytest.approx(np.mean(np.log1p([0, 2, 0])))


def test_position_and_gap_features():
    _, feats = features_of("one\n\ntwo\nthree\n\nfour\nfive")
    assert feats["rel_position"].tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    assert feats["gap_before"].tolist() == [0, 1, 0, 1, 0]
    assert feats["gap_after"].tolist() == [1, 0, 1, 0, 1]  # the page end counts as a break
    assert feats["page_blocks_log"].tolist() == pytest.approx([math.log1p(5)] * 5)


def test_neighbour_features_look_at_the_right_blocks():
    _, feats = features_of("one\ntwo words\nthree more words\nfour little words here")
    words = [1, 2, 3, 4]
    prev1 = feats["n_words_log_prev1"].to_numpy()
    next1 = feats["n_words_log_next1"].to_numpy()
    assert np.isnan(prev1[0]) and np.isnan(next1[-1])
    np.testing.assert_allclose(prev1[1:], np.log1p(words[:-1]))
    np.testing.assert_allclose(next1[:-1], np.log1p(words[1:]))
    # window mean over up to 3 blocks each side, itself excluded
    np.testing.assert_allclose(feats["n_words_log_win3"].iloc[0], np.log1p(words[1:]).mean())


def _two_pages():
    first, _ = parse_document(synthetic_html(5, labelled=False))
    second, _ = parse_document(raw_text(synthetic_lines(6)))
    third, _ = parse_document("<html><body><h1>Short page</h1><p>Only this. And this.</p></body></html>")
    return first, second, third


def test_neighbour_features_never_cross_page_boundaries():
    first, second, third = _two_pages()
    feats = compute_features(page_frame(first, second, third))
    start2, start3 = len(first), len(first) + len(second)
    for name in context.NEIGHBOUR_BASE:
        assert np.isnan(feats[f"{name}_prev1"].iloc[start2]), name
        assert np.isnan(feats[f"{name}_prev2"].iloc[start2 + 1]), name
        assert np.isnan(feats[f"{name}_next1"].iloc[start2 - 1]), name
        assert np.isnan(feats[f"{name}_next2"].iloc[start3 - 2]), name
    assert feats["rel_position"].iloc[start2] == 0.0
    assert feats["blocks_before_log"].iloc[start3] == 0.0


def test_stacked_pages_give_the_same_features_as_separate_pages():
    tables = _two_pages()
    stacked = compute_features(page_frame(*tables)).reset_index(drop=True)
    separate = pd.concat([compute_features(t) for t in tables], ignore_index=True)
    names = [n for n in FEATURE_NAMES if n not in CHAR_COUNT_FEATURES]
    pd.testing.assert_frame_equal(stacked[names], separate[names])


def test_stacked_pages_give_the_same_character_features_as_separate_pages():
    tables = _two_pages()
    stacked = compute_features(page_frame(*tables)).reset_index(drop=True)
    separate = pd.concat([compute_features(t) for t in tables], ignore_index=True)
    names = list(CHAR_COUNT_FEATURES)
    pd.testing.assert_frame_equal(stacked[names], separate[names])


def test_page_argument_matches_page_column_and_any_increasing_ids():
    tables = _two_pages()
    stacked = page_frame(*tables)
    with_column = compute_features(stacked)
    ids = stacked.pop("page").to_numpy() * 7 + 3
    pd.testing.assert_frame_equal(compute_features(stacked, page=ids).reset_index(drop=True),
                                  with_column.reset_index(drop=True))


def test_the_lines_of_a_pre_block_change_no_feature():
    # The bundled model was trained when <pre> blocks were one line: the same characters but
    # spaces for line breaks.  Its features must not see the difference.
    blocks, _ = parse_document(PRE_PAGE, "html")
    assert blocks["text"].str.contains("\n").any()
    flat = blocks.assign(text=blocks["text"].str.replace("\n", " "))
    pd.testing.assert_frame_equal(compute_features(blocks), compute_features(flat))


def test_pages_out_of_order_are_rejected():
    tables = _two_pages()
    stacked = page_frame(*tables)
    stacked["page"] = stacked["page"].max() - stacked["page"]
    with pytest.raises(ValueError, match="contiguous"):
        compute_features(stacked)


def test_page_numbers_that_are_not_numbers_are_refused_and_numeric_strings_read():
    stacked = page_frame(*_two_pages())
    expected = compute_features(stacked)
    with pytest.raises(ValueError, match="page numbers must be whole numbers .* such as 'a'"):
        compute_features(stacked.assign(page=np.where(stacked["page"] == 0, "a", "b")))
    as_text = compute_features(stacked.assign(page=stacked["page"].astype(str)))
    np.testing.assert_array_equal(as_text.to_numpy(), expected.to_numpy())


def test_a_page_gets_the_same_section_features_alone_and_in_a_batch():
    # The last line of the first page stands alone: a heading, whatever page follows it.
    first = "Story\n\nA sentence of the story, told in full.\n\nRelated posts"
    second = "Next page\nstarts here without a break."
    tables = [parse_document(d, "text")[0] for d in (first, second)]
    alone = compute_features(tables[0])
    batch = compute_features(page_frame(*tables))
    assert alone["section_related"].iloc[-1] == 1.0
    pd.testing.assert_frame_equal(batch.loc[0].reset_index(drop=True), alone.reset_index(drop=True))


def test_every_page_gets_bit_identical_features_alone_and_in_a_batch():
    # Running sums over a whole batch round differently from a page's own; a last-bit change can
    # cross a tree split, so clean_many and clean would disagree on a block.
    documents = [synthetic_html(seed, labelled=False) for seed in (7, 8, 9)] + [raw_text(synthetic_lines(10)),
                                                                                "Related\n\nHello world sentence."]
    tables = [parse_document(d)[0] for d in documents]
    batch = compute_features(page_frame(*tables))
    for page, table in enumerate(tables):
        alone = compute_features(table).to_numpy()
        assert np.array_equal(batch.loc[[page]].to_numpy(), alone, equal_nan=True), page
