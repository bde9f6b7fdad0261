"""The real datasets ingest with a reconciliation that accounts for every row in their files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from firmscore.ingest import ingest_paths
from firmscore.store import DataHome


def data_rows(path: Path) -> int:
    """Rows of a CSV file counted independently of the reader: non-blank lines after the header."""
    with path.open("rb") as fh:
        return sum(1 for i, line in enumerate(fh) if i > 0 and line.strip())


@pytest.fixture(scope="module")
def bdci_home(datasets_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[DataHome, object]:
    home = DataHome(tmp_path_factory.mktemp("bdci") / "home")
    report = ingest_paths(home, [datasets_dir / "bdci2017"], source="bdci2017")
    return home, report


def test_bdci2017_every_row_accounted(bdci_home, datasets_dir: Path) -> None:
    home, report = bdci_home
    assert report.reconciled
    by_name = {Path(f.file).name: f for f in report.files}
    assert set(by_name) == {"train.csv", "4invest.csv", "6project.csv", "7lawsuit.csv", "8breakfaith.csv",
                            "10qualification.csv"}
    for name, f in by_name.items():
        assert f.read == data_rows(datasets_dir / "bdci2017" / name), name
        assert f.read == f.accepted + f.quarantined + f.duplicates
    assert by_name["train.csv"].read == 152_301
    assert [Path(u).name for u in report.unmatched] == ["FIELDS.zh.txt"]
    con = home.connect()
    # every firm named anywhere is an enterprise, also those only in the side tables (investees, litigants …)
    quarantined = {(Path(f).name, line) for f, line in con.execute("SELECT file, line FROM quarantine").fetchall()}
    firms = set()
    for name, columns in [("train.csv", ["EID"]), ("4invest.csv", ["EID", "BTEID"]), ("6project.csv", ["EID"]),
                          ("7lawsuit.csv", ["EID"]), ("8breakfaith.csv", ["EID"]), ("10qualification.csv", ["EID"])]:
        encoding = "gbk" if name == "10qualification.csv" else "utf-8-sig"
        with (datasets_dir / "bdci2017" / name).open(encoding=encoding, newline="") as fh:
            reader = csv.DictReader(fh)  # a quarantined row is stored in no part, its firm neither
            firms |= {row[c] for row in reader for c in columns
                      if row[c] and (name, reader.line_num) not in quarantined}
    assert len(firms) > 152_301
    assert con.execute("SELECT count(*) FROM enterprise").fetchall()[0][0] == len(firms)
    assert con.execute("SELECT count(*) FROM enterprise WHERE version > 1").fetchall()[0][0] == 0
    orphans = con.execute("SELECT count(DISTINCT subject_id) FROM event e ANTI JOIN enterprise n "
                          "ON e.subject_id = n.enterprise_id").fetchall()[0][0]
    assert orphans == 0  # no event about a firm that is not an enterprise
    exits = con.execute("SELECT count(DISTINCT subject_id) FROM event WHERE event_type = 'market_exit' "
                        "AND source_record_id = 'exit:' || substr(subject_id, 6)").fetchall()[0][0]
    assert exits >= 20_645  # every TARGET = 1 firm has its exit event (investees' exits may add more)
    # Exact duplicate rows in the side tables are counted as duplicates, not stored twice.
    assert by_name["6project.csv"].duplicates > 0
    # GBK qualification file: all rows readable, dates like 2015年8月 parsed.
    assert by_name["10qualification.csv"].quarantined == 0
    assert con.execute("SELECT min(event_date) FROM event WHERE event_type = 'qualification'").fetchall()[0][0]


def test_bdci2017_records_are_all_in_the_ledger(bdci_home) -> None:
    from firmscore.ledger import EvidenceLedger

    home, report = bdci_home
    stored = sum(v for k, v in home.counts().items() if k != "quarantine")
    assert sum(report.leaves.values()) == stored
    with EvidenceLedger.for_home(home) as log:
        assert log.size == stored
        assert f"\n{stored}\n" in report.checkpoint
        some = home.connect().execute("SELECT record_id FROM event USING SAMPLE 3 ROWS").fetchall()
        for (rid,) in some:
            log.prove(rid).verify(log.verifier)


def test_bdci2017_reingest_is_all_duplicates(bdci_home, datasets_dir: Path) -> None:
    home, _ = bdci_home
    before = home.counts()
    again = ingest_paths(home, [datasets_dir / "bdci2017" / "8breakfaith.csv"], source="bdci2017")
    assert again.total("accepted") == 0 and again.total("duplicates") == again.total("read")
    assert home.counts() == before


def test_cumcm2020c_every_row_accounted(datasets_dir: Path, tmp_path: Path) -> None:
    home = DataHome(tmp_path / "home")
    root = datasets_dir / "cumcm2020c"
    report = ingest_paths(home, [root], source="cumcm2020c", ledger=False)  # 2M records: ledger covered by bdci
    assert report.reconciled
    csvs = sorted(root.rglob("*.csv"))
    assert len(report.files) == len(csvs) == 2 + 4 * 0 + len(list(root.glob("*_invoice/*.csv")))
    for f in report.files:
        assert f.read == data_rows(Path(f.file)), f.file
    total = sum(data_rows(p) for p in csvs)
    assert report.total("read") == total
    con = home.connect()
    assert con.execute("SELECT count(*) FROM enterprise").fetchall()[0][0] == 425
    grades = dict(con.execute("SELECT code, count(*) FROM event WHERE event_type = 'credit_grade' GROUP BY 1")
                  .fetchall())
    assert sum(grades.values()) == 123
    assert con.execute("SELECT count(*) FROM event WHERE event_type = 'default'").fetchall()[0][0] == 27
    voided = con.execute("SELECT count(*) FROM event WHERE code = 'voided'").fetchall()[0][0]
    assert voided > 0
    negative = con.execute("SELECT count(*) FROM event WHERE event_type LIKE 'invoice%' AND amount < 0")
    assert negative.fetchall()[0][0] > 0
