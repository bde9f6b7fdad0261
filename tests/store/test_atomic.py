"""Durable writes: the target is the old or the new content, never half; leftovers of a kill are resolved."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from firmscore.store import atomic
from firmscore.store.atomic import atomic_dir, atomic_path, remove_leftovers, write_json, write_parquet, write_text


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_file_write_replaces_whole_with_mode_and_no_leftover(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "a.json"
    write_json(target, {"x": 1, "名": "值"})
    assert target.read_text(encoding="utf-8") == '{\n "x": 1,\n "名": "值"\n}'
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700
    write_text(target, "second", mode=0o640)
    assert target.read_text(encoding="utf-8") == "second"
    assert _mode(target) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.json"]


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "t.parquet"
    write_parquet(target, pa.table({"a": [1, 2]}))
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"PAR1 half")
        raise RuntimeError("killed")
    assert pq.read_table(target).column("a").to_pylist() == [1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_folder_is_replaced_as_a_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool) -> None:
    if not exchange:  # the fallback of systems without RENAME_EXCHANGE
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    target = tmp_path / "scores" / "as_of=2024-01-01"
    with atomic_dir(target) as d:
        write_text(d / "scores.txt", "old")
        write_text(d / "receipt.txt", "old receipt")
    with pytest.raises(RuntimeError), atomic_dir(target) as d:
        write_text(d / "scores.txt", "new")
        raise RuntimeError("killed before the receipt")
    assert (target / "scores.txt").read_text() == "old"
    with atomic_dir(target) as d:
        write_text(d / "scores.txt", "new")
    assert sorted(p.name for p in target.iterdir()) == ["scores.txt"]  # nothing of the old run survives
    assert (target / "scores.txt").read_text() == "new"
    assert [p.name for p in target.parent.iterdir()] == ["as_of=2024-01-01"]


def test_leftovers_of_a_kill_are_resolved(tmp_path: Path) -> None:
    # what a kill leaves at each step of a write
    (tmp_path / "a.json").write_text("committed")
    (tmp_path / ".a.json.tmp-12-ab").write_text("half")  # killed while writing a file
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "x").write_text("current")
    (tmp_path / ".f.new-12-cd").mkdir()  # killed while filling a folder (or just after the swap)
    (tmp_path / ".f.new-12-cd" / "x").write_text("partial")
    (tmp_path / ".g.old-12-ef").mkdir()  # killed between the fallback's renames: g is missing
    (tmp_path / ".g.old-12-ef" / "x").write_text("previous")
    (tmp_path / "h").mkdir()
    (tmp_path / ".h.old-12-01").mkdir()  # killed after the second rename: h is the new one
    (tmp_path / ".hidden").write_text("not ours")
    removed = remove_leftovers(tmp_path)
    assert len(removed) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hidden", "a.json", "f", "g", "h"]
    assert (tmp_path / "g" / "x").read_text() == "previous"
    assert (tmp_path / "f" / "x").read_text() == "current"
    assert remove_leftovers(tmp_path) == []


def test_writes_are_durable_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file and its folder are fsync-ed before and after the rename (spied on the real calls)."""
    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    target = tmp_path / "m.json"
    write_json(target, {"a": 1})
    assert any(".m.json.tmp-" in s for s in synced)
    assert synced[-1] == str(tmp_path)
