"""Reading and writing corpus files, one record (page) at a time.

* JSONL, plain or compressed (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``): one JSON object per line.
* Parquet (``.parquet``): rows, read in batches of rows.
* WARC (``.warc``, ``.warc.gz``): HTTP responses with an HTML content type; each becomes a record
  with ``url``, ``warc_record_id``, ``date``, ``content_type`` and the HTML body (bytes) under the
  document field.  The cleaned output of a WARC file is JSONL.

Readers yield ``(number, record)`` with 1-based record numbers, or ``(number, BadRecord)`` for a
record that cannot be read (a malformed JSON line): the caller reports it and goes on.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

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


def _open_text(path: Path, mode: str):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8")
    if name.endswith(".zst"):
        import zstandard

        if mode == "r":
            return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(open(path, "rb")), encoding="utf-8")
        return io.TextIOWrapper(zstandard.ZstdCompressor(level=3).stream_writer(open(path, "wb")), encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def read_records(path: Path, batch_rows: int = 1024):
    """Yield ``(number, record)`` for every record of ``path``."""
    fmt = detect_format(path)
    if fmt == "jsonl":
        with _open_text(path, "r") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, BadRecord(f"not valid JSON ({exc.msg})")
                    continue
                yield number, (record if isinstance(record, dict) else BadRecord("not a JSON object"))
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        number = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
            for record in batch.to_pylist():
                number += 1
                yield number, record
    else:
        yield from _read_warc(path)


def _read_warc(path: Path):
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as handle:
        number = 0
        for record in ArchiveIterator(handle):
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
    """Writes cleaned records to ``path`` in the format its name says (JSONL or Parquet).

    ``types``: Parquet types (pyarrow type names) of fields that may be null in every row of the
    first row group (a page that could not be cleaned has a null cleaned text); without them the
    file's schema would take the null type and refuse the text of later rows."""

    def __init__(self, path: Path, fmt: str, types: dict[str, str] | None = None):
        self.path = path
        self.types = types or {}
        self.fmt = "jsonl" if fmt == "warc" else fmt
        self._rows: list[dict] = []
        self._parquet = None
        self._closed = False
        self._handle = _open_text(path, "w") if self.fmt == "jsonl" else None

    def write(self, record: dict) -> None:
        if self._handle is not None:
            self._handle.write(json.dumps(record, ensure_ascii=False, default=_jsonable) + "\n")
        else:
            self._rows.append(record)
            if len(self._rows) >= 1024:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows:
            return
        table = pa.Table.from_pylist(self._rows)
        if self._parquet is None:
            schema = table.schema
            for i, name in enumerate(schema.names):
                if pa.types.is_null(schema.field(i).type) and name in self.types:
                    schema = schema.set(i, pa.field(name, _arrow_type(self.types[name])))
            table = table.cast(schema)
            self._parquet = pq.ParquetWriter(self.path, schema)
        else:
            table = table.cast(self._parquet.schema)
        self._parquet.write_table(table)
        self._rows = []

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._handle is not None:
            self._handle.close()
        else:
            self._flush_parquet()
            if self._parquet is not None:
                self._parquet.close()
            else:  # no rows at all: still leave a valid, empty file
                import pyarrow as pa
                import pyarrow.parquet as pq

                pq.write_table(pa.table({}), self.path)


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
