"""Markup evidence of HTML blocks: tag, depth, landmarks, links, class and id words.

For plain-text blocks every feature here is NaN (the page has no markup; zero would be a lie).
Class/id keywords are matched once per distinct class/id token of the batch, then combined per
block with numpy: no keyword pattern can match across whitespace, so a string matches exactly
when one of its tokens does.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import text_shape
from .blocks import LANDMARKS, column
from .pages import PageIndex

# Substrings of class / id tokens, by what they usually mark.
ATTR_KEYWORDS = {
    "nav": r"nav|menu|breadcrumb|pagination|pager|toolbar|tabs?\b",
    "header": r"header|masthead|topbar|banner|logo|brand",
    "footer": r"footer|copyright|legal|bottom",
    "sidebar": r"sidebar|aside|widget|rail|secondary",
    "comment": r"comment|reply|respond|discussion|disqus",
    "share": r"share|social|sharing|follow|facebook|twitter|whatsapp|pinterest",
    "related": r"related|recommend|more-|popular|trending|similar|read-?next|also",
    "ad": r"\bads?\b|advert|sponsor|promo|banner-ad|dfp|adsense|taboola|outbrain",
    "cookie": r"cookie|consent|gdpr|privacy",
    "newsletter": r"newsletter|subscribe|signup|sign-up|optin|mailchimp",
    "search_login": r"search|login|log-in|signin|account|cart",
    "meta": r"\bmeta\b|byline|author|date|time|posted|tags?\b|categor",
    "hidden": r"hidden|sr-only|screen-reader|visually-hidden|modal|popup|overlay",
    "content": r"content|article|entry|post|story|body|main|text|prose|description",
    "card": r"card|tile|teaser|thumb|grid|item|product|listing",
}
_KEYWORD_RES = [re.compile(pattern) for pattern in ATTR_KEYWORDS.values()]
TAGS = ("p", "div", "li", "td", "span", "a", "pre", "blockquote", "dd", "dt", "figcaption")

FEATURES = {
    "is_html": "1 for blocks from HTML, 0 for plain text",
    "depth": "DOM depth of the block's element",
    "depth_rel": "depth minus the page's median block depth",
    "heading": "heading level 1-6 (0: not a heading)",
    "in_list": "inside li / dt / dd",
    "in_table": "inside td / th",
    "in_pre": "inside pre / code",
    "hidden": "inside an element hidden by the hidden attribute or display:none / visibility:hidden",
    "in_noscript": "inside noscript",
    "link_share": "share of the block's characters inside links",
    "n_links": "links starting in the block",
    "links_per_word": "links / words",
    **{f"tag_{t}": f"innermost block element is <{t}>" for t in TAGS},
    **{f"in_{name}": f"inside <{name}> (or its ARIA role)" for name in LANDMARKS},
    **{f"attr_{k}": f"an enclosing class/id matches /{v}/" for k, v in ATTR_KEYWORDS.items()},
    **{f"own_attr_{k}": f"the block's own class/id matches /{v}/" for k, v in ATTR_KEYWORDS.items()},
}


def keyword_bits(values: np.ndarray) -> np.ndarray:
    """Per string, the bit set of ``ATTR_KEYWORDS`` groups that match one of its tokens (the
    compiled core matches each string and token once per process, ``features._text.keyword_bits``)."""
    if text_shape._compiled is not None:
        try:
            return text_shape._compiled.keyword_bits(values)
        except TypeError:  # a value that is not a string: the reference's way
            pass
    codes, uniques = pd.factorize(values)
    if not len(uniques):
        return np.zeros(len(codes), np.int64)
    split = [u.split() for u in uniques]
    n_tokens = np.fromiter(map(len, split), np.int64, len(split))
    token_codes, tokens = pd.factorize(np.array([t for toks in split for t in toks], dtype=object))
    unique_bits = np.zeros(len(uniques), np.int64)
    if len(tokens):
        joined = "\n".join(tokens)
        token_start = np.cumsum([0] + [len(t) + 1 for t in tokens[:-1]])
        token_bits = np.zeros(len(tokens), np.int64)
        for bit, pattern in enumerate(_KEYWORD_RES):
            hits = [match.start() for match in pattern.finditer(joined)]
            if hits:
                token_bits[np.searchsorted(token_start, hits, side="right") - 1] |= 1 << bit
        has_tokens = n_tokens > 0
        first = np.concatenate(([0], np.cumsum(n_tokens)[:-1]))
        unique_bits[has_tokens] = np.bitwise_or.reduceat(token_bits[token_codes], first[has_tokens])
    return unique_bits[codes]


def markup_features(blocks, pages: PageIndex, n_words: np.ndarray, texts: list[str]) -> dict:
    """Compute ``FEATURES``; rows of plain-text blocks get NaN (``is_html`` gets 0)."""
    tags = column(blocks, "tag", object)
    is_html = tags != ""

    def nan_unless_html(values):
        return np.where(is_html, values, np.nan)

    n = len(texts)
    depth = column(blocks, "depth", np.float64)
    non_space = np.fromiter((len(t) - t.count(" ") - t.count("\n") for t in texts), np.float64, n)  # \n: <pre> lines
    n_links = column(blocks, "n_links", np.float64)
    landmarks = np.nan_to_num(column(blocks, "landmarks", np.float64)).astype(np.int64)
    concealed = np.nan_to_num(column(blocks, "concealed", np.float64)).astype(np.int64)
    out = {
        "is_html": is_html.astype(np.float64),
        "depth": depth,
        "depth_rel": depth - pages.page_median(depth),
        "heading": column(blocks, "heading", np.float64),
        "in_list": column(blocks, "in_list", np.float64),
        "in_table": column(blocks, "in_table", np.float64),
        "in_pre": column(blocks, "in_pre", np.float64),
        "hidden": nan_unless_html(concealed & 1),
        "in_noscript": nan_unless_html((concealed >> 1) & 1),
        "link_share": column(blocks, "link_chars", np.float64) / np.maximum(non_space, 1),
        "n_links": n_links,
        "links_per_word": n_links / np.maximum(n_words, 1),
    }
    for t in TAGS:
        out[f"tag_{t}"] = nan_unless_html(tags == t)
    for i, name in enumerate(LANDMARKS):
        out[f"in_{name}"] = nan_unless_html((landmarks >> i) & 1)
    attrs = column(blocks, "attrs", object)
    for prefix, values in (("attr_", attrs), ("own_attr_", column(blocks, "own_attrs", object))):
        bits = keyword_bits(values)
        for bit, key in enumerate(ATTR_KEYWORDS):
            out[f"{prefix}{key}"] = nan_unless_html((bits >> bit) & 1)
    return out
