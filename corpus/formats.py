"""Reading and writing corpus files, one record (page) at a time.

* JSONL, plain or compressed (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``): one JSON object per line.
* Parquet (``.parquet``): rows, read in batches of rows.
* WARC (``.warc``, ``.warc.gz``): HTTP responses with an HTML content type; each becomes a record
  with ``url``, ``warc_record_id``, ``date``, ``content_type`` and the HTML body (bytes) under the
  document field.  The cleaned output of a WARC file is JSONL.

Readers yield ``(number, record)`` with 1-based record numbers, or ``(number, BadRecord)`` for a
record that cannot be read (a line that is not UTF-8 or not a JSON object, JSON nested too deeply
or with a number too long to read, a damaged WARC record): the caller reports it and goes on.  A
file damaged from some point on (a cut or corrupt compressed stream, a broken Parquet row group)
gives a last ``BadRecord`` saying so: the records before it are kept.  A byte-order mark at the
start of a JSONL file is read as nothing.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

FORMATS = ("jsonl", "parquet", "warc")


class CorpusError(ValueError):
    """Input files that cannot be cleaned as given (unknown format, a folder, clashing outputs)."""


@dataclass
class BadRecord:
    reason: str


def detect_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".json.gz", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    raise CorpusError(f"{path}: unknown corpus format; use .jsonl(.gz|.zst), .parquet or .warc(.gz)")


def output_name(path: Path) -> str:
    """Name of the cleaned file written for input ``path`` (WARC becomes gzipped JSONL)."""
    if detect_format(path) == "warc":
        stem = path.name[: -len(".warc.gz")] if path.name.lower().endswith(".gz") else path.stem
        return stem + ".jsonl.gz"
    return path.name


def open_binary(path: Path, mode: str):
    """``path`` opened for bytes, through its compression (by name: .gz, .zst)."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, mode + "b")
    if name.endswith(".zst"):
        import zstandard

        if mode == "r":  # buffered, for lines; every frame of a file written in several
            return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(
                open(path, "rb"), read_across_frames=True, closefd=True))
        return zstandard.ZstdCompressor(level=3).stream_writer(open(path, "wb"), closefd=True)
    return open(path, mode + "b")


def _damage(exc: Exception) -> BadRecord:
    return BadRecord(f"the file is damaged or cut short here ({type(exc).__name__}: {exc}); the rest of it "
                     "cannot be read")


def read_records(path: Path, batch_rows: int = 1024) -> Iterator[tuple[int, dict | BadRecord]]:
    """Yield ``(number, record)`` for every record of ``path``."""
    fmt = detect_format(path)
    if fmt == "jsonl":
        yield from _read_jsonl(path)
    elif fmt == "parquet":
        yield from _read_parquet(path, batch_rows)
    else:
        yield from _read_warc(path)


def _read_jsonl(path: Path):
    number = 0
    with open_binary(path, "r") as handle:
        lines = iter(handle)
        while True:
            try:
                line = next(lines, None)
            except Exception as exc:  # noqa: BLE001 - whatever gzip, zlib or zstd raise: unreadable
                yield number + 1, _damage(exc)
                return
            if line is None:
                return
            number += 1
            if line.strip():
                yield number, _json_record(line, number)


def _json_record(line: bytes, number: int) -> dict | BadRecord:
    """The JSON object on one line, or why there is none."""
    try:
        record = json_line(line, number)
    except ValueError as exc:
        return BadRecord(str(exc))
    return record if isinstance(record, dict) else BadRecord("not a JSON object")


def json_line(line: bytes, number: int):
    """The JSON value on line ``number`` (from 1) of a JSONL file; a ``ValueError`` saying why in
    a few words when it cannot be read (the line is not UTF-8, not JSON, nested too deeply, or
    holds a number of more digits than Python reads).  A byte-order mark on line 1 is nothing."""
    try:
        text = line.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1}); "
                         "JSONL files must be UTF-8") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply to read") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise ValueError(f"JSON that cannot be read ({str(exc).split(':')[0]})") from None


def _read_parquet(path: Path, batch_rows: int):
    import pyarrow as pa
    import pyarrow.parquet as pq

    number = 0
    batches = pq.ParquetFile(path).iter_batches(batch_size=batch_rows)
    while True:
        try:
            batch = next(batches, None)
        except (OSError, pa.ArrowException) as exc:
            yield number + 1, _damage(exc)
            return
        if batch is None:
            return
        for record in batch.to_pylist():
            number += 1
            yield number, record


def parquet_schema(path: Path, added: dict[str, str]):
    """The schema of the cleaned Parquet file of ``path``: the input's own (a column null in the
    first rows keeps its type), with the ``added`` fields (name: pyarrow type name) set or
    appended."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.ParquetFile(path).schema_arrow
    for name, type_name in added.items():
        field = pa.field(name, _arrow_type(type_name))
        index = schema.get_field_index(name)
        schema = schema.set(index, field) if index >= 0 else schema.append(field)
    return schema


def _read_warc(path: Path):
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as handle:
        number = 0
        records = iter(ArchiveIterator(handle))
        while True:
            try:
                record = next(records, None)
            except Exception as exc:  # a damaged stream: warcio raises what its parsers raise
                yield number + 1, _damage(exc)
                return
            if record is None:
                return
            if record.rec_type != "response":
                continue
            number += 1
            content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
            if not content_type or "html" not in content_type.lower():
                continue
            try:
                body = record.content_stream().read()
            except Exception as exc:  # a damaged record: report it, keep reading
                yield number, BadRecord(f"unreadable WARC record ({type(exc).__name__}: {exc})")
                continue
            yield number, {
                "url": record.rec_headers.get_header("WARC-Target-URI"),
                "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                "date": record.rec_headers.get_header("WARC-Date"),
                "content_type": content_type,
                "html": body,
            }


class RecordWriter:
    """Writes cleaned records to ``path`` in the format its name says (JSONL or Parquet; Parquet
    with ``schema``, see ``parquet_schema``); ``records`` counts them."""

    def __init__(self, path: Path, fmt: str, schema=None):
        self.path = path
        self.schema = schema
        self.fmt = "jsonl" if fmt == "warc" else fmt
        self.records = 0
        self._rows: list[dict] = []
        self._parquet = None
        self._closed = False
        self._handle = open_binary(path, "w") if self.fmt == "jsonl" else None

    def write(self, record: dict) -> None:
        self.records += 1
        if self._handle is not None:
            try:
                line = json.dumps(record, ensure_ascii=False, default=_jsonable).encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape: kept as that escape
                line = json.dumps(record, default=_jsonable).encode("ascii")
            self._handle.write(line + b"\n")
        else:
            self._rows.append(record)
            if len(self._rows) >= 1024:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, self.schema)
        if self._rows:
            self._parquet.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
        self._rows = []

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._handle is not None:
            self._handle.close()
        else:
            self._flush_parquet()  # with no rows at all, still a valid file of the schema
            self._parquet.close()

    def abort(self) -> None:
        """Close after a failure, quietly: a full disk fails the close too, and the caller is
        about to remove the file."""
        try:
            self.close()
        except Exception:  # noqa: BLE001 - the first error is the one reported
            pass


def _arrow_type(name: str):
    """The pyarrow type of a name such as ``string`` or ``list<int64>``."""
    import pyarrow as pa

    if name.startswith("list<") and name.endswith(">"):
        return pa.list_(_arrow_type(name[len("list<"):-1]))
    return pa.type_for_alias(name)


def _jsonable(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
