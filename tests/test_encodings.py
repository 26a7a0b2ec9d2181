"""Pages in legacy charsets (``features.decode``): detected when nothing declares them, the charset
of an HTTP ``Content-Type`` header (WARC records) before the page's own ``<meta>``, and declared
charsets, BOMs and UTF-8 keeping their priority over detection."""

from __future__ import annotations

import codecs

import pytest

from features import parse_document
from features.decode import browser_codec, charset_of_content_type, decode_bytes, detect_charset

# Short paragraphs written for these tests, one per script; each page is one of them as HTML.
PARAGRAPHS = {
    "ja": ("東京の天気は今朝から雨が続いていて、駅前の商店街では傘を持った人たちが足早に歩いていた。"
           "図書館の前には新しい案内板が立てられ、来月から開館時間が夜九時まで延びることが書かれている。"
           "近くの喫茶店の主人によると、雨の日は客が少ないが、常連の学生たちは毎日同じ席で本を読んでいるという。"),
    "zh": ("今天上午，市政府在新闻发布会上介绍了今年城市公共交通的发展计划。"
           "根据计划，明年将新增三条公交线路，并在老城区修建两个自行车停车场。"
           "一位在附近工作的市民表示，他每天骑车上班，希望这些措施能够尽快落实，让出行更加方便。"),
    "zh-hant": ("今天上午，市政府在記者會上介紹了今年城市公共交通的發展計畫。"
                "根據計畫，明年將新增三條公車路線，並在舊城區興建兩個自行車停車場。"
                "一位在附近工作的市民表示，他每天騎車上班，希望這些措施能夠盡快落實。"),
    "ko": ("서울 시내의 오래된 시장이 새 단장을 마치고 다시 문을 열었다. 상인들은 아침 일찍부터 가게를 정리하며 "
           "손님을 맞을 준비를 했고, 시장 입구에는 안내소와 쉼터가 새로 생겼다. 한 상인은 주말마다 관광객이 "
           "늘어나고 있어서 기대가 크다고 말했다."),
    "ru": ("В субботу в городском парке открылась выставка старых фотографий, на которых можно увидеть, "
           "как выглядели улицы и площади сто лет назад. Организаторы рассказали, что собирали снимки "
           "почти три года, а многие из них принесли сами жители города из семейных альбомов."),
    "el": ("Άρθρο για την πόλη: Άνοιξε χθες το νέο μουσείο της πόλης, και οι πρώτοι επισκέπτες περίμεναν "
           "στην ουρά από νωρίς το πρωί. Άλλοι ήρθαν με τα παιδιά τους, ενώ οι υπεύθυνοι είπαν ότι η "
           "έκθεση θα μείνει ανοιχτή όλο το καλοκαίρι. Άγνωστο είναι ακόμη πότε θα ανοίξει η δεύτερη αίθουσα."),
    "pl": ("W sobotę w miejskim parku otwarto wystawę starych zdjęć, na których widać, jak wyglądały ulice "
           "i place sto lat temu. Organizatorzy powiedzieli, że zbierali fotografie prawie trzy lata, a wiele "
           "z nich przynieśli sami mieszkańcy. Łączna liczba zdjęć przekroczyła już dwa tysiące."),
    "fr": ("Le marché de Noël a ouvert ses portes samedi sur la place de l'Hôtel de Ville : une quarantaine "
           "d'artisans y présentent des décorations, des jouets en bois et des spécialités régionales. "
           "« C'est la première fois que nous venons », a expliqué une exposante, ravie de l'accueil."),
}


def page(language: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head>{head}<title>Test</title></head>"
            f"<body><h1>Test</h1><p>{PARAGRAPHS[language]}</p></body></html>")


UNDECLARED = [("ja", "shift_jis"), ("ja", "cp932"), ("ja", "euc_jp"), ("zh", "gbk"), ("zh", "gb18030"),
              ("zh-hant", "big5"), ("ko", "euc_kr"), ("ko", "cp949"), ("ru", "cp1251"), ("ru", "koi8_r"), ("el", "cp1253"), ("el", "iso8859_7"),
              ("pl", "cp1250"), ("pl", "iso8859_2"), ("fr", "cp1252")]


@pytest.mark.parametrize("language,charset", UNDECLARED, ids=[f"{lang}-{cs}" for lang, cs in UNDECLARED])
def test_an_undeclared_legacy_page_is_decoded_right(language, charset):
    html = page(language)
    data = html.encode(charset)
    assert decode_bytes(data) == html
    table, kind = parse_document(data)
    assert kind == "html" and PARAGRAPHS[language] in table["text"].tolist()


def test_a_windows_31j_character_under_a_shift_jis_label_is_read_as_browsers_read_it():
    # ① and ～ are in Windows-31J, which browsers use for every page labelled Shift_JIS; Python's
    # own shift_jis codec has neither.
    html = page("ja", '<meta charset="Shift_JIS">').replace("東京", "①東京～")
    assert decode_bytes(html.encode("cp932")) == html


@pytest.mark.parametrize("label,codec", [("Shift_JIS", "cp932"), ("x-sjis", "cp932"), ("GB2312", "gb18030"),
                                         ("GBK", "gb18030"), ("EUC-KR", "cp949"), ("ISO-8859-1", "cp1252"),
                                         ("us-ascii", "cp1252"), ("windows-874", "cp874"), ('"KOI8-R"', "koi8-r"),
                                         ("rot13", None), ("base64", None), ("utf-7", None), ("nonsense", None),
                                         ("", None), (None, None)])
def test_charset_labels_name_the_codec_browsers_use_or_none(label, codec):
    assert browser_codec(label) == codec


@pytest.mark.parametrize("value,charset", [
    ("text/html; charset=Shift_JIS", "Shift_JIS"), ('text/html;charset="windows-1251"', "windows-1251"),
    ("text/html; Charset='EUC-JP'; foo=bar", "EUC-JP"), (b"text/html; charset=gbk", "gbk"),
    ("text/html", None), ("text/html; name=charset", None), ("", None), (None, None),
])
def test_the_charset_of_a_content_type_header(value, charset):
    assert charset_of_content_type(value) == charset


@pytest.mark.parametrize("text", ["El niño comió piñata en España", "caf\xe9", "Smørrebrød på Nørrebro",
                                  "Hotel room €120 – breakfast included – “great” view",
                                  "<p>caf\xc3 na\xefve \xff\xfe r\xe9sum\xe9 of the budget meeting</p>"])
def test_a_few_western_letters_stay_windows_1252(text):
    # Too few non-ASCII bytes to tell Latin-script charsets apart: uchardet alone takes the first
    # for ISO-8859-4 (ñ as ņ) and the last for Windows-1250 (ï as ď).
    data = text.encode("cp1252")
    assert detect_charset(data) == "cp1252" and decode_bytes(data) == text


def test_english_apostrophes_that_are_valid_cp949_are_not_taken_for_korean():
    # Every ’ before a letter (0x92 0x73) is a cp949 syllable, and the detector answers UTF-8.
    text = "<p>It’s the city’s plan, and the council’s. We’re told it’ll work; don’t worry.</p>" * 30
    assert decode_bytes(text.encode("cp1252")) == text


def test_the_http_charset_decodes_a_page_that_declares_nothing():
    html = page("ja")
    assert decode_bytes(html.encode("euc_jp"), charset="EUC-JP") == html
    table, _ = parse_document(html.encode("shift_jis"), charset="Shift_JIS")
    assert PARAGRAPHS["ja"] in table["text"].tolist()


def test_the_http_charset_goes_before_the_page_meta_and_before_detection():
    # Russian text in KOI8-R whose <meta> says windows-1251: the header is what browsers follow.
    html = page("ru", '<meta charset="windows-1251">')
    data = html.encode("koi8_r")
    assert decode_bytes(data, charset="KOI8-R") == html
    assert decode_bytes(data) == data.decode("cp1251")  # without a header: the <meta>, not the detector


def test_a_declared_charset_wins_over_detection_even_when_detection_would_say_otherwise():
    html = page("ru")
    data = html.encode("cp1251")
    assert decode_bytes(data, charset="iso-8859-5") == data.decode("iso8859_5")


def test_an_unusable_http_charset_is_ignored_and_the_meta_or_detection_decides():
    html = page("ru", '<meta charset="koi8-r">')
    for label in ("rot13", "base64", "utf-7", "no-such-charset", "", "\x00"):
        assert decode_bytes(html.encode("koi8_r"), charset=label) == html
    assert decode_bytes(page("ru").encode("cp1251"), charset="unicode_escape") == page("ru")


def test_bom_and_valid_utf8_keep_their_priority_over_a_http_charset():
    html = page("zh")
    assert decode_bytes(codecs.BOM_UTF8 + html.encode("utf-8"), charset="gbk") == html
    assert decode_bytes(html.encode("utf-8"), charset="gbk") == html  # a wrong header, plainly
    assert decode_bytes(codecs.BOM_UTF16_LE + html.encode("utf-16-le"), charset="shift_jis") == html


def test_a_http_charset_saying_utf8_on_bytes_that_are_not_is_overruled_by_detection():
    html = page("ru")
    assert decode_bytes(html.encode("cp1251"), charset="utf-8") == html


def test_a_http_utf8_that_the_bytes_refute_leaves_the_page_meta_to_decide():
    # A server that labels every page UTF-8, serving an old KOI8-R page that says what it is.
    html = page("ru", '<meta charset="koi8-r">')
    assert decode_bytes(html.encode("koi8_r"), charset="utf-8") == html
    broken = html.encode("utf-8").replace("Организаторы".encode(), b"\xff")  # mostly UTF-8: UTF-8
    assert decode_bytes(broken, charset="utf-8") == html.replace("Организаторы", "\ufffd")


def test_mostly_utf8_with_a_broken_byte_is_still_utf8_not_a_detected_charset():
    text = "Привет, мир. Это почти правильный UTF-8 текст, с одним битым байтом: ".encode() + b"\xff."
    decoded = decode_bytes(text)
    assert decoded.startswith("Привет, мир.") and decoded.count("\ufffd") == 1


def test_detector_answers_the_bytes_refute_are_corrected(monkeypatch):
    import resiliparse.parse.encoding as encoding

    answers = iter(["utf-8", "iso-8859-7", "iso-8859-2", "windows-1253", "shift_jis"])
    monkeypatch.setattr(encoding, "detect_encoding", lambda data, max_len=0: next(answers))
    greek = page("el").encode("cp1253")
    assert detect_charset(b"caf\xe9 \x93quoted\x94") == "cp1252"  # not UTF-8, whatever a detector says
    assert detect_charset(greek.replace(b"<h1>", b"<h1>\x93")) == "cp1253"  # C1 bytes: not ISO-8859-7
    assert detect_charset(b"\x9cl\xb9ski \x8ar\x96") == "cp1250"
    assert detect_charset(page("el").encode("iso8859_7")) == "iso8859-7"  # where the bytes put Ά
    assert detect_charset(page("ja").encode("shift_jis")) == "cp932"


def test_a_detector_that_fails_leaves_windows_1252(monkeypatch):
    import resiliparse.parse.encoding as encoding

    def broken(data, max_len=0):
        raise MemoryError("cannot allocate the detector")

    monkeypatch.setattr(encoding, "detect_encoding", broken)
    assert decode_bytes("Café crème".encode("cp1252")) == "Café crème"


def test_the_model_api_takes_a_charset_per_document(trained_model):
    pages = [page("ja").encode("shift_jis"), page("ru").encode("koi8_r"), page("zh")]
    texts = trained_model.clean_many(pages, charset=["Shift_JIS", "KOI8-R", None])
    assert texts == [trained_model.clean(page("ja")), trained_model.clean(page("ru")), trained_model.clean(page("zh"))]
    assert trained_model.clean(pages[0], charset="euc-jp") != texts[0]  # the header is obeyed
    tables = trained_model.classify_each(pages, charset="Shift_JIS")
    assert PARAGRAPHS["ja"] in tables[0]["text"].tolist()
    with pytest.raises(ValueError, match="3 documents but 2 charsets"):
        trained_model.clean_many(pages, charset=["Shift_JIS", None])
    with pytest.raises(TypeError, match="charset"):
        trained_model.clean_many(pages, charset=[1, 2, 3])


def test_clean_on_the_command_line_detects_the_charset_or_takes_it_from_charset(run_cli, model_file, tmp_path,
                                                                               trained_model):
    from conftest import synthetic_html

    html = synthetic_html(730, labelled=False).replace("<p>", f"<p>{PARAGRAPHS['ja']} ", 1)
    data = html.encode("shift_jis", errors="xmlcharrefreplace")
    path = tmp_path / "page.html"
    path.write_bytes(data)
    expected = trained_model.clean(data.decode("shift_jis"))
    assert PARAGRAPHS["ja"] in expected
    code, out, _ = run_cli(["clean", path, "--model", model_file])
    assert code == 0 and out == expected + "\n"
    code, out, _ = run_cli(["clean", path, "--model", model_file, "--charset", "Shift_JIS"])
    assert code == 0 and out == expected + "\n"
    code, out, _ = run_cli(["clean", path, "--model", model_file, "--charset", "EUC-JP"])
    assert code == 0 and PARAGRAPHS["ja"] not in out  # the label given is obeyed, wrong as it is
