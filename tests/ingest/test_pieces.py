"""Large files are cut into pieces read in parallel: reading the pieces equals reading the file."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from firmscore.ingest import ingest_paths, plan
from firmscore.ingest.pieces import Piece, cut
from firmscore.ingest.readers import read_chunks, split_plain_line
from firmscore.store import DataHome

from .test_pipeline import write_csv


def _read(path: Path, fmt: str, pieces: list[Piece], multiline: frozenset[str] = frozenset()
          ) -> tuple[list[int], list[list[str]], list[tuple[int, str]], int]:
    """(line numbers, rows, (line, reason) of unreadable rows, skipped lines) over ``pieces`` in order."""
    lines: list[int] = []
    rows: list[list[str]] = []
    errors: list[tuple[int, str]] = []
    skipped = 0
    for piece in pieces:
        for chunk in read_chunks(path, fmt, chunk_rows=7, piece=piece, multiline=multiline):
            lines += chunk.lines
            rows += chunk.frame.astype(str).values.tolist()
            errors += [(e.line, e.reason) for e in chunk.errors]
            skipped += chunk.skipped
    return lines, rows, errors, skipped


_CELL = st.text(alphabet="ab中文 12,", max_size=6)
_LINE = st.one_of(
    st.lists(_CELL, min_size=3, max_size=3).map(lambda cells: ",".join(cells).encode()),  # 3 cells, or more
    st.just(b""),  # blank line
    st.just(b"\xff\xfe broken"),  # undecodable
    st.lists(_CELL, min_size=1, max_size=2).map(lambda cells: ",".join(cells).encode()),  # too few fields
    st.lists(st.text(alphabet='a"', max_size=4), min_size=3, max_size=3).map(  # quotes, balanced or not
        lambda cells: ",".join(cells).encode()),
)


@settings(max_examples=150, deadline=None)
@given(body=st.lists(_LINE, max_size=60), crlf=st.booleans(), bom=st.booleans(), piece_bytes=st.integers(1, 40),
       multiline=st.booleans())
def test_csv_pieces_read_exactly_like_the_whole_file(tmp_path_factory, body: list[bytes], crlf: bool, bom: bool,
                                                      piece_bytes: int, multiline: bool) -> None:
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    nl = b"\r\n" if crlf else b"\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + nl.join([b"x,y,z", *body]) + nl)
    columns = frozenset({"y"}) if multiline else frozenset()
    pieces = cut(path, "csv", 0, piece_bytes, multiline=multiline)
    assert _read(path, "csv", pieces, columns) == _read(path, "csv", [Piece(0)], columns)
    data = path.read_bytes()
    assert [p.stop for p in pieces[:-1]] == [p.start for p in pieces[1:]]  # contiguous, in order
    line_starts = [i + 1 for i, b in enumerate(data) if b == ord("\n") and piece_bytes <= i + 1 < len(data)]
    balanced = all(line.count(b'"') % 2 == 0 for line in data.split(b"\n")[:-1])  # else it stays whole
    if len(data) > 2 * piece_bytes and line_starts and (balanced or not multiline):
        assert len(pieces) > 1 and pieces[1].start == line_starts[0]  # cut at the first line start it may use


def test_multiline_csv_is_cut_only_between_records_and_jsonl_and_parquet_are_cut(tmp_path: Path) -> None:
    spanning = tmp_path / "q.csv"
    spanning.write_text("2,z\n" * 100 + 'a,b\n1,"x\ny"\n' + "2,z\n" * 100, encoding="utf-8")
    assert cut(spanning, "csv", 0, 16, multiline=True) == [Piece(0)]  # a record may span lines: never cut
    pieces = cut(spanning, "csv", 0, 16)  # no multi-line column declared: every line is a record of its own
    assert len(pieces) > 10 and _read(spanning, "csv", pieces) == _read(spanning, "csv", [Piece(0)])
    assert _read(spanning, "csv", [Piece(0)], frozenset({"z"}))[1][100] == ["1", "x\ny"]  # header: "2,z"
    quoted = tmp_path / "all-quoted.csv"
    quoted.write_text('"a","b"\n' + "".join(f'"{i}","x,""y"""\n' for i in range(200)) + '"tail","open',
                      encoding="utf-8")
    pieces = cut(quoted, "csv", 0, 64)
    assert len(pieces) > 10 and _read(quoted, "csv", pieces) == _read(quoted, "csv", [Piece(0)])

    jl = tmp_path / "f.jsonl"
    jl.write_text("\n".join([json.dumps({"k": i, "v": "值\\n"}) for i in range(50)] + ["{bad", "", "[1]"]) + "\n",
                  encoding="utf-8")
    pieces = cut(jl, "jsonl", 0, 64)
    assert len(pieces) > 5 and _read(jl, "jsonl", pieces) == _read(jl, "jsonl", [Piece(0)])

    pqf = tmp_path / "f.parquet"
    pq.write_table(pa.table({"k": list(range(1000)), "v": [str(i) for i in range(1000)]}), pqf, row_group_size=64)
    pieces = cut(pqf, "parquet", 0, 512)
    assert len(pieces) > 2 and pieces[1].first_line == 1 + sum(
        pq.ParquetFile(pqf).metadata.row_group(g).num_rows for g in range(pieces[0].start, pieces[0].stop or 0))
    assert _read(pqf, "parquet", pieces) == _read(pqf, "parquet", [Piece(0)])


def test_a_cut_file_ingests_like_a_whole_one(tmp_path: Path, enterprise_mapping, monkeypatch) -> None:
    import firmscore.ingest.pipeline as pipeline

    mapping = str(enterprise_mapping())
    rows = [[f"p{i}", "", f"公司{i}", "2020-01-01" if i % 17 else "2020-13-01", str(i), "1", "存续"]
            for i in range(300)]  # every 17th row has a bad date
    rows += rows[:20]  # duplicates
    src = write_csv(tmp_path / "big.csv", rows)
    whole = ingest_paths(DataHome(tmp_path / "whole"), [src], mapping=mapping, ledger=False)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "TASK_BYTES", 512)  # the 20 KB file becomes about 40 pieces
    assert len(pipeline._tasks(plan([src], mapping=mapping))) > 10
    results = {}
    for workers in (1, 2):
        home = DataHome(tmp_path / f"cut{workers}")
        report = ingest_paths(home, [src], mapping=mapping, ledger=False, workers=workers)
        f = report.files[0]
        results[workers] = (
            (f.read, f.accepted, f.quarantined, f.duplicates),
            home.connect().execute("SELECT line, field FROM quarantine ORDER BY line").fetchall(),
            sorted(r[0] for r in home.connect().execute("SELECT record_id FROM enterprise").fetchall()),
        )
    w = whole.files[0]
    expected = (
        (w.read, w.accepted, w.quarantined, w.duplicates),
        DataHome(tmp_path / "whole").connect().execute("SELECT line, field FROM quarantine ORDER BY line").fetchall(),
        sorted(r[0] for r in DataHome(tmp_path / "whole").connect().execute("SELECT record_id FROM enterprise")
               .fetchall()),
    )
    assert results[1] == results[2] == expected
    assert expected[0] == (320, 282, 20, 18) and len(expected[1]) == 20  # repeated bad rows are quarantined again


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from([*'ab ,;\t\r\n\x00"中', "\u2028", "\x0b"]), max_size=30),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_plain_lines_split_exactly_like_the_csv_module(text: str, delimiter: str) -> None:
    """The CSV reader's fast path (``str.split``) agrees with ``csv.reader`` on every line it accepts."""
    import csv
    import io

    line = text.split("\n", 1)[0] + "\n"  # one physical line, as the reader hands it over
    if not line.strip():
        return  # the reader skips blank lines before splitting
    fast = split_plain_line(line, delimiter)
    if fast is not None:
        assert fast == next(csv.reader(io.StringIO(line), delimiter=delimiter, strict=True))
    else:
        assert '"' in line or "\r" in line
