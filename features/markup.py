"""Markup evidence of HTML blocks: tag, depth, landmarks, links, class and id words.

For plain-text blocks every feature here is NaN (the page has no markup; zero would be a lie).
Class/id keywords are matched once per distinct attribute string, then broadcast to blocks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .blocks import LANDMARKS
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
    "attr_repeat_log": "log(1 + other blocks of the page with the same tag and class chain)",
}


def _keyword_flags(values: pd.Series, prefix: str) -> dict[str, np.ndarray]:
    codes, uniques = pd.factorize(values)
    uniques = pd.Series(uniques, dtype=object)
    out = {}
    for key, pattern in ATTR_KEYWORDS.items():
        hits = uniques.str.contains(pattern, regex=True).to_numpy(np.float64) if len(uniques) else np.zeros(0)
        out[f"{prefix}{key}"] = hits[codes] if len(codes) else np.zeros(0)
    return out


def markup_features(blocks: pd.DataFrame, pages: PageIndex, n_words: np.ndarray) -> dict[str, np.ndarray]:
    """Compute ``FEATURES``; rows of plain-text blocks get NaN (``is_html`` gets 0)."""
    is_html = blocks["tag"].to_numpy(object) != ""
    nan_unless_html = lambda values: np.where(is_html, values, np.nan)  # noqa: E731
    depth = blocks["depth"].to_numpy(np.float64)
    text_len = blocks["text"].str.len().to_numpy(np.float64)
    link_chars = blocks["link_chars"].to_numpy(np.float64)
    n_links = blocks["n_links"].to_numpy(np.float64)
    landmarks = np.nan_to_num(blocks["landmarks"].to_numpy(np.float64)).astype(np.int64)
    tags = blocks["tag"].to_numpy(object)
    concealed = np.nan_to_num(blocks["concealed"].to_numpy(np.float64)).astype(np.int64)
    out = {
        "is_html": is_html.astype(np.float64),
        "depth": depth,
        "depth_rel": depth - pages.page_median(depth),
        "heading": blocks["heading"].to_numpy(np.float64),
        "in_list": blocks["in_list"].to_numpy(np.float64),
        "in_table": blocks["in_table"].to_numpy(np.float64),
        "in_pre": blocks["in_pre"].to_numpy(np.float64),
        "hidden": nan_unless_html(concealed & 1),
        "in_noscript": nan_unless_html((concealed >> 1) & 1),
        "link_share": link_chars / np.maximum(text_len - blocks["text"].str.count(" ").to_numpy(), 1),
        "n_links": n_links,
        "links_per_word": n_links / np.maximum(n_words, 1),
    }
    for t in TAGS:
        out[f"tag_{t}"] = nan_unless_html(tags == t)
    for i, name in enumerate(LANDMARKS):
        out[f"in_{name}"] = nan_unless_html((landmarks >> i) & 1)
    for prefix, column in (("attr_", "attrs"), ("own_attr_", "own_attrs")):
        for key, values in _keyword_flags(blocks[column], prefix).items():
            out[key] = nan_unless_html(values)
    signature = pd.Series(pages.row_page).astype(str) + "\t" + blocks["tag"].astype(str) + "\t" + blocks["attrs"]
    out["attr_repeat_log"] = nan_unless_html(np.log1p(signature.groupby(signature).transform("size").to_numpy() - 1))
    return out
