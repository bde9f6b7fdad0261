"""Empty, binary and corrupt files: a clear error naming the file, exit code 2, no traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.ingest import ingest_paths
from firmscore.ingest.readers import UnreadableFile
from firmscore.store import DataHome

from .conftest import HEADER
from .test_pipeline import GOOD_ROWS, write_csv


def _parquet(path: Path) -> bytes:
    rows = {name: [r[i] for r in GOOD_ROWS] for i, name in enumerate(HEADER)}
    pq.write_table(pa.table(rows), path)
    return path.read_bytes()


def _make(kind: str, tmp_path: Path) -> tuple[Path, str]:
    """A bad input file of ``kind`` and the format its mapping declares."""
    if kind == "empty-csv":
        (p := tmp_path / "empty.csv").write_bytes(b"")
        return p, "csv"
    if kind == "random-csv":
        (p := tmp_path / "random.csv").write_bytes(os.urandom(5000))
        return p, "csv"
    if kind == "short-random-csv":  # too short to be sure of a NUL byte: the header cannot be decoded
        (p := tmp_path / "short.csv").write_bytes(b"\xff\xfe\xfd\x80abc\n\x81\x82")
        return p, "csv"
    if kind == "utf16-csv":
        (p := tmp_path / "utf16.csv").write_bytes(",".join(HEADER).encode("utf-16"))
        return p, "csv"
    if kind == "empty-jsonl":
        (p := tmp_path / "empty.jsonl").write_bytes(b"")
        return p, "jsonl"
    if kind == "random-jsonl":
        (p := tmp_path / "random.jsonl").write_bytes(os.urandom(5000))
        return p, "jsonl"
    if kind == "empty-parquet":
        (p := tmp_path / "empty.parquet").write_bytes(b"")
        return p, "parquet"
    if kind == "random-parquet":
        (p := tmp_path / "random.parquet").write_bytes(os.urandom(5000))
        return p, "parquet"
    if kind == "truncated-parquet":
        data = _parquet(tmp_path / "whole.parquet")
        (p := tmp_path / "truncated.parquet").write_bytes(data[: len(data) // 2])
        return p, "parquet"
    if kind == "no-magic-parquet":
        data = _parquet(tmp_path / "whole.parquet")
        (p := tmp_path / "nomagic.parquet").write_bytes(data[:-4])
        return p, "parquet"
    if kind == "csv-as-parquet":
        return write_csv(tmp_path / "text.parquet", GOOD_ROWS), "parquet"
    raise AssertionError(kind)


KINDS = ["empty-csv", "random-csv", "short-random-csv", "utf16-csv", "empty-jsonl", "random-jsonl", "empty-parquet",
         "random-parquet", "truncated-parquet", "no-magic-parquet", "csv-as-parquet"]


@pytest.mark.parametrize("kind", KINDS)
def test_unreadable_files_are_a_clear_error_with_exit_code_2(kind: str, tmp_path: Path, enterprise_mapping) -> None:
    bad, fmt = _make(kind, tmp_path)
    good = write_csv(tmp_path / "good.csv", GOOD_ROWS) if fmt == "csv" else None
    home = tmp_path / "home"
    with pytest.raises(UnreadableFile) as info:
        ingest_paths(DataHome(home), [p for p in (good, bad) if p], mapping=str(enterprise_mapping(fmt)), ledger=False)
    assert info.value.path == str(bad) and str(bad) in str(info.value)
    assert DataHome(home).counts()["enterprise"] == 0  # the batch stored nothing, not even the good file
    result = CliRunner().invoke(app, ["ingest", str(bad), "--home", str(home), "--no-ledger",
                                      "--mapping", str(enterprise_mapping(fmt))])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback: a handled error
    text = "".join(result.output.split())
    assert "".join(str(bad).split()) in text and "cannotreadfile" in text and "无法读取文件" in text


def test_a_header_only_file_is_not_an_error(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    src = tmp_path / "header.csv"
    src.write_text(",".join(HEADER), encoding="utf-8")  # no line break either
    report = ingest_paths(home, [src], mapping=str(enterprise_mapping()), ledger=False)
    f = report.files[0]
    assert (f.physical, f.skipped, f.read) == (1, 1, 0) and f.reconciled
