"""Recovery of interrupted batches: readers see before, the next writer completes or rolls back, staging goes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from firmscore.ingest import ingest_paths
from firmscore.ledger import EvidenceLedger
from firmscore.store import DataHome
from firmscore.store.batches import PendingBatch, entries, open_batches
from firmscore.store.lock import writer


def test_a_batch_moved_but_not_committed_is_hidden_then_completed(
        home: DataHome, enterprise_csv: Callable[[int, str], tuple[Path, Path]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, mapping = enterprise_csv(4, "a.csv")
    ingest_paths(home, [first], mapping=str(mapping))
    second, _ = enterprise_csv(10, "b.csv")

    def fail(self: PendingBatch, summary: dict[str, object]) -> None:
        raise OSError("disk gone before the commit line")  # the batch's parts are in place, it is not committed

    monkeypatch.setattr(PendingBatch, "commit", fail)
    with pytest.raises(OSError):
        ingest_paths(home, [second], mapping=str(mapping))
    monkeypatch.undo()
    [pending] = open_batches(home)
    assert pending["logged"] and (home.root / ".staging" / pending["batch_id"]).is_dir()
    assert len(list(home.table_dir("enterprise").glob("*.parquet"))) == 2  # moved ...
    assert home.counts()["enterprise"] == 4  # ... but readers see the home as before the batch
    assert len(home.parquet_files("enterprise")) == 1
    with writer(home, "test"):  # the next start completes it
        pass
    assert open_batches(home) == [] and not (home.root / ".staging").exists()
    last = list(home.batches())[-1]
    assert last["batch_id"] == pending["batch_id"] and last["recovered"] is True
    assert (last["accepted"], last["duplicates"]) == (6, 4)
    assert home.counts()["enterprise"] == 10  # e0..e3 were already stored: duplicates, 6 new
    with EvidenceLedger.for_home(home) as log:
        assert log.size == 10 and log.verify_all().ok


def test_staging_of_a_batch_killed_before_it_was_pending_is_rolled_back(home: DataHome) -> None:
    stray = home.root / ".staging" / "b20240101T000000000000-abcdef"
    (stray / "enterprise" / "00").mkdir(parents=True)
    (stray / "enterprise" / "00" / "00001-0000.arrow").write_bytes(b"scratch of a killed run")
    with writer(home, "test"):
        pass
    assert not (home.root / ".staging").exists()
    [entry] = list(entries(home))
    assert entry["batch_id"] == stray.name and entry["state"] == "rolled_back"
    assert list(home.batches()) == []  # never acknowledged
