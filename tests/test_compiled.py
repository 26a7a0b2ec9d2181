"""The compiled core against its pure-Python reference, compared inside one process.

Each test runs both paths on the same input: the DOM walk (``features/_walk.pyx`` against
``html_blocks.python_columns``, on the same parsed tree), the block features (``features/_text.pyx``
under ``features.compute_features``, every column against the pure-Python one), the word model's
hashing (``model/_hashing.pyx`` against ``lexical._python_hash_chunk`` and scikit-learn's
``HashingVectorizer``) and tree prediction (``model/_forest.pyx`` against scikit-learn's own).  Comparing in one process needs no second run of the suite and shows
the two results side by side; ``BOILERPLATE_PURE_PYTHON`` is tested here in a subprocess.  The
comparisons skip where the extensions are not built (CI checks that they are, ``.ci/run``); the
loading and fallback tests run everywhere.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import pickle
import re
import subprocess
import sys
import types
import warnings

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from conftest import LABELLED_SAMPLES, PRE_PAGE, REPO_ROOT, SAMPLES, synthetic_html
from features import FEATURE_NAMES, compiled, compute_features, context, html_blocks, markup, text_shape
from features.blocks import blocks_frame, parse_columns, text_columns
from features.decode import DEFAULT_LIMITS, Limits, PageError, to_text
from model import lexical, trees
from test_hostile import CASES, REFUSED, SCALING
from test_properties import html_ish


def _walk_or_skip():
    if html_blocks._compiled is None:
        pytest.skip(f"the compiled walk is not in use: {compiled.status()['features._walk']}")
    return html_blocks._compiled


def _forest_or_skip():
    if trees._compiled is None:
        pytest.skip(f"the compiled predictor is not in use: {compiled.status()['model._forest']}")


# -- the walk into blocks -------------------------------------------------------------------

def _typed(value):
    """``value`` with the type of every item, so that 1 and True or 1 and 1.0 differ."""
    if isinstance(value, tuple):
        return ("tuple", tuple(_typed(v) for v in value))
    return (type(value).__name__, value)


def _outcome(walk, root, limits):
    try:
        columns = walk(root, limits)
    except PageError as exc:
        return ("PageError", str(exc))
    return {name: [_typed(v) for v in values] for name, values in columns.items()}


def assert_same_walk(page: str, limits: Limits = DEFAULT_LIMITS) -> int:
    """Both walks give the same columns (or the same refusal) for ``page``; returns its blocks."""
    walk = _walk_or_skip()
    root = html_blocks._parse(page)
    reference = _outcome(html_blocks.python_columns, root, limits)
    ours = _outcome(walk.columns, root, limits)
    if reference != ours and isinstance(reference, dict) and isinstance(ours, dict):
        for name in reference:  # name the first difference, not a wall of columns
            assert ours[name] == reference[name], name
    assert ours == reference
    return len(reference["text"]) if isinstance(reference, dict) else 0


def test_the_walk_gives_all_the_block_columns():
    _walk_or_skip()
    page = synthetic_html(3)
    columns = html_blocks.html_columns(page)
    assert set(columns) == set(html_blocks.python_columns(html_blocks._parse(page), DEFAULT_LIMITS))
    assert len(columns) == 18 and len(columns["text"]) > 5


def test_same_blocks_on_the_sample_pages():
    pages = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.html"))]
    pages += [json.loads(line)["html"] for line in (SAMPLES / "gold-pages.jsonl").read_text().splitlines()
              if "html" in json.loads(line)]
    pages += [synthetic_html(seed, labelled) for seed in range(10) for labelled in (True, False)] + [PRE_PAGE]
    assert len(pages) >= 23
    assert sum(assert_same_walk(page) for page in pages) > 200


@pytest.mark.parametrize("name", [name for name in CASES if not name.endswith("(text)")])
def test_same_blocks_on_hostile_pages(name):
    data, _ = CASES[name]()
    if len(data) > DEFAULT_LIMITS.max_bytes:
        data = data[:DEFAULT_LIMITS.max_bytes]  # what parsing would see if the limit were raised
    try:
        page = to_text(data)
    except PageError:
        pytest.skip("refused before parsing: no walk to compare")
    assert_same_walk(page, Limits(max_blocks=5_000))


@pytest.mark.parametrize("name", list(SCALING))
def test_same_blocks_on_pages_that_could_be_quadratic(name):
    assert_same_walk(SCALING[name](20_000))


# Tags, attributes and text where the two walks could part: names that Python lower-cases
# differently from libxml2 (which lower-cases ASCII only), evidence attributes, Unicode spaces.
ODD_TAGS = ("P", "DIV", "bloc\u212aquote", "\u212a", "dİv", "ſcript", "svg:p", "a", "A", "pre", "li", "ul", "td",
            "noscript", "h2", "nav", "code", "script", "br", "x-y", "p:q")
ODD_ATTRIBUTES = ("class", "CLASS", "id", "role", "hidden", "style", "data-label", "href")
ODD_VALUES = ("", "Nav", " a  B ", "navigation", " MAIN", "display:none", "visibility : hidden", "İ K", "\u2028x",
              "content", "boilerplate")
odd_text = st.text(st.sampled_from("ab \n\t\r\x0b\x0c\x1c\x85\xa0\u2028\u3000é<>&;"), max_size=12)
odd_attribute = st.tuples(st.sampled_from(ODD_ATTRIBUTES), st.sampled_from(ODD_VALUES)).map(
    lambda kv: f" {kv[0]}='{kv[1]}'")
odd_element = st.tuples(st.sampled_from(ODD_TAGS), st.lists(odd_attribute, max_size=3), st.booleans())
odd_html = st.recursive(
    odd_text,
    lambda inner: st.one_of(
        st.tuples(odd_element, st.lists(inner, max_size=4)).map(
            lambda e: f"<{e[0][0]}{''.join(e[0][1])}>{''.join(e[1])}" + (f"</{e[0][0]}>" if e[0][2] else "")),
        st.lists(inner, max_size=4).map("".join)),
    max_leaves=40)


@given(st.one_of(html_ish, odd_html))
def test_same_blocks_on_generated_html(page):
    assert_same_walk(page)
    assert_same_walk(page, Limits(max_depth=2, max_blocks=3))


EDGE_PAGES = {
    "tag names that lower-case to block tags": ("<bloc\u212aquote>one</bloc\u212aquote> two<p>three</p>"
                                                "<DİV class='A İ'>four</DİV><ſcript>five</ſcript>"
                                                "<x\u212a>six</x\u212a>"),
    "names with colons and odd characters": "<svg:p>a</svg:p><o:p>b</o:p><p:q class=x>c</p:q><a:a href=1>d</a:a>",
    "unicode spaces in text and tails": "<p>\u2028</p>x<div>\u3000\x85<b>y</b>\xa0\u2029</div>\u00a0z\x1c<p>\x0b</p>",
    "links with no-break spaces": "<p><a href=/x>a\xa0b c\td\r\ne</a> and <a>no href</a><a HREF=y>Y</a></p>",
    "tails that start blocks": "<div>\n<p>x</p>\n\n  tail one\n<span>s</span>\n\n\ttail two</div>\n\n\n after",
    "pre blocks": "<pre>\r\n a \x0b b\x0c\x1cc\u2028d\n\n<b>e</b>\n</pre><pre>   </pre><code>f\ng</code>",
    "evidence attributes": "<div class='  One\tTWO ' id=Main role=' Navigation '><p hidden>h</p>"
                           "<p style='color:red; DISPLAY : none'>s</p><p data-label=content>l</p>"
                           "<p data-label=''>e</p><noscript><p>n</p></noscript><p role=banner>r</p></div>",
    "long class chains": "".join(f"<div class='c{i} {'x' * (i % 40)}'>" for i in range(60)) + "deep"
                         + "</div>" * 60,
    "lists and tables": "<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><ol><li>d</li></ol><dl><dt>e<dd>f</dl>"
                        "<table><tr><td>g<td>h<tr><th>i</table><menu><li>j</menu>",
    "text after a stray end of html": "<html><body><p>in</p></body></html><p>after</p> tail <div>more</div>",
    "skipped elements": "<p>a<script>b</script>c<style>d</style>e<svg><p>f</p></svg>g<select><option>h</select>i</p>",
    "entities": "<p>&amp; &lt;x&gt; &nbsp;&#8212;&#0;&#xD800;&bogus; &</p>",
    "nothing": "",
    "only markup": "<html><head><title>t</title></head><body></body></html>",
}


@pytest.mark.parametrize("name", list(EDGE_PAGES))
def test_same_blocks_on_edge_cases(name):
    page = EDGE_PAGES[name]
    for limits in (DEFAULT_LIMITS, Limits(max_depth=1), Limits(max_depth=3), Limits(max_blocks=2)):
        assert_same_walk(page, limits)


def test_same_line_numbers_past_65535_lines():
    # libxml2 keeps element lines in 16 bits: lxml's sourceline stops at 65535, and so must ours
    page = ("<html><body>\n" + "<p>early</p>\n" * 70_000 + "<div>\n<p>late</p>\n\n tail\n<pre>a\nb</pre></div>"
            "<ul><li>i</li></ul>\n<span>s</span> text\n")
    assert assert_same_walk(page) == 70_005
    assert html_blocks.html_columns(page)["line"][-1] == 65535


def test_same_blocks_on_a_page_too_deep_for_libxml2_and_one_past_the_attribute_cap():
    deep = "<p>first</p>\n" + "<div>" * 3000 + "<p>deep</p>\n" + "</div>" * 3000 + "<p>last</p>"
    assert assert_same_walk(deep) == 3
    wide = "<p>" + "x" * 70_000 + "</p><div " + " ".join(f"a{i}=1" for i in range(1500)) + " class=k>in</div>"
    assert assert_same_walk(wide) == 2


def test_the_walk_refuses_too_many_blocks_as_the_reference_does():
    walk = _walk_or_skip()
    page = "<p>x</p>" * 50
    with pytest.raises(PageError, match="more than 10 blocks"):
        walk.columns(html_blocks._parse(page), Limits(max_blocks=10))
    with pytest.raises(TypeError, match="lxml element"):
        walk.columns("<p>x</p>", DEFAULT_LIMITS)


def test_same_blocks_on_every_wcxb_page(wcxb_dir):
    from features.decode import decode_bytes

    files = sorted((wcxb_dir / "dev" / "html").glob("*.html.gz"))
    blocks = sum(assert_same_walk(decode_bytes(gzip.open(path).read())) for path in files)
    assert len(files) > 1000 and blocks > 400_000


# -- the block features ---------------------------------------------------------------------

def _text_or_skip():
    if text_shape._compiled is None:
        pytest.skip(f"the compiled block features are not in use: {compiled.status()['features._text']}")
    return text_shape._compiled


def assert_same_features(blocks) -> int:
    """Every feature column of ``blocks`` is the same on both paths, value for value (NaN where
    the reference has NaN); returns the blocks compared."""
    _text_or_skip()
    ours = compute_features(blocks)
    with compiled.reference():
        reference = compute_features(blocks)
    assert list(ours.columns) == list(reference.columns) == list(FEATURE_NAMES)
    for name in FEATURE_NAMES:  # name the column that differs, and where
        np.testing.assert_array_equal(ours[name].to_numpy(), reference[name].to_numpy(), err_msg=name, strict=True)
    np.testing.assert_array_equal(ours.index.to_numpy(), reference.index.to_numpy())
    return len(blocks)


def _stacked(documents) -> "pd.DataFrame":
    """One block table of many (document, kind) pages, as ``clean_many`` stacks them."""
    return blocks_frame([parse_columns(document, kind)[0] for document, kind in documents])


def _lines_table(texts: list[str], gaps: bool = False):
    """A plain-text block table whose blocks are exactly ``texts`` (unstripped, any characters);
    with ``gaps``, each one a paragraph of its own (a short one reads as a heading)."""
    columns = text_columns(("\n\n" if gaps else "\n").join("x" for _ in texts))
    columns["text"] = list(texts)
    return blocks_frame(columns)


def test_same_features_on_the_labelled_pages():
    from training.pages import load_pages

    blocks = load_pages([LABELLED_SAMPLES]).blocks
    assert assert_same_features(blocks) > 100


def test_same_features_on_the_sample_pages_alone_and_stacked():
    documents = _documents()
    assert assert_same_features(_stacked(documents)) > 200
    for document in documents:
        assert_same_features(_stacked([document]))


@pytest.mark.parametrize("name", [name for name in CASES if name not in REFUSED])
def test_same_features_on_hostile_pages(name):
    data, _ = CASES[name]()
    assert_same_features(_stacked([(data, "auto")]))


# Characters where counting could part from the reference: digits of other scripts and of the
# astral planes, letters whose lower case is longer ("İ") or depends on the word ("Σ") or that
# fold to ASCII ("K", "ſ"), scripts without spaces (with their own digits: Thai), astral Han and
# emoji, Unicode spaces, separators, sentence ends, closers, the characters the flag patterns
# look for, a lone surrogate.
ODD_CHARACTERS = ("aAeEgGlLoOpPrRuUvVwWyYcC019 \t\xa0\u2028\u3000|/»›>·•.!?。！？…;:：,，、\"'”’»)]›$€£¥₹@©()-"
                  "٣๑ก東京にはİıΣσςſ\u212aßÉé\U00020000\U0001d7d9\U0001f600\u0301_年月월년\ud800")
# and pieces of what the flag patterns and the separators count look for, to meet in a block
ODD_PIECES = (" | ", " | | ", " / ", "2024", " 1999", "12:30", "1.2.", "5 ", " ago", "ll r", "erve", "(c)", "pyr",
              "www.", "://", ".com", "USD", "Read more:", "See also »", "the ", "and ", "der ", "ΚΑΙ ", "Ⅻ",
              # and of the section keywords, some in the letters re.IGNORECASE equates (ſ and s, ı and i)
              "Related", "ſhare", "REPLİES", "faq", "ΣΧΕΤΙΚΆ", "\u212aommentar", "Newſletter", "recommend", "avis")
odd_block = st.lists(st.sampled_from(list(ODD_CHARACTERS) + list(ODD_PIECES)), max_size=16).map("".join)


@settings(max_examples=300)
@given(st.lists(st.one_of(odd_block, st.sampled_from(["the cat", "Read more: next story", "12.05.2024",
                                                      "© 2026 x. All rights reserved", "10:30", "$ 5", "a | b | c",
                                                      "3 days ago", "see www.example.com", "x@y.org"])),
                max_size=12))
@example(["a | | b", "x / / / y » z", "Home | About |", "| a |"])  # separators that share a space count once
@example(["Ⅻ ΣΟΦΟΣ İi KELVIN \u212a ſ", "東京は2024年5月6日", "x\U0001d7d9\U0001d7da y", "\U00020000\U0001f600 e\u0301"])
def test_same_features_on_generated_text(texts):
    assert_same_features(_lines_table(texts))
    assert_same_features(_lines_table(texts, gaps=True))  # every short line a heading: the section keywords


def test_the_section_prefilter_folds_as_re_ignorecase_compares():
    """A heading is searched for a section keyword only if its folded text holds a required
    string: that must hold for every text the pattern matches.  It does if every character that
    re.IGNORECASE matches to a character of a required string folds as that one does, which is
    checked here over all of Unicode, and if the C fold is the Python one."""
    from features import groups

    module = _text_or_skip()
    assert groups._section_prefilter(module)
    literals = sorted({ch for pattern in groups.SECTION_KEYWORDS.values()
                       for string in groups.required_strings(pattern) or [] for ch in string})
    assert len(literals) > 100
    everything = "".join(map(chr, range(0x110000)))
    any_literal = re.compile("[" + "".join(map(re.escape, literals)) + "]", re.I)
    hits = {match.group() for match in any_literal.finditer(everything)}
    assert len(hits) > len(literals)  # upper cases, and the equated letters
    for ch in hits:
        for literal in literals:
            if re.fullmatch(re.escape(literal), ch, re.I):
                assert groups.fold_text(ch) == groups.fold_text(literal), (ch, literal)
    sample = "".join(sorted(hits)) + "İıſKΣςσΐ\u0345ẞß"
    assert module.folded(sample) == groups.fold_text(sample)
    assert module.folded(everything[:0x3000]) == groups.fold_text(everything[:0x3000])


def test_the_section_prefilter_finds_what_the_patterns_match():
    from features import groups

    module = _text_or_skip()
    groups._section_prefilter(module)
    headings = ["Related posts", "Leave a Reply", "About us", "FAQ", "ſhare this", "ΣΧΕΤΙΚΆ ΆΡΘΡΑ", "İLGİLİ HABERLER",
                "Newsletter", "Shipping & returns", "Customer reviews", "Our products", "相关新闻", "", "x"]
    candidates = module.section_candidates(headings)
    for heading, bits in zip(headings, candidates.tolist()):
        for bit, pattern in enumerate(groups._SECTION_RES.values()):
            if pattern.search(heading):
                assert bits >> bit & 1, (heading, bit)
    assert candidates[2] == 0 and candidates[-1] == 0 and candidates[0] & 1


@given(st.one_of(html_ish, odd_html))
def test_same_features_on_generated_html(page):
    try:
        table = _stacked([(page, "html")])
    except PageError:  # binary data ("\x08") is refused before any feature: nothing to compare
        assume(False)
    assert_same_features(table)


def test_same_duplicate_and_opening_keys():
    _text_or_skip()
    texts = ["", " ", "A  b\tC ", "Price 12,50 € and 3 more", "İstanbul ΣΟΦΟΣ ſtraße 𝟙𝟚 x", "٣٤ ๑๒ก 東京 2024年",
             "x" * 200 + " 12", "\u3000 lead\u2028 trail \x85", "a_b-c d", "\ud800 lone"]
    ours = context._keys(texts)
    with compiled.reference():
        assert ours == context._keys(texts)
    assert ours[0][2] == "a b c" and ours[1][3] == "price 0"


def test_same_keyword_bits_called_again_and_with_values_that_are_not_strings():
    _text_or_skip()
    values = np.array(["", "nav main-menu", "Navigation", "site-footer  copyright", "ads", "x\ty", "nav main-menu"],
                      dtype=object)
    with compiled.reference():
        expected = markup.keyword_bits(values)
    for _ in range(2):  # the second call answers from what the first one remembered
        np.testing.assert_array_equal(markup.keyword_bits(values), expected)
    assert expected[1] and not expected[0]
    odd = np.array(["nav", None], dtype=object)  # the reference's answer, whatever it is
    with compiled.reference():
        np.testing.assert_array_equal(markup.keyword_bits(odd), markup.keyword_bits(odd))


@settings(max_examples=200)
@given(st.lists(st.one_of(st.floats(width=64), st.sampled_from([0.0, -0.0, 1.0, 0.1, 1e300, -1e300])), max_size=40),
       st.lists(st.integers(1, 12), max_size=6))
def test_same_neighbours_windows_and_page_sums(values, sizes):
    from features.pages import PageIndex

    _text_or_skip()
    values = np.asarray(values, dtype=np.float64)
    page = np.repeat(np.arange(len(sizes) + 1), sizes + [max(len(values) - sum(sizes), 0)])[:len(values)]
    pages = PageIndex(page)
    windows = [(3, 3, True), (10, 10, True), (2, 2, True), (6, 6, True), (1, 0, False), (0, 0, True)]

    def run():
        return ([pages.shift(values, k) for k in (-2, -1, 1, 2)] + [pages.window_mean(values, *w) for w in windows]
                + [pages.page_sum(values), pages.cumsum_before(values), pages.page_sum(values > 0)])

    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: NaN on both paths
        ours = run()
        with compiled.reference():
            reference = run()
    for got, expected in zip(ours, reference, strict=True):
        np.testing.assert_array_equal(got, expected, strict=True)


def test_same_features_on_every_wcxb_page(wcxb_dir):
    from features.decode import decode_bytes
    from training.gold import html_to_text

    files = sorted((wcxb_dir / "dev" / "html").glob("*.html.gz"))
    compared = 0
    for i in range(0, len(files), 100):
        pages = [decode_bytes(gzip.open(path).read()) for path in files[i:i + 100]]
        compared += assert_same_features(_stacked([(page, "html") for page in pages]))
        compared += assert_same_features(_stacked([(html_to_text(page), "text") for page in pages]))
    assert len(files) > 1000 and compared > 600_000


# -- the word model's hashing ------------------------------------------------------------------

def _hashing_or_skip():
    if lexical._compiled is None:
        pytest.skip(f"the compiled hashing is not in use: {compiled.status()['model._hashing']}")


def assert_same_hashes(texts: list[str]) -> int:
    """``hash_ngrams`` gives the same matrix on both paths, part for part and dtype for dtype;
    returns its stored values."""
    _hashing_or_skip()
    ours = lexical.hash_ngrams(texts)
    with compiled.reference():
        reference = lexical.hash_ngrams(texts)
    assert ours.shape == reference.shape and ours.has_sorted_indices
    for part in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(ours, part), getattr(reference, part), err_msg=part, strict=True)
    return ours.nnz


def _hashing_vectorizer(texts):
    from sklearn.feature_extraction.text import HashingVectorizer

    from features.tokens import UNIT_PATTERN

    return HashingVectorizer(n_features=lexical.N_HASHED, ngram_range=(1, 2), alternate_sign=False,
                             token_pattern=UNIT_PATTERN, dtype=np.float32).transform(texts)


def test_same_hashes_on_the_labelled_and_sample_pages():
    from training.pages import load_pages

    texts = load_pages([LABELLED_SAMPLES]).blocks["text"].tolist() + _stacked(_documents())["text"].tolist()
    assert assert_same_hashes(texts) > 2000
    assert (lexical.hash_ngrams(texts) != _hashing_vectorizer(texts)).nnz == 0


@pytest.mark.parametrize("name", [name for name in CASES if name not in REFUSED])
def test_same_hashes_on_hostile_pages(name):
    data, _ = CASES[name]()
    assert_same_hashes(_stacked([(data, "auto")])["text"].tolist())


@settings(max_examples=200)
@given(st.lists(st.one_of(odd_block, odd_block.map(lambda t: t.replace("e", "\x00"))), max_size=8))
@example(["ΣΟΦΟΣ Σ. ΑΣ\x00ΣΑ σοφοσ", "İstanbul ıi \u212aelvin ſ", "東京は2024年 東京", "\U00020000\U00020001 𝟙𝟚 😀",
          "a\x00b a b", "", " ", "x" * 5000, "é e\u0301 É"])
def test_same_hashes_on_generated_text(texts):
    assert_same_hashes(texts)
    if texts:  # (scikit-learn's refuses an empty list)
        assert (lexical.hash_ngrams(texts) != _hashing_vectorizer(texts)).nnz == 0


def test_the_word_model_gives_scikit_learns_probabilities(trained_model):
    _hashing_or_skip()
    texts = _stacked(_documents())["text"].tolist()
    hashed = trained_model.lexical_.transform(texts)
    expected = trained_model.lexical_.linear_.predict_proba(hashed)[:, 1]
    np.testing.assert_array_equal(trained_model.lexical_.predict(hashed), expected, strict=True)
    with compiled.reference():
        np.testing.assert_array_equal(trained_model.lexical_.predict(hashed), expected, strict=True)


def test_same_hashes_on_every_wcxb_page(wcxb_dir):
    from features.decode import decode_bytes

    files = sorted((wcxb_dir / "dev" / "html").glob("*.html.gz"))
    stored = 0
    for i in range(0, len(files), 200):
        pages = [decode_bytes(gzip.open(path).read()) for path in files[i:i + 200]]
        stored += assert_same_hashes(_stacked([(page, "html") for page in pages])["text"].tolist())
    assert len(files) > 1000 and stored > 1_000_000


# -- tree prediction ------------------------------------------------------------------------

def _fitted(n_classes=2, n_features=7, missing=0.2, seed=0, **params):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(600, n_features))
    X[rng.random(X.shape) < missing] = np.nan  # missing values, sent left or right by the splits
    signal = np.nan_to_num(X[:, :2]).sum(axis=1) + rng.normal(scale=0.5, size=len(X))
    y = np.digitize(signal, np.quantile(signal, np.linspace(0, 1, n_classes + 1)[1:-1]))
    params = {"max_iter": 25, "max_leaf_nodes": 15, "min_samples_leaf": 5, "random_state": seed} | params
    return HistGradientBoostingClassifier(**params).fit(X, y), rng.normal(size=(300, n_features))


@pytest.mark.parametrize("case", [
    {}, {"n_features": 1}, {"n_features": 40, "missing": 0.6}, {"missing": 0.0}, {"n_classes": 3},
    {"min_samples_leaf": 500},  # trees of one leaf
    {"max_leaf_nodes": 63, "max_iter": 60, "seed": 4},
])
def test_the_predictor_is_scikit_learns_to_the_last_bit(case):
    _forest_or_skip()
    model, X = _fitted(**case)
    X[::7, 0] = np.nan
    X[::11] = np.inf
    X = np.asfortranarray(X)
    expected = model._raw_predict(X, n_threads=1)
    got = trees.raw_predict(model, X)
    assert got.shape == expected.shape and np.array_equal(got, expected)
    np.testing.assert_array_equal(trees.raw_predict(model, np.ascontiguousarray(X), n_jobs=2), expected)
    assert trees._forest(model) is not None


def test_the_predictor_follows_a_model_fitted_again():
    _forest_or_skip()
    model, X = _fitted()
    before = trees.raw_predict(model, X)
    model.set_params(max_iter=5).fit(*_training_set(seed=9))
    assert np.array_equal(trees.raw_predict(model, X), model._raw_predict(X, n_threads=1))
    assert not np.array_equal(before, model._raw_predict(X, n_threads=1))


def _training_set(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 7))
    return X, (X[:, 3] > 0).astype(int)


def test_categorical_splits_are_left_to_scikit_learn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(1)
    X = np.column_stack([rng.integers(0, 5, 400), rng.normal(size=400)]).astype(float)
    y = (X[:, 0] % 2 == 0).astype(int)
    model = HistGradientBoostingClassifier(max_iter=10, categorical_features=[0], random_state=0).fit(X, y)
    assert trees._forest(model) is None
    np.testing.assert_array_equal(trees.raw_predict(model, X), model._raw_predict(X, n_threads=1))


def test_the_predictor_refuses_a_matrix_of_another_width_in_one_sentence():
    _forest_or_skip()
    model, X = _fitted()
    with pytest.raises(ValueError, match=r"^X has 6 features, but HistGradientBoostingClassifier is expecting 7"):
        trees.raw_predict(model, X[:, :6])


@pytest.mark.parametrize("n_jobs, threads", [(None, 1), (1, 1), (3, 3), (-1, None)])
def test_n_jobs_is_the_number_of_threads(n_jobs, threads):
    from joblib import cpu_count

    assert trees.effective_n_jobs(n_jobs) == (threads or cpu_count())


@pytest.mark.parametrize("bad", [0, 1.5, "2", True])
def test_a_bad_n_jobs_is_refused_in_one_sentence(trained_model, bad):
    with pytest.raises(ValueError, match="n_jobs must be a whole number of threads"):
        trees.effective_n_jobs(bad)
    with pytest.raises(ValueError, match="n_jobs must be a whole number of threads"):
        copy.copy(trained_model).set_params(n_jobs=bad).clean("Some text\nmore text")


def test_one_call_uses_one_thread_unless_asked(monkeypatch):
    model, X = _fitted()
    X = np.repeat(X, 20, axis=0)  # rows enough for several threads
    started = []
    real = trees.ThreadPoolExecutor
    monkeypatch.setattr(trees, "ThreadPoolExecutor", lambda n: started.append(n) or real(n))
    if trees._compiled is not None:
        trees.raw_predict(model, X)
        assert started == []
        trees.raw_predict(model, X, n_jobs=2)
        assert started == [1]  # one thread more than the caller's
    asked = []
    monkeypatch.setattr(type(model), "_raw_predict", lambda self, X, n_threads: asked.append(n_threads))
    with compiled.reference():
        trees.raw_predict(model, X)
        trees.raw_predict(model, X, n_jobs=2)
    assert asked == [1, 2]  # scikit-learn's OpenMP threads, held to the same numbers


def test_a_model_pickles_the_same_after_the_predictor_is_built(trained_model, unseen_blocks):
    before = pickle.dumps(trained_model)
    trained_model.predict_proba(unseen_blocks)
    after = pickle.dumps(trained_model)
    assert after == before  # the packed trees live outside the model
    loaded = pickle.loads(after)
    np.testing.assert_array_equal(loaded.predict_proba(unseen_blocks), trained_model.predict_proba(unseen_blocks))


def test_a_model_saved_before_n_jobs_loads_with_one_thread(trained_model, unseen_blocks):
    from sklearn.base import clone

    state = trained_model.__getstate__()
    del state["n_jobs"]
    old = type(trained_model).__new__(type(trained_model))
    old.__setstate__(state)
    assert old.n_jobs is None and clone(old).get_params()["n_jobs"] is None
    np.testing.assert_array_equal(old.predict_proba(unseen_blocks), trained_model.predict_proba(unseen_blocks))


@pytest.fixture(scope="module")
def unseen_blocks():
    from conftest import synthetic_pageset

    return synthetic_pageset(4, 4, start=500).blocks


# -- the whole path: probabilities and labels -----------------------------------------------

def _documents():
    documents = [(path.read_text(encoding="utf-8"), "auto") for path in sorted(SAMPLES.glob("*.html"))]
    documents += [(path.read_text(encoding="utf-8"), "text") for path in sorted(SAMPLES.glob("*.txt"))]
    for line in (SAMPLES / "gold-pages.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        documents.append((record.get("html") or record["text"], "html" if "html" in record else "text"))
    documents += [(EDGE_PAGES[name], "html") for name in EDGE_PAGES]
    documents += [(synthetic_html(seed, False), "html") for seed in range(40, 46)]
    return documents


def _both_paths(clf, documents):
    kinds = [kind for _, kind in documents]
    compiled_tables = clf.classify_many([document for document, _ in documents], kinds)
    with compiled.reference():
        return compiled_tables, clf.classify_many([document for document, _ in documents], kinds)


def _assert_same_labels(compiled_tables, reference_tables):
    worst = 0.0
    for ours, reference in zip(compiled_tables, reference_tables, strict=True):
        assert ours["text"].tolist() == reference["text"].tolist()
        worst = max(worst, float(np.abs(ours["proba"].to_numpy() - reference["proba"].to_numpy()).max(initial=0)))
        assert ours["label"].tolist() == reference["label"].tolist()
    assert worst <= 1e-6
    return worst


def test_same_probabilities_and_labels_on_the_samples(trained_model):
    _walk_or_skip()
    _forest_or_skip()
    _assert_same_labels(*_both_paths(trained_model, _documents()))


def test_same_probabilities_and_labels_on_the_labelled_pages(trained_model):
    from training.pages import load_pages

    _forest_or_skip()
    blocks = load_pages([LABELLED_SAMPLES]).blocks
    ours = trained_model.predict_proba(blocks)
    labels = trained_model.predict(blocks)
    with compiled.reference():
        np.testing.assert_allclose(ours, trained_model.predict_proba(blocks), rtol=0, atol=1e-6)
        assert labels.tolist() == trained_model.predict(blocks).tolist()


@pytest.mark.parametrize("name", [name for name in CASES if name not in REFUSED and "10 MB" not in name])
def test_same_probabilities_and_labels_on_hostile_pages(trained_model, name):
    _forest_or_skip()
    data, _ = CASES[name]()
    compiled_tables = trained_model.classify_many([data])
    with compiled.reference():
        _assert_same_labels(compiled_tables, trained_model.classify_many([data]))


def test_same_probabilities_and_labels_with_the_bundled_model_on_wcxb_pages(wcxb_dir, default_model_path):
    from features.decode import decode_bytes
    from model import load_model

    _walk_or_skip()
    _forest_or_skip()
    clf = load_model(default_model_path)
    files = sorted((wcxb_dir / "dev" / "html").glob("*.html.gz"))[::25]
    pages = [decode_bytes(gzip.open(path).read()) for path in files]
    from training.gold import html_to_text

    documents = [(page, "html") for page in pages] + [(html_to_text(page), "text") for page in pages]
    _assert_same_labels(*_both_paths(clf, documents))


# -- loading and the switch to pure Python ---------------------------------------------------

def _status_in_a_subprocess(**env) -> dict:
    script = ("import json, sys; from features import compiled; from model import load_model; "
              "clf = load_model(); print(json.dumps([compiled.status(), clf.clean(sys.stdin.read())]))")
    done = subprocess.run([sys.executable, "-c", script], input=(SAMPLES / "trail-shoe.html").read_text("utf-8"),
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1", **env})
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return json.loads(done.stdout)


def test_the_environment_variable_switches_to_the_reference_at_import(default_model_path):
    status, text = _status_in_a_subprocess(BOILERPLATE_PURE_PYTHON="1")
    assert set(status.values()) == {"pure Python (BOILERPLATE_PURE_PYTHON is set)"}
    default_status, default_text = _status_in_a_subprocess(BOILERPLATE_PURE_PYTHON="0")
    assert all(value == "compiled" or "not built" in value for value in default_status.values())
    assert text == default_text and len(text) > 200


@pytest.fixture
def no_switch(monkeypatch):
    """``BOILERPLATE_PURE_PYTHON`` unset, as the loading tests need (CI also runs them with it set)."""
    monkeypatch.delenv(compiled.PURE_PYTHON_ENV, raising=False)


def test_an_extension_built_against_other_library_versions_is_not_used_and_says_so_once(monkeypatch, no_switch):
    module = types.ModuleType("features._stale")
    module.BUILT_AGAINST = {"lxml": "0.1", "libxml2": compiled.running_versions()["libxml2"]}
    monkeypatch.setitem(sys.modules, "features._stale", module)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert compiled.extension("features._stale") is None
    assert len(caught) == 1 and issubclass(caught[0].category, RuntimeWarning)
    message = str(caught[0].message)
    assert f"built against lxml 0.1, running {compiled.running_versions()['lxml']}" in message
    assert "libxml2" not in message and "\n" not in message
    module.BUILT_AGAINST = compiled.running_versions()
    assert compiled.extension("features._stale") is module


def test_an_extension_that_is_not_built_is_replaced_by_the_reference_quietly(no_switch):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert compiled.extension("features._never_built") is None
    assert "not built" in compiled._STATUS["features._never_built"]


def test_an_extension_that_fails_to_load_is_replaced_by_the_reference_with_a_warning(monkeypatch, tmp_path,
                                                                                    no_switch):
    (tmp_path / "broken_ext.py").write_text("raise ImportError('undefined symbol: xmlFoo')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.warns(RuntimeWarning, match="broken_ext does not load .*undefined symbol: xmlFoo"):
        assert compiled.extension("broken_ext") is None


def test_reference_switches_this_process_to_pure_python_and_back():
    before = html_blocks._compiled, trees._compiled
    with pytest.raises(KeyError):
        with compiled.reference():
            assert html_blocks._compiled is None and trees._compiled is None
            raise KeyError("the switch back must survive an error")
    assert (html_blocks._compiled, trees._compiled) == before


def test_the_version_line_says_which_core_runs(capsys):
    import cli

    with pytest.raises(SystemExit):
        cli.main(["--version"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps it
    assert compiled.summary() in out
    assert ("compiled core" in out) == (html_blocks._compiled is not None and trees._compiled is not None)
