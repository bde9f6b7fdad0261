"""Streaming readers for CSV, Parquet and JSON Lines that never lose a row.

Each reader yields :class:`Chunk` objects: a DataFrame of source rows (with the physical line or
row number of each) plus the rows that could not even be read (undecodable bytes, wrong number of
fields, broken JSON), each with its line and reason, and the number of physical lines that are no
record of their own (the header, blank lines, the continuation lines of a multi-line record).
:func:`count_physical` counts a file's lines (or Parquet rows) independently of all this, so the
reconciliation can prove that every line is accounted for. Reading is chunked so memory stays
bounded on files of any size.

A file that is not what its mapping says at all (empty, binary, not Parquet) raises
:class:`UnreadableFile` naming it: that is unusable input, not a row to quarantine.
"""

from __future__ import annotations

import csv
import io
import json
from collections import deque
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.i18n import t
from firmscore.ingest import messages as _messages  # noqa: F401  (registers the ingestion messages)
from firmscore.ingest.pieces import Piece

CHUNK_ROWS = 200_000
_FIELD_LIMIT = csv.field_size_limit()
MAX_RECORD_LINES = 20  # a multi-line record (in columns declared multiline) spans at most this many lines
RAW_LIMIT = 65_536  # characters of a quarantined line kept as its raw text (longer ones say they were cut)
SNIFF_BYTES = 65_536  # bytes of a text file looked at for binary content


class UnreadableFile(ValueError):
    """A whole input file that cannot be read as its mapping's format (empty, binary, corrupt)."""

    def __init__(self, path: str | Path, detail: str) -> None:
        super().__init__(str(path), detail)
        self.path = str(path)
        self.detail = detail

    def __str__(self) -> str:
        return t("error.unreadable_file", path=self.path, detail=self.detail)


def excerpt(text: str, limit: int = RAW_LIMIT) -> str:
    """``text`` whole, or its first ``limit`` characters followed by a note saying it was cut and from what."""
    if len(text) <= limit:
        return text
    return text[:limit] + t("reason.raw_cut", total=len(text), kept=limit)


def check_text_file(path: Path, fmt: str) -> None:
    """Raise :class:`UnreadableFile` for an empty file or one whose start is binary (NUL or control bytes)."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head:
        raise UnreadableFile(path, t("error.empty_file"))
    control = sum(head.count(bytes([c])) for c in (*range(0, 9), 11, 12, *range(14, 32)))
    if b"\x00" in head or control > len(head) // 10:
        raise UnreadableFile(path, t("error.binary_file", fmt=fmt.upper(), where=f"{len(head):,}"))


def count_physical(path: Path, fmt: str, piece: Piece | None = None) -> int:
    """Physical lines (text) or rows (Parquet) of a file or piece, counted without the readers.

    A line is what ends with ``\\n``, plus a last line without one. This is the oracle of the
    reconciliation: readers must account for every line it counts.
    """
    piece = piece or Piece(0)
    if fmt == "parquet":
        meta = open_parquet(path).metadata
        stop = meta.num_row_groups if piece.stop is None else piece.stop
        return sum(meta.row_group(g).num_rows for g in range(piece.start, stop))
    size = path.stat().st_size
    stop = size if piece.stop is None else piece.stop
    lines = 0
    last = b""
    with path.open("rb") as fh:
        fh.seek(piece.start)
        todo = stop - piece.start
        while todo > 0:
            block = fh.read(min(todo, 1 << 24))
            if not block:
                break
            todo -= len(block)
            lines += block.count(b"\n")
            last = block[-1:]
    if stop == size and size > piece.start and last != b"\n":
        lines += 1  # the last line has no line break
    return lines


def open_parquet(path: Path) -> pq.ParquetFile:
    """Open a Parquet file or raise :class:`UnreadableFile` (magic bytes missing, truncated footer …)."""
    if path.stat().st_size == 0:
        raise UnreadableFile(path, t("error.empty_file"))
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise UnreadableFile(path, t("error.bad_parquet", detail=str(exc))) from exc


@dataclass
class ReadError:
    """A source row that could not be read at all."""

    line: int
    reason: str
    raw: str | None = None
    field: str = "<row>"
    code: str = "reason.bad_row"  # the reason's message key (groups reasons in summaries)


@dataclass
class Chunk:
    """A block of readable rows (``frame``, with ``lines``) and the unreadable ones (``errors``)."""

    frame: pd.DataFrame
    lines: list[int]
    errors: list[ReadError] = field(default_factory=list)
    skipped: int = 0  # physical lines that are no record of their own: header, blank, continuation lines

    @property
    def n_read(self) -> int:
        return len(self.lines) + len(self.errors)


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """Pick ``utf-8-sig`` (with or without BOM) or ``gbk`` from the first megabyte unless declared."""
    if declared != "auto":
        return declared
    head = path.open("rb").read(1 << 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a multi-byte character cut by the 1 MB window
            return "utf-8-sig"
    try:
        head.decode("gbk")
        return "gbk"
    except UnicodeDecodeError:
        return "utf-8-sig"  # mostly UTF-8 with some bad lines: they are quarantined one by one


def _decoded_lines(path: Path, encoding: str, start: int = 0, stop: int | None = None,
                   first_line: int = 1) -> Generator[tuple[int, str | None, bytes], None, None]:
    """Yield (line number, text or None when undecodable, raw bytes) for each physical line.

    ``start``/``stop`` select the lines that start in that byte range (a piece of the file, see
    :mod:`firmscore.ingest.pieces`); ``first_line`` is the number of the line at ``start``.
    """
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    lineno = first_line - 1
    pos = start
    with path.open("rb") as fh:
        fh.seek(start)
        first = start == 0
        for raw in fh:
            if stop is not None and pos >= stop:
                break
            pos += len(raw)
            lineno += 1
            if first:
                first = False
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
            try:
                yield lineno, raw.decode(codec), raw
            except UnicodeDecodeError:
                yield lineno, None, raw


def split_plain_line(text: str, delimiter: str) -> list[str] | None:
    """The fields of a line without quotes or stray carriage returns, split directly; else None.

    Most lines of most files are like this, and ``str.split`` is several times faster than a
    ``csv.reader`` per line; for such lines the two agree exactly (property-tested). Anything else
    (quotes, an embedded ``\\r``) goes through the csv module.
    """
    if '"' in text:
        return None
    core = text[:-1] if text.endswith("\n") else text
    if core.endswith("\r"):
        core = core[:-1]
    if "\r" in core or len(core) > _FIELD_LIMIT:  # the csv module rejects fields over its size limit
        return None
    return core.split(delimiter)


def read_csv(path: Path, encoding: str = "auto", delimiter: str = ",", chunk_rows: int = CHUNK_ROWS,
             piece: Piece | None = None, multiline: frozenset[str] = frozenset()) -> Iterator[Chunk]:
    """Stream a CSV file (or one piece of it); the file's first line is the header.

    Line numbers are 1-based physical lines of the file. A record spans lines only inside a quoted
    value of a column in ``multiline``; anywhere else a quote left open makes its own line a bad
    row, and the next line is read as the next record.
    """
    if piece is None or piece.start == 0:
        check_text_file(path, "csv")
    enc = detect_encoding(path, encoding)
    piece = piece or Piece(0)
    lines = _decoded_lines(path, enc, piece.start, piece.stop, piece.first_line)
    skipped = 0
    if piece.start:  # a later piece: the header is the file's first line
        head = _decoded_lines(path, enc)
        header_line = next(head, None)
        head.close()
    else:
        header_line = next(lines, None)
        skipped += 1
    if header_line is None or header_line[1] is None:
        raise UnreadableFile(path, t("error.bad_header", encoding=enc))
    header = next(csv.reader([header_line[1]], delimiter=delimiter))
    header = [h.strip() for h in header]
    n_cols = len(header)
    spanning = [i for i, h in enumerate(header) if h in multiline]
    rows: list[list[str]] = []
    row_lines: list[int] = []
    errors: list[ReadError] = []

    def flush() -> Chunk:
        nonlocal skipped
        frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
        chunk = Chunk(frame, list(row_lines), list(errors), skipped)
        rows.clear()
        row_lines.clear()
        errors.clear()
        skipped = 0
        return chunk

    # When a record that may span lines never closes (a stray quote), only its first line is
    # quarantined and the following lines are read again as records of their own, so one bad
    # quote cannot swallow good rows.
    buffer: deque[tuple[int, str | None, bytes]] = deque()
    source = iter(lines)

    def next_line() -> tuple[int, str | None, bytes] | None:
        if buffer:
            return buffer.popleft()
        return next(source, None)

    def bad(lineno: int, key: str, raw: str, **kwargs: Any) -> None:
        errors.append(ReadError(lineno, t(key, **kwargs), excerpt(raw.rstrip("\r\n")), code=key))

    while True:
        item = next_line()
        if item is None:
            break
        lineno, text, raw = item
        if text is None:
            errors.append(ReadError(lineno, t("reason.bad_encoding", encoding=enc), excerpt(raw.hex()),
                                    code="reason.bad_encoding"))
        elif text.strip() == "":
            skipped += 1  # blank line: not a row
        else:
            record_text, parsed = text, split_plain_line(text, delimiter)
            if parsed is None and text.count('"') % 2 == 1 and not spanning:
                bad(lineno, "reason.unterminated_quote", text)
            elif parsed is None:  # quotes or carriage returns: the csv module, across lines while a quote is open
                taken = [item]
                while record_text.count('"') % 2 == 1 and len(taken) < MAX_RECORD_LINES:
                    more = next_line()
                    if more is None or more[1] is None:
                        if more is not None:
                            buffer.appendleft(more)
                        break
                    taken.append(more)
                    record_text += more[1]
                problem: tuple[str, dict[str, Any]] | None = None
                if record_text.count('"') % 2 == 1:
                    problem = ("reason.record_too_long", {"lines": MAX_RECORD_LINES}) \
                        if len(taken) >= MAX_RECORD_LINES else ("reason.unterminated_quote", {})
                else:
                    try:
                        parsed = next(csv.reader(io.StringIO(record_text), delimiter=delimiter, strict=True))
                    except (csv.Error, StopIteration) as exc:
                        problem = ("reason.bad_row", {"detail": str(exc)})
                    if parsed is not None and len(taken) > 1:
                        broken = [header[i] if i < n_cols else f"#{i + 1}" for i, v in enumerate(parsed)
                                  if i not in spanning and ("\n" in v or "\r" in v)]
                        if broken:
                            problem = ("reason.line_break_in_column", {"column": broken[0]})
                if problem is not None:
                    parsed = None
                    buffer.extendleft(reversed(taken[1:]))  # the following lines are records of their own
                    bad(lineno, problem[0], text, **problem[1])  # its own line only
                else:
                    skipped += len(taken) - 1  # continuation lines of a multi-line record
            if parsed is not None:
                if len(parsed) != n_cols:
                    bad(lineno, "reason.wrong_field_count", record_text, expected=n_cols, got=len(parsed))
                else:
                    rows.append(parsed)
                    row_lines.append(lineno)
        if len(rows) + len(errors) >= chunk_rows:
            yield flush()
    if rows or errors or skipped:
        yield flush()


def read_parquet(path: Path, chunk_rows: int = CHUNK_ROWS, piece: Piece | None = None) -> Iterator[Chunk]:
    """Stream a Parquet file (or some of its row groups) by record batches; a row's "line" is its 1-based row number.

    A file that is not Parquet, or whose pages cannot be decoded, raises :class:`UnreadableFile`.
    """
    pf = open_parquet(path)
    piece = piece or Piece(0)
    stop = pf.num_row_groups if piece.stop is None else piece.stop
    offset = piece.first_line - 1
    batches = pf.iter_batches(batch_size=chunk_rows, row_groups=range(piece.start, stop))
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise UnreadableFile(path, t("error.bad_parquet", detail=str(exc))) from exc
        if batch is None:
            break
        frame = batch.to_pandas(types_mapper=None, date_as_object=False)
        n = len(frame)
        yield Chunk(frame, list(range(offset + 1, offset + n + 1)))
        offset += n


def read_jsonl(path: Path, encoding: str = "auto", chunk_rows: int = CHUNK_ROWS,
               piece: Piece | None = None) -> Iterator[Chunk]:
    """Stream JSON Lines (or one piece of the file); each non-blank line must be one JSON object."""
    if piece is None or piece.start == 0:
        check_text_file(path, "jsonl")
    enc = detect_encoding(path, encoding)
    piece = piece or Piece(0)
    records: list[dict[str, object]] = []
    lines: list[int] = []
    errors: list[ReadError] = []
    skipped = 0
    for lineno, text, raw in _decoded_lines(path, enc, piece.start, piece.stop, piece.first_line):
        if text is None:
            errors.append(ReadError(lineno, t("reason.bad_encoding", encoding=enc), excerpt(raw.hex()),
                                    code="reason.bad_encoding"))
            continue
        if not text.strip():
            skipped += 1
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.append(ReadError(lineno, t("reason.bad_row", detail=f"invalid JSON: {exc.msg}"),
                                    excerpt(text.rstrip("\r\n"))))
            continue
        if not isinstance(obj, dict):
            errors.append(ReadError(lineno, t("reason.bad_row", detail="a line must hold a JSON object"),
                                    excerpt(text.rstrip("\r\n"))))
            continue
        records.append(obj)
        lines.append(lineno)
        if len(records) >= chunk_rows:
            yield Chunk(pd.DataFrame.from_records(records), lines, errors, skipped)
            records, lines, errors, skipped = [], [], [], 0
    if records or errors or skipped:
        yield Chunk(pd.DataFrame.from_records(records) if records else pd.DataFrame(), lines, errors, skipped)


def read_chunks(path: Path, fmt: str, encoding: str = "auto", delimiter: str = ",",
                chunk_rows: int = CHUNK_ROWS, piece: Piece | None = None,
                multiline: frozenset[str] = frozenset()) -> Iterator[Chunk]:
    """Dispatch to the reader for ``fmt`` (csv, parquet, jsonl); ``piece`` reads only part of the file.

    ``multiline``: the CSV columns whose quoted values may span lines.
    """
    if fmt == "csv":
        return read_csv(path, encoding, delimiter, chunk_rows, piece, multiline)
    if fmt == "parquet":
        return read_parquet(path, chunk_rows, piece)
    if fmt == "jsonl":
        return read_jsonl(path, encoding, chunk_rows, piece)
    raise ValueError(f"unknown format {fmt!r}")
