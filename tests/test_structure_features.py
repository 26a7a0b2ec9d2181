"""Container, prose-position, repeated-group and section features on small hand-written pages."""

from __future__ import annotations

import numpy as np

from features import compute_features, parse_document

ARTICLE = """<html><body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<div class="layout">
  <article class="story">
    <h1>Bridge repairs start</h1>
    <p>The council agreed on Tuesday to spend more money on the repair of the old bridge, after a long debate.</p>
    <p>Work will start in the spring, and the bridge will stay open to people on foot while it goes on.</p>
    <p>Engineers say the new deck should last at least fifty years, if the steel is painted every decade.</p>
  </article>
  <aside><h3>Related stories</h3><ul>
    <li><a href="/a">Ferry timetable changes</a></li><li><a href="/b">New bike lanes</a></li>
    <li><a href="/c">Museum night</a></li></ul></aside>
</div>
<footer><p>© 2026 Gazette</p></footer>
</body></html>"""

SHOP = """<html><body><div class="grid">""" + "".join(
    f"""<div class="card"><h3 class="title">Trail shoe model {i}</h3><p class="price">${100 + i}.00</p>
    <p class="blurb">Light and grippy.</p></div>""" for i in range(6)) + """</div></body></html>"""


def table(html):
    blocks, _ = parse_document(html, "html")
    return blocks, compute_features(blocks).reset_index(drop=True)


def row(blocks, text):
    return int(np.flatnonzero(blocks["text"].to_numpy() == text)[0])


def test_paths_nest_and_siblings_share_their_container():
    blocks, _ = table(ARTICLE)
    first = blocks["path"][row(blocks, "Home")]
    second = blocks["path"][row(blocks, "News")]
    assert first[:-1] == second[:-1] and first[-1] != second[-1]  # two <li> in one <ul>
    paragraph = blocks["path"][row(blocks, "Bridge repairs start")]
    assert len(paragraph) > 2 and paragraph[0] == first[0]  # the same <html> root


def test_article_paragraphs_are_in_the_main_container_and_the_menu_is_not():
    blocks, feats = table(ARTICLE)
    prose = feats["in_main_block"][row(blocks, "Engineers say the new deck should last at least fifty years, "
                                              "if the steel is painted every decade.")]
    assert prose == 1.0
    assert feats["in_main_block"][row(blocks, "Home")] == 0.0
    assert np.isnan(feats["below_main_block"][row(blocks, "Home")])
    assert 0.5 <= feats["main_block_words_share"][0] <= 1.0


def test_container_link_share_separates_menus_from_text():
    blocks, feats = table(ARTICLE)
    assert feats["c1_link_share"][row(blocks, "Home")] > 0.9
    assert feats["c1_link_share"][row(blocks, "Bridge repairs start")] < 0.1


def test_prose_position_tells_what_follows_the_article():
    blocks, feats = table(ARTICLE)
    related = row(blocks, "Related stories")
    assert feats["prose_after_share"][related] == 0.0
    assert feats["prose_before_share"][related] == 1.0
    assert np.isnan(feats["blocks_to_prose_log"][related])
    assert feats["blocks_since_prose_log"][related] == np.log1p(1)
    assert feats["is_prose"].sum() == 3


def test_section_heading_flags_the_blocks_under_it():
    blocks, feats = table(ARTICLE)
    assert feats["section_related"][row(blocks, "New bike lanes")] == 1.0
    assert feats["section_related"][row(blocks, "Work will start in the spring, and the bridge will stay open "
                                           "to people on foot while it goes on.")] == 0.0


def test_section_heading_in_plain_text_is_a_short_standalone_line():
    text = ("The council agreed to repair the bridge after a long debate on Tuesday.\n\n"
            "Leave a comment\n\nYour email address will not be published.")
    blocks, _ = parse_document(text, "text")
    feats = compute_features(blocks).reset_index(drop=True)
    assert feats["section_comments"].tolist() == [0.0, 1.0, 1.0]


def test_repeated_cards_form_groups_with_prices_and_equal_sizes():
    blocks, feats = table(SHOP)
    title = row(blocks, "Trail shoe model 3")
    price = row(blocks, "$103.00")
    assert np.exp(feats["group_size_log"][title]) == 6
    assert feats["group_price_share"][price] == 1.0 and feats["group_price_share"][title] == 0.0
    assert feats["group_same_size"][title] == 2  # the price group and the blurb group have 6 members too
    assert feats["group_spread"][title] > 2  # other card fields sit between the titles
    assert feats["page_price_share"][0] == 6 / len(blocks)


def test_group_and_section_features_are_page_local():
    one, _ = parse_document(SHOP, "html")
    two, _ = parse_document(ARTICLE, "html")
    import pandas as pd
    stacked = pd.concat([one.assign(page=0), two.assign(page=1)], ignore_index=True)
    together = compute_features(stacked).reset_index(drop=True)
    apart = pd.concat([compute_features(one), compute_features(two)], ignore_index=True)
    pd.testing.assert_frame_equal(together, apart)


def test_plain_text_has_no_container_features():
    blocks, _ = parse_document("A line of text that is long enough to matter here.\nAnother one.", "text")
    feats = compute_features(blocks)
    assert feats[["in_main_block", "c1_words_share", "c2_link_share"]].isna().all().all()
