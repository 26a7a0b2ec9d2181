"""Decoding page bytes (``features.decode``): BOMs, UTF-16, declared charsets, never raising."""

from __future__ import annotations

import codecs
import random

import pytest

from features import parse_document
from features.decode import PageError, decode_bytes, to_text

SAMPLE = "Grüße aus Köln – “quoted” €5 and naïve café"


@pytest.mark.parametrize("data", [
    SAMPLE.encode("utf-8"),
    codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
    codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
    SAMPLE.encode("utf-16"),  # platform byte order with BOM
    codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16-bom", "utf32le-bom"])
def test_unicode_encodings_with_or_without_bom(data):
    assert decode_bytes(data) == SAMPLE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(encoding):
    page = "<html><body><p>Plain ASCII page text, enough of it to guess.</p><p>Zweite Zeile</p></body></html>"
    table, kind = parse_document(page.encode(encoding))
    assert kind == "html"
    assert table["text"].tolist() == ["Plain ASCII page text, enough of it to guess.", "Zweite Zeile"]


def test_bom_is_removed_from_str_and_bytes():
    assert to_text("\ufeffHello") == "Hello"
    table, _ = parse_document(codecs.BOM_UTF8 + b"First line\nSecond line")
    assert table["text"].tolist() == ["First line", "Second line"]


def test_meta_charset_latin1_is_honoured():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Café crème brûlée</p></body></html>'
    table, kind = parse_document(page.encode("latin-1"))
    assert kind == "html"
    assert table["text"].tolist() == ["Café crème brûlée"]


def test_http_equiv_cp1252_is_honoured():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            '</head><body><p>\u201csmart quotes\u201d cost \u20ac5 \u2013 ok</p></body></html>')
    table, _ = parse_document(page.encode("cp1252"))
    assert table["text"].tolist() == ["\u201csmart quotes\u201d cost \u20ac5 \u2013 ok"]


def test_meta_charset_cyrillic_is_honoured():
    page = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'
    table, _ = parse_document(page.encode("cp1251"))
    assert table["text"].tolist() == ["Привет, мир"]


def test_meta_charset_in_an_already_decoded_str_is_ignored():
    # A str is already text; a stale meta charset must not make the parser re-decode it.
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Café – Привет</p></body></html>'
    table, _ = parse_document(page)
    assert table["text"].tolist() == ["Café – Привет"]


def test_declared_latin1_is_read_as_windows_1252_like_browsers():
    page = b'<html><head><meta charset="iso-8859-1"></head><body><p>\x93Quoted\x94 text</p></body></html>'
    table, _ = parse_document(page)
    assert table["text"].tolist() == ["\u201cQuoted\u201d text"]


def test_invalid_bytes_become_replacement_characters():
    # 0x81, 0x8d, 0x8f are neither UTF-8 nor defined in Windows-1252.
    text = decode_bytes(b"abc \x81\x8d def")
    assert text.startswith("abc ") and text.endswith(" def")
    assert text.count("\ufffd") == 2


def test_declared_utf8_with_one_bad_byte_keeps_the_rest():
    page = '<html><head><meta charset="utf-8"></head><body><p>Grüße aus Köln</p></body></html>'.encode()
    page = page.replace("Köln".encode(), b"K\xffln")
    table, _ = parse_document(page)
    assert table["text"].tolist() == ["Grüße aus K\ufffdln"]


def test_mostly_utf8_text_with_one_bad_byte_gets_one_replacement_character():
    data = "Grüße aus Köln\nZweite Zeile mit Umlauten: äöü\n".encode("utf-8") + b"Kaputt: \xff\n"
    text = decode_bytes(data)
    assert "Grüße aus Köln" in text
    assert "äöü" in text
    assert text.count("\ufffd") == 1


def test_decoding_random_bytes_never_raises_and_parsing_rejects_them_clearly():
    rng = random.Random(1234)
    rejected = 0
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80)))
        text = decode_bytes(data)
        assert isinstance(text, str)
        try:
            table, kind = parse_document(data)
        except PageError as exc:  # random bytes are binary data, refused with a reason
            assert "binary data" in str(exc)
            rejected += 1
            continue
        assert kind in ("html", "text")
        assert table["text"].map(lambda t: isinstance(t, str)).all()
    assert rejected > 200


def test_control_characters_and_nul_bytes_do_not_break_html_parsing():
    page = "<html><body><p>before\x00\x01\x0b after</p><p>next\ufffe one</p></body></html>"
    table, _ = parse_document(page)
    assert table["text"].tolist() == ["before after", "next one"]


@pytest.mark.parametrize("label", ["utf-16", "UTF-16LE", "utf-32"])
def test_a_utf16_label_on_a_page_without_nuls_is_read_like_browsers_do(label):
    page = f'<meta charset="{label}"><p>Café menu</p>'
    assert decode_bytes(page.encode("cp1252")) == page
    assert decode_bytes(page.encode("utf-8")) == page


def test_utf7_is_never_decoded():
    page = b'<meta charset="utf-7"><p>a+ADw-script+AD4- caf\xe9</p>'
    assert decode_bytes(page) == '<meta charset="utf-7"><p>a+ADw-script+AD4- café</p>'
