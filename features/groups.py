"""Repeated structures and page-level evidence of what kind of page this is.

A *group* is the set of blocks of a page with the same tag, depth and class chain: the items of a
menu, the cards of a product grid, the posts of a thread.  Menus and grids both repeat; what
tells them apart is the group as a whole (how many words it holds, whether its members carry
prices or dates, whether other card fields sit between its members, how many groups share its
size), so each block gets its group's description.  Page-level shares (prices, dates, prose,
repeated structure) let the model condition on the kind of page (article, listing, shop).

Section features: the nearest heading above a block (an HTML heading, or in plain text a short
line standing alone) and what it announces: related items, comments, reviews, sharing,
newsletters, FAQs, shipping.  Keywords cover English and the languages most common on the web.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import text_shape
from .blocks import column
from .pages import PageIndex, group_codes

MIN_GROUP = 3
SECTION_KEYWORDS = {  # English and the languages most common on the web, lowercase (matched ignoring case)
    "related": r"related|similar|you (?:may|might) (?:also )?like|recommend|more from|read (?:more|next)|also read"
               r"|trending|popular|latest|more stories|most read|weitere|ähnlich|meistgelesen|auch interessant"
               r"|similaires|lire aussi|même sujet|même rubrique|les plus lus|relacionad|más leído|más noticias"
               r"|correlat|più lett|leggi anche|mais lidas|gerelateerd|meest gelezen|lees ook|zobacz|polecamy"
               r"|podobne|najczęściej|powiązane|czytaj (?:też|także|również)|więcej (?:z|na temat)|читайте|по теме"
               r"|похожие|популярн|самое читаемое|другие новости|ещё новости|еще новости|смотрите также|схожі"
               r"|σχετικ|διαβάστε|δημοφιλ|περισσότερα|související|nejčtenější|ilgili|benzer|en çok okunan"
               r"|相关|相關|推荐|推薦|热门|熱門|热点|熱點|延伸|更多|最新|排行|関連|おすすめ|人気|관련|추천|인기",
    "comments": r"comment|repl(?:y|ies)|responses|discussion|kommentar|commentaire|comentario|comentário|komentarz"
                r"|komentář|diskuse|reactie|yorum|комментари|обсуждени|коментар|σχόλι|评论|評論|留言|网友|網友|跟帖"
                r"|コメント|댓글",
    "reviews": r"review|rating|testimonial|bewertung|\bavis\b|reseña|opiniones|recensioni|avaliaç|opinie|recenzj"
               r"|отзыв|αξιολογ|评价|評價|点评|レビュー|口コミ|리뷰|후기",
    "share": r"\bshare|follow us|teilen|partager|compartir|compartilh|condividi|delen|paylaş|udostępnij"
             r"|podziel się|поделит|поширит|κοινοποί|μοιραστ|分享|シェア|공유",
    "newsletter": r"newsletter|subscribe|sign up|abonn|inscri|suscrib|iscriviti|assine|subskryb|zapisz się"
                  r"|подпис|εγγραφ|订阅|訂閱|購読|구독",
    "faq": r"\bfaq|frequently asked|questions|häufig gestellte|preguntas frecuentes|domande frequenti"
           r"|perguntas frequentes|najczęściej zadawane|часто задаваемые|συχνές ερωτήσεις|常见问题|常見問題"
           r"|よくある質問|자주 묻는",
    "shipping": r"shipping|delivery|returns|versand|livraison|envío|spedizione|entrega|verzending|dostawa|wysyłka"
                r"|доставка|αποστολ|配送|运费|運費|送料|배송",
}
_SECTION_RES = {key: re.compile(pattern, re.I) for key, pattern in SECTION_KEYWORDS.items()}

FEATURES = {
    "group_size_log": "log(blocks in the block's group: same page, tag, depth and class chain)",
    "group_words_share": "share of the page's words in the block's group",
    "group_mean_words_log": "log(1 + mean words per block of the group)",
    "group_link_share": "share of the group's characters inside links",
    "group_price_share": "share of the group's blocks holding a price",
    "group_date_share": "share of the group's blocks holding a date",
    "group_prose_share": "share of the group's blocks that are prose",
    "group_spread": "blocks spanned from the group's first to last member per member (1: adjacent)",
    "group_same_size": f"other groups of the page (of {MIN_GROUP}+ blocks) with exactly as many members",
    "group_is_largest": f"the group holds the most words among the page's groups of {MIN_GROUP}+ blocks",
    "page_price_share": "share of the page's blocks holding a price",
    "page_date_share": "share of the page's blocks holding a date",
    "page_prose_share": "share of the page's words in prose blocks",
    "page_longest_prose_run": "share of the page's words in its longest run of consecutive prose blocks",
    "page_grouped_words_share": f"share of the page's words in groups of {MIN_GROUP}+ blocks",
    "page_link_share": "share of the page's characters inside links",
    "page_list_share": "share of the page's blocks inside lists",
    **{f"section_{key}": f"the nearest heading above the block mentions {key}" for key in SECTION_KEYWORDS},
}


def _group_stats(codes: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    return np.bincount(codes, weights=values, minlength=n_groups)


def group_features(blocks, pages: PageIndex, base: dict, texts: list[str]) -> dict:
    n = len(texts)
    n_words = np.expm1(base["n_words_log"])
    n_chars = np.expm1(base["n_chars_log"])
    link_chars = n_chars * np.nan_to_num(base["link_share"])
    prose = base["is_prose"]
    is_html = column(blocks, "tag", object) != ""
    out = {}
    page_words = np.maximum(pages.page_sum(n_words), 1)

    # Groups: same page, tag, depth and class chain (plain text: same page and line shape).
    if n:
        shape = np.where(is_html, 0, (base["is_bullet"] > 0) * 2 + (n_words <= 8))
        depth = np.nan_to_num(column(blocks, "depth", np.float64), nan=-1).astype(np.int64) + 1
        codes = group_codes(pages.row_page, pd.factorize(column(blocks, "tag", object))[0], depth,
                            pd.factorize(column(blocks, "attrs", object))[0], shape)
    else:
        codes = np.zeros(0, np.int64)
    n_groups = int(codes.max()) + 1 if n else 0
    size = np.bincount(codes, minlength=n_groups).astype(np.float64)
    words = _group_stats(codes, n_words, n_groups)
    position = np.arange(n)
    first = np.full(n_groups, n)
    np.minimum.at(first, codes, position)
    last = np.full(n_groups, -1)
    np.maximum.at(last, codes, position)
    group_page = np.zeros(n_groups, np.int64)
    group_page[codes] = pages.row_page
    big = size >= MIN_GROUP
    # Groups of the same page with the same member count, and the page's wordiest group.
    same = group_codes(group_page, size.astype(np.int64))
    same_count = np.bincount(same, weights=big, minlength=same.max() + 1 if len(same) else 0)[same] - big
    top_words = np.zeros(len(pages.starts))
    np.maximum.at(top_words, group_page[big], words[big])
    is_largest = big & (words >= top_words[group_page]) & (words > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["group_size_log"] = np.log(size[codes])
        out["group_words_share"] = words[codes] / page_words
        out["group_mean_words_log"] = np.log1p(words / size)[codes]
        out["group_link_share"] = (_group_stats(codes, link_chars, n_groups) /
                                   np.maximum(_group_stats(codes, n_chars, n_groups), 1))[codes]
        out["group_price_share"] = (_group_stats(codes, base["has_price"], n_groups) / size)[codes]
        out["group_date_share"] = (_group_stats(codes, base["has_date"], n_groups) / size)[codes]
        out["group_prose_share"] = (_group_stats(codes, prose, n_groups) / size)[codes]
        out["group_spread"] = ((last - first + 1) / size)[codes]
        out["group_same_size"] = np.where(big[codes], same_count[codes] if n else 0, 0.0)
        out["group_is_largest"] = is_largest[codes].astype(np.float64)

        size_page = np.maximum(pages.page_size, 1)
        out["page_price_share"] = pages.page_sum(base["has_price"]) / size_page
        out["page_date_share"] = pages.page_sum(base["has_date"]) / size_page
        out["page_prose_share"] = pages.page_sum(n_words * prose) / page_words
        out["page_longest_prose_run"] = _longest_run_share(pages, prose > 0, n_words) / page_words
        out["page_grouped_words_share"] = pages.page_sum(n_words * big[codes]) / page_words
        out["page_link_share"] = pages.page_sum(link_chars) / np.maximum(pages.page_sum(n_chars), 1)
        out["page_list_share"] = pages.page_sum(np.nan_to_num(column(blocks, "in_list", np.float64))) / size_page

    out.update(_section_features(pages, base, texts))
    return out


def _longest_run_share(pages: PageIndex, flag: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Per row: words of the page's longest run of consecutive flagged blocks."""
    n = len(flag)
    if not n:
        return np.zeros(0)
    boundary = ~flag | (pages.position == 0)
    run_id = np.cumsum(boundary)
    run_words = np.bincount(run_id, weights=np.where(flag, words, 0.0))
    run_page = np.zeros(len(run_words), np.int64)
    run_page[run_id] = pages.row_page
    best = np.zeros(len(pages.starts))
    np.maximum.at(best, run_page, run_words)
    return best[pages.row_page]


def nearest_heading(values, pages: PageIndex) -> np.ndarray:
    """Row of the nearest heading at or above each block on its page, -1 where there is none.

    A heading is an HTML ``h1``-``h6`` block, or in plain text a line of at most 8 words without
    sentence punctuation standing alone between paragraph breaks.  ``values``: the feature
    columns ``is_html``, ``heading``, ``n_words_log``, ``ends_terminal``, ``gap_before`` and
    ``gap_after`` (a feature dict or frame)."""
    def col(name):
        return np.asarray(values[name], dtype=np.float64)

    n = pages.n
    is_html = col("is_html") > 0
    standalone = ((np.expm1(col("n_words_log")) <= 8) & (col("ends_terminal") == 0)
                  & (col("gap_before") > 0) & (col("gap_after") > 0))
    is_heading = np.where(is_html, np.nan_to_num(col("heading")) > 0, standalone)
    idx = np.arange(n)
    latest = np.maximum.accumulate(np.where(is_heading, idx, -1)) if n else idx
    return np.where(latest >= pages.row_start, latest, -1)


def _section_features(pages: PageIndex, base: dict, texts: list[str]) -> dict:
    """Keyword flags of the nearest heading above each block (the block itself if a heading).

    On the compiled core a heading is searched for a key's pattern only when it holds one of the
    strings every match of the pattern holds (``_section_prefilter``): most headings hold none."""
    n = len(texts)
    latest = nearest_heading(base, pages)
    has = latest >= 0
    rows = np.unique(latest[has])
    may_match = None
    if text_shape._compiled is not None and _section_prefilter(text_shape._compiled):
        may_match = text_shape._compiled.section_candidates([texts[i] for i in rows])
    out = {}
    for bit, (key, pattern) in enumerate(_SECTION_RES.items()):
        hit = np.zeros(n, bool)
        if may_match is None:
            hit[rows] = [pattern.search(texts[i]) is not None for i in rows]
        else:
            hit[rows] = [bool(may >> bit & 1) and pattern.search(texts[i]) is not None
                         for i, may in zip(rows.tolist(), may_match.tolist())]
        out[f"section_{key}"] = np.where(has, hit[np.maximum(latest, 0)], 0.0)
    return out


_PREFILTERS = {}  # compiled module: whether it has the section prefilter


def required_strings(pattern: str) -> list[str] | None:
    """For each top-level alternative of ``pattern``, the run of literal characters it starts with
    (after any \\b): every match holds one of them.  None when an alternative starts otherwise."""
    from re import _constants, _parser

    parsed = _parser.parse(pattern, re.I)
    if len(parsed.data) == 1 and parsed.data[0][0] is _constants.BRANCH:
        alternatives = parsed.data[0][1][1]
    else:
        alternatives = [parsed]
    strings = []
    for alternative in alternatives:
        run = ""
        for op, value in alternative:
            if op is _constants.AT and not run:
                continue
            if op is not _constants.LITERAL:
                break
            run += chr(value)
        if not run:
            return None
        strings.append(run)
    return strings


def ignorecase_fold() -> dict[int, int]:
    """The lowercase characters that re.IGNORECASE equates beyond lower case (ı and i, ſ and s,
    ς and σ ...), each mapped to one of its group: with the simple lower case, the fold under which
    a character that matches a pattern's character folds as it does (a test checks this over all
    of Unicode)."""
    from re._casefix import _EXTRA_CASES

    parent = {}

    def root(c):
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for lower, others in _EXTRA_CASES.items():
        for other in others:
            a, b = root(lower), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {c: root(c) for c in set(_EXTRA_CASES) | {o for others in _EXTRA_CASES.values() for o in others}}


def fold_text(text: str) -> str:
    """``text`` folded as ``ignorecase_fold`` says, in Python (the compiled core folds in C)."""
    import _sre

    fold = ignorecase_fold()
    return "".join(chr(fold.get(_sre.unicode_tolower(ord(ch)), _sre.unicode_tolower(ord(ch)))) for ch in text)


def _section_prefilter(module) -> bool:
    """Give ``module`` (``features._text``) the section keys' required strings, folded; once."""
    ready = _PREFILTERS.get(id(module))
    if ready is None:
        try:
            fold = ignorecase_fold()
            strings, always = [], 0
            for bit, pattern in enumerate(SECTION_KEYWORDS.values()):
                required = required_strings(pattern)
                if required is None:
                    always |= 1 << bit
                else:
                    strings += [(fold_text(s), 1 << bit) for s in required]
        except (ImportError, AttributeError):  # another Python's re internals: search every heading
            ready = False
        else:
            strings.sort(key=lambda item: item[0][0])
            chars = [ord(ch) for s, _ in strings for ch in s]
            offsets = np.cumsum([0] + [len(s) for s, _ in strings])
            pairs = sorted(fold.items())
            module.setup_sections(chars, offsets, [b for _, b in strings], [a for a, _ in pairs],
                                  [b for _, b in pairs], always)
            ready = True
        _PREFILTERS[id(module)] = ready
    return ready
