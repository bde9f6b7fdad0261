"""Erasure that erases everywhere: after ``firmscore admin erase`` no byte of the record is left in the home.

One home is built through the CLI (synth → ingest → graph → features → labels → train → score) with
planted personal and negative records. The tests check, on the real files:

* before the erasure the search finds the planted lawsuit (so the search can see what it looks for);
* after it, a byte search of every file of the home — Parquet parts (raw and decoded), the DuckDB
  catalog, ``ledger.db`` and its WAL, quarantine, scratch, features, labels, scores, reports — finds
  no plaintext of the erased records in UTF-8, GBK, UTF-16 or JSON-escaped form, nor their
  ciphertexts or wrapped keys;
* features and scores are recomputed without them, and ``ledger verify`` still passes;
* every folder of the home is 0700 and every file 0600.
"""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from firmscore.config import key_dir
from firmscore.features import compute_features
from firmscore.ledger import EvidenceLedger
from firmscore.scoring import read_scores
from firmscore.store import DataHome
from firmscore.store.permissions import loose_modes

from .homes import (
    AS_OF,
    BAD_PERSON_ID,
    BAD_PERSON_NAME,
    LAWSUIT_TEXT,
    PERSON_NAME,
    PlantedHome,
    build_planted_home,
    byte_search,
    plaintexts,
    run,
)

pytestmark = pytest.mark.xdist_group("erasure_home")


@dataclass(frozen=True)
class Erased:
    planted: PlantedHome
    person_rid: str
    lawsuit_rid: str
    found_before: dict[str, list[str]]
    secrets_before: dict[str, list[bytes]]  # ciphertexts and wrapped keys of the erased records
    lawsuits_before: int
    lawsuits_after: int
    cited_before: bool
    erase_output: str


def _lawsuits(home: DataHome, firm: str) -> int:
    table = compute_features(home, AS_OF).table.to_pandas().set_index("enterprise_id")
    return int(table.loc[firm, "perf_lawsuits_defendant_24m"])


def _cites(home: DataHome, rid: str) -> bool:
    scores, _ = read_scores(home, AS_OF)
    return any(rid in str(r) for r in scores["reasons"]) if "reasons" in scores else False


@pytest.fixture(scope="module")
def erased(tmp_path_factory: pytest.TempPathFactory) -> Erased:
    planted = build_planted_home(tmp_path_factory.mktemp("erasure"))
    home = DataHome(planted.root)
    con = home.connect()
    person_rid = con.execute("SELECT record_id FROM person WHERE source_record_id = 'PS-PLANTED-1'").fetchone()[0]  # type: ignore[index]
    lawsuit_rid = con.execute("SELECT record_id FROM event WHERE source_record_id = 'EV-PLANTED-1'").fetchone()[0]  # type: ignore[index]
    name_enc = con.execute("SELECT name_enc FROM person WHERE record_id = ?", [person_rid]).fetchone()[0]  # type: ignore[index]
    con.close()
    db = sqlite3.connect(planted.root / "ledger" / "ledger.db")
    secrets: dict[str, list[bytes]] = {"name_ciphertext": [bytes(name_enc)]}
    for rid in (person_rid, lawsuit_rid):
        k, s = db.execute("SELECT record_key, salt FROM ledger_record_keys WHERE record_id = ?", (rid,)).fetchone()
        (c,) = db.execute("SELECT ciphertext FROM ledger_sealed_content WHERE record_id = ?", (rid,)).fetchone()
        secrets[f"{rid}:secrets"] = [bytes(k), bytes(s), bytes(c)]
    db.close()
    found_before = byte_search(planted.root, plaintexts())
    assert byte_search(planted.root / "ledger", secrets).keys() >= {f"{lawsuit_rid}:secrets", f"{person_rid}:secrets"}
    before = _lawsuits(home, planted.lawsuit_firm)
    cited = _cites(home, lawsuit_rid)
    out = run("admin", "erase", person_rid, lawsuit_rid, "--rule", "个人信息保护法第四十七条", "--on", "2025-07-01",
              "--home", str(planted.root))
    return Erased(planted, person_rid, lawsuit_rid, found_before, secrets, before,
                  _lawsuits(home, planted.lawsuit_firm), cited, out)


def test_the_search_sees_the_planted_lawsuit_before_the_erasure(erased: Erased) -> None:
    found = erased.found_before
    assert any("/data/event/" in p for p in found["lawsuit_attrs"]), found
    assert any("/data/event/" in p for p in found["counterparty"]), found
    # personal identifiers never reach the home in clear, not even in the quarantine (sealed)
    for label in ("name", "id_number", "phone", "bad_name", "bad_id"):
        assert label not in found, (label, found.get(label))


def test_no_plaintext_ciphertext_or_key_of_the_erased_records_is_left_anywhere(erased: Erased) -> None:
    root = erased.planted.root
    # the search covers every kind of file of the home
    names = {p.name for p in root.rglob("*") if p.is_file()}
    assert {"ledger.db", "catalog.duckdb", "features.parquet", "scores.parquet", "labels.parquet"} <= names
    assert any(p.suffix == ".parquet" for p in (root / "quarantine").iterdir())
    left = byte_search(root, plaintexts())
    assert left == {}, left
    secrets_left = byte_search(root, erased.secrets_before)
    assert secrets_left == {}, secrets_left


def test_the_erased_records_are_gone_from_the_parts_and_shredded_in_the_ledger(erased: Erased) -> None:
    home = DataHome(erased.planted.root)
    con = home.connect()
    for table, rid in (("person", erased.person_rid), ("event", erased.lawsuit_rid)):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE record_id = ?", [rid]).fetchone()[0] == 0  # type: ignore[index]
    con.close()
    with EvidenceLedger.for_home(home) as led:
        for rid in (erased.person_rid, erased.lawsuit_rid):
            answer = led.lookup(rid)
            assert answer.erased and answer.content is None
            assert answer.erasure is not None and answer.erasure.rule == "个人信息保护法第四十七条"
        report = led.verify_all()
        assert report.ok, report.problems[:5]
    assert run("ledger", "verify", "--home", str(erased.planted.root))
    assert "erased 2 record(s)" in erased.erase_output and "removed 2 row(s)" in erased.erase_output


def test_features_and_scores_no_longer_use_the_erased_records(erased: Erased) -> None:
    assert erased.lawsuits_after == erased.lawsuits_before - 1
    home = DataHome(erased.planted.root)
    stored = pq.read_table(home.root / "features" / f"as_of={AS_OF}" / "features.parquet").to_pandas()
    assert int(stored.set_index("enterprise_id").loc[erased.planted.lawsuit_firm,
                                                     "perf_lawsuits_defendant_24m"]) == erased.lawsuits_after
    assert not _cites(home, erased.lawsuit_rid)
    scores, _ = read_scores(home, AS_OF)
    with EvidenceLedger.for_home(home) as led:
        erased_leaves = set(led.leaf_indexes([erased.person_rid, erased.lawsuit_rid]).values())
    assert not erased_leaves & {int(x) for leaves in scores["evidence_leaves"] for x in leaves}
    assert "erased under" not in erased.erase_output  # the CLI reports in its own words
    assert "scores as_of=2025-06-30" in erased.erase_output


def test_quarantined_personal_rows_are_sealed_and_shown_to_the_key_holder(erased: Erased) -> None:
    root = erased.planted.root
    qbytes = b"".join(p.read_bytes() for p in (root / "quarantine").glob("*.parquet"))
    assert BAD_PERSON_NAME.encode() not in qbytes and BAD_PERSON_ID.encode() not in qbytes
    shown = run("admin", "quarantine", "--home", str(root), "--json")
    assert BAD_PERSON_NAME in shown and BAD_PERSON_ID in shown and "PS-PLANTED-2" in shown
    assert PERSON_NAME not in shown and LAWSUIT_TEXT not in shown


def test_home_and_key_folders_are_private(erased: Erased) -> None:
    root = erased.planted.root
    assert loose_modes(root) == []
    assert loose_modes(key_dir(root)) == []
    modes = {stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}
    assert modes == {0o700, 0o600}
    assert not (root / "secrets.json").exists() and (key_dir(root) / "secrets.json").exists()
    for p in Path(root).rglob("*"):
        assert "kek" not in p.name and "secrets" not in p.name, p


@pytest.mark.parametrize("ledger_flag", ["--ledger", "--no-ledger"])
def test_re_ingesting_the_source_does_not_bring_erased_records_back(erased: Erased, ledger_flag: str) -> None:
    """The export a record was erased from is ingested again: its tombstone keeps the record out.

    Runs after the other tests of the module (it adds a batch to the shared home).
    """
    root = erased.planted.root
    out = run("ingest", "--home", str(root), "--source", "synth", ledger_flag, str(erased.planted.inputs / "planted"))
    assert "✗" not in out
    batch = list(DataHome(root).batches())[-1]
    assert batch["erased"] == 2 and batch["accepted"] == 0 and batch["reconciled"], batch
    assert batch["read"] == batch["erased"] + batch["quarantined"] + batch["duplicates"] + batch["accepted"]
    con = DataHome(root).connect()
    for table, rid in (("person", erased.person_rid), ("event", erased.lawsuit_rid)):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE record_id = ?", [rid]).fetchone()[0] == 0  # type: ignore[index]
    con.close()
    left = byte_search(root, plaintexts())
    assert left == {}, left
    assert run("ledger", "verify", "--home", str(root))
