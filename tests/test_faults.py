"""The fault suite (issue 24): each reproduction of the robustness audit, on small inputs.

Nothing lost (concurrent runs, bad lines, Parquet schemas, full disks, killed runs), nothing run
(a model file swapped after its trust check), no orphan process, no crash or hang (codecs named by
a page, attributes without end), and a clear sentence for what is refused.
``scripts/fault_report.py`` runs the same reproductions at full size and counts what happens.
"""

from __future__ import annotations

import io

import joblib
import pytest

import model.persistence as persistence
from model import ModelError, load_model


class _RunsCode:
    """Unpickling this creates a file: the harmless stand-in for a malicious payload."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


# -- 7: the trust check and the load read the same bytes -------------------------------------

def test_a_model_file_swapped_after_its_trust_check_is_not_what_gets_unpickled(model_file, tmp_path, monkeypatch):
    path = tmp_path / "mine.joblib"
    path.write_bytes(model_file.read_bytes())  # trusted: the same bytes as a model saved here
    marker = tmp_path / "code-ran"
    checked = persistence.check_trusted

    def check_then_swap(*args, **kwargs):
        checked(*args, **kwargs)
        joblib.dump(_RunsCode(marker), path)  # an attacker wins the race right after the check

    monkeypatch.setattr(persistence, "check_trusted", check_then_swap)
    clf = load_model(path)
    assert not marker.exists()
    assert clf.threshold == load_model(model_file).threshold


# -- 14: models refused in one sentence ------------------------------------------------------

def _with_payload(model_file, path, edit):
    payload = joblib.load(model_file)
    edit(payload)
    joblib.dump(payload, path)
    return path


def _dumped(value) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(value, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("estimator, what", [({"not": "a model"}, "dict"), ([1, 2], "list")])
def test_a_model_file_that_holds_something_else_is_refused_in_one_sentence(model_file, tmp_path, estimator, what):
    path = _with_payload(model_file, tmp_path / "other.joblib", lambda p: p.update(estimator=_dumped(estimator)))
    with pytest.raises(ModelError) as info:
        load_model(path, trusted=True)
    assert str(info.value) == (f"{path} holds a {what}, not a BoilerplateClassifier; "
                               "retrain it with 'boilerplate train'")


@pytest.mark.parametrize("version", [None, 1.9, ""])
def test_a_model_without_its_scikit_learn_version_says_so(model_file, tmp_path, version):
    def edit(payload):
        if version is None:
            del payload["metadata"]["sklearn_version"]
        else:
            payload["metadata"]["sklearn_version"] = version

    path = _with_payload(model_file, tmp_path / "unversioned.joblib", edit)
    with pytest.raises(ModelError, match="does not record the scikit-learn version it was saved with") as info:
        load_model(path, trusted=True)
    assert "?" not in str(info.value) and "\n" not in str(info.value)


# -- 8: a page's charset label never makes decoding raise, and no surrogate leaves it --------

NOT_CHARSETS = ["rot13", "base64", "hex", "zlib", "bz2", "uu", "quopri", "idna", "undefined", "punycode",
                "unicode_escape", "raw_unicode_escape"]


@pytest.mark.parametrize("label", NOT_CHARSETS)
def test_a_codec_that_is_no_charset_is_ignored_like_an_unknown_label(label):
    from features.decode import decode_bytes

    page = f"<meta charset='{label}'><p>caf".encode() + b"\xe9 \\ud800 \\x41 x</p>"
    assert decode_bytes(page) == page.decode("cp1252")


def test_a_page_naming_rot13_is_cleaned_by_the_cli_and_by_clean_each(run_cli, model_file, trained_model, tmp_path):
    from corpus.dask import clean_each

    page = tmp_path / "p.html"
    page.write_bytes(b"<meta charset='rot13'><p>caf\xe9 x</p>")
    code, out, err = run_cli(["clean", page, "--model", model_file, "--threshold", "0"])
    assert (code, err) == (0, "") and out == "café x\n"
    assert clean_each(trained_model, [page.read_bytes()], threshold=0.0) == ["café x"]


def test_lone_surrogates_become_replacement_characters(run_cli, model_file, tmp_path):
    from features import parse_document
    from features.decode import to_text

    assert to_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    blocks, _ = parse_document("line one\ud83d\nline two", kind="text")
    assert blocks["text"].tolist() == ["line one\ufffd", "line two"]
    page = tmp_path / "escaped.html"  # the escape codec would have turned \ud800 into a surrogate
    page.write_bytes(b"<meta charset='unicode_escape'><p>caf\xe9 \\ud800 x</p>")
    code, out, err = run_cli(["clean", page, "--format", "text", "--model", model_file, "--threshold", "0"])
    assert code == 0, err
    assert out.encode("utf-8")


# -- 13: UTF-16 CJK text without a BOM ------------------------------------------------------

CJK = {
    "zh": "这是一个关于城市预算的报告。市议会在星期二晚上开会，讨论了明年的新预算。\n",
    "ja": "市議会は火曜日の夜に会合を開き、来年の新しい予算について話し合いました。\n",
    "ko": "시의회는 화요일 저녁에 모여 내년 예산을 논의했습니다.\n",
}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("language", sorted(CJK))
def test_utf16_cjk_text_without_a_bom_is_read_not_refused_as_binary(language, encoding):
    from features import parse_document

    text = CJK[language] * 12
    blocks, kind = parse_document(text.encode(encoding))
    assert kind == "text" and blocks["text"].tolist() == [CJK[language].strip()] * 12


@pytest.mark.parametrize("encoding", ["shift_jis", "euc-jp", "gbk", "gb18030", "euc-kr", "big5"])
def test_cjk_text_in_legacy_encodings_is_decoded_as_before(encoding):
    from features.decode import decode_bytes

    data = "".join(text for language, text in sorted(CJK.items())
                   if language != "ko" or encoding == "euc-kr").encode(encoding, errors="replace") * 12
    assert decode_bytes(data) == data.decode("cp1252", errors="replace")  # no charset named: Windows-1252


def test_random_bytes_are_still_binary():
    import random

    from features.decode import binary_reason

    rng = random.Random(13)
    assert all(binary_reason(bytes(rng.randrange(256) for _ in range(4096))) for _ in range(50))
