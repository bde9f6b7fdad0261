"""Cutting large input files into pieces that converters read independently, in parallel.

A piece is a run of whole records of one file, with the physical line (or row) number of its first
record, so that quarantine reasons and input positions are exactly those of a single pass:

* **Parquet**: runs of whole row groups (row numbers from the row groups' sizes);
* **JSON Lines**: byte ranges cut at line starts (a JSON string cannot contain a raw newline);
* **CSV**: byte ranges cut at line starts. A record spans lines only when its mapping declares a
  multi-line column; then the file is cut only when every line holds an even number of quote
  characters (no quote is open at any line break), so that fully quoted exports are still cut and
  a file with a quoted line break stays one piece.

The cuts depend only on the files, never on the number of workers, so the batch is the same
(and its records are stored in the same order) whatever the number of processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

PIECE_BYTES = 32 * 1024 * 1024  # about this much input per piece
SCAN_BLOCK = 16 * 1024 * 1024


@dataclass(frozen=True)
class Piece:
    """Whole records of one input file: ``[start, stop)`` in row groups (Parquet) or bytes (text).

    ``stop`` None means to the end; ``first_line`` is the physical line (text) or row (Parquet)
    number of the piece's first record.
    """

    file_id: int
    start: int = 0
    stop: int | None = None
    first_line: int = 1

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.stop is None


def cut(path: Path, fmt: str, file_id: int, piece_bytes: int = PIECE_BYTES, multiline: bool = False) -> list[Piece]:
    """The pieces of one file (a single whole piece when it is small or cannot be cut safely).

    ``multiline``: the file's mapping lets quoted CSV values span lines.
    """
    size = path.stat().st_size
    if size <= 2 * piece_bytes:
        return [Piece(file_id)]
    if fmt == "parquet":
        try:
            return _parquet_pieces(path, file_id, size, piece_bytes)
        except (pa.ArrowException, OSError):
            return [Piece(file_id)]  # not readable Parquet: the reader says so, naming the file
    if fmt in {"csv", "jsonl"}:
        return _line_pieces(path, file_id, size, piece_bytes, check_quotes=fmt == "csv" and multiline)
    return [Piece(file_id)]


def _parquet_pieces(path: Path, file_id: int, size: int, piece_bytes: int) -> list[Piece]:
    meta = pq.ParquetFile(path).metadata
    rows_per_piece = max(1, int(meta.num_rows * piece_bytes / size))
    pieces: list[Piece] = []
    start, first_row, rows = 0, 1, 0
    for g in range(meta.num_row_groups):
        rows += meta.row_group(g).num_rows
        if rows >= rows_per_piece and g + 1 < meta.num_row_groups:
            pieces.append(Piece(file_id, start, g + 1, first_row))
            start, first_row, rows = g + 1, first_row + rows, 0
    pieces.append(Piece(file_id, start, None, first_row))
    return pieces


def _line_pieces(path: Path, file_id: int, size: int, piece_bytes: int, check_quotes: bool) -> list[Piece]:
    """Cut at the first line start at or after every ``piece_bytes``; count the lines before each cut.

    With ``check_quotes`` (CSV) the file stays whole unless the number of quotes before every line
    break is even, i.e. unless no line leaves a quoted field open.
    """
    cuts: list[tuple[int, int]] = []  # (byte offset of a line start, its line number)
    target = piece_bytes
    newlines = 0
    offset = 0
    quotes_before = 0  # parity of the quotes seen so far
    with path.open("rb") as fh:
        while block := fh.read(SCAN_BLOCK):
            if check_quotes and b'"' in block:
                data = np.frombuffer(block, dtype=np.uint8)
                parity = (np.cumsum(data == ord('"')) + quotes_before) % 2
                if parity[data == ord("\n")].any():
                    return [Piece(file_id)]  # a line break inside quotes: a record may span lines
                quotes_before = int(parity[-1])
            pos = 0
            while target < offset + len(block):
                nl = block.find(b"\n", max(target - offset - 1, pos))
                if nl < 0:
                    break
                newlines += block.count(b"\n", pos, nl + 1)
                pos = nl + 1
                if offset + pos < size:
                    cuts.append((offset + pos, newlines + 1))
                target = offset + pos + piece_bytes
            newlines += block.count(b"\n", pos)
            offset += len(block)
    pieces: list[Piece] = []
    start, first_line = 0, 1
    for at, line in cuts:
        pieces.append(Piece(file_id, start, at, first_line))
        start, first_line = at, line
    pieces.append(Piece(file_id, start, None, first_line))
    return pieces
