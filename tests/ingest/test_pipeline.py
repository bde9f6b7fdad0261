"""Ingestion end to end on small files: reconciliation, quarantine reasons, dedupe, versions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from firmscore.datamodel.pii import FieldCipher
from firmscore.ingest import MappingError, ingest_paths
from firmscore.store import DataHome
from firmscore.store.quarantine import read_quarantine

from .conftest import HEADER

GOOD_ROWS = [
    ["a1", "91330100799655058B", "阿里巴巴", "2000-09-04", "59690", "100", "存续"],
    ["t1", "91440300708461136T", "腾讯", "1998/11/11", "6500", "", "存续"],
    ["x1", "", "个体户", "2020-01-01", "", "3", "注销"],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", bom: bool = False) -> Path:
    text = "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n"
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def test_good_rows_are_stored_with_canonical_types(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    src = write_csv(tmp_path / "e.csv", GOOD_ROWS)
    report = ingest_paths(home, [src], mapping=str(enterprise_mapping()))
    assert (report.total("read"), report.total("accepted"), report.total("quarantined")) == (3, 3, 0)
    con = home.connect()
    rows = con.execute(
        "SELECT enterprise_id, uscc, registered_capital, insured_employees, status, established_date, version "
        "FROM enterprise ORDER BY enterprise_id"
    ).fetchall()
    assert rows[0][:5] == ("testsrc:a1", "91330100799655058B", 596_900_000.0, 100, "in_business")
    assert str(rows[1][5]) == "1998-11-11"
    assert rows[2][0] == "testsrc:x1" and rows[2][1] is None and rows[2][2] is None and rows[2][4] == "cancelled"
    assert {r[6] for r in rows} == {1}


def test_bad_rows_are_quarantined_with_file_line_field_reason(home: DataHome, tmp_path: Path,
                                                             enterprise_mapping) -> None:
    rows = [
        *GOOD_ROWS,
        ["b1", "91330100799655058C", "坏代码", "2000-01-01", "1", "1", "存续"],  # line 5: bad check char
        ["b2", "", "坏日期", "2020-13-01", "1", "1", "存续"],  # line 6: bad date
        ["b3", "", "坏数字", "2020-01-01", "abc", "1.5", "存续"],  # line 7: bad number and non-integer
        ["b4", "", "坏代码表", "2020-01-01", "1", "1", "歇业"],  # line 8: unknown status code
        ["b5", "", "负资本", "2020-01-01", "-5", "1", "存续"],  # line 9: out of range
        ["b6", "too", "few"],  # line 10: wrong field count
    ]
    src = write_csv(tmp_path / "e.csv", rows)
    report = ingest_paths(home, [src], mapping=str(enterprise_mapping()))
    f = report.files[0]
    assert (f.read, f.accepted, f.quarantined, f.duplicates) == (9, 3, 6, 0)
    assert f.reconciled
    q = {r["line"]: r for r in home.connect().execute("SELECT * FROM quarantine").fetch_df().to_dict("records")}
    assert set(q) == {5, 6, 7, 8, 9, 10}
    assert all(r["file"] == str(src) for r in q.values())
    assert q[5]["field"] == "code" and "expected 'B'" in q[5]["reason"]
    assert q[6]["field"] == "est" and "2020-13-01" in q[6]["reason"]
    assert q[7]["field"] == "cap;staff" and "abc" in q[7]["reason"] and "1.5" in q[7]["reason"]
    assert "歇业" in q[8]["reason"] and "code list" in q[8]["reason"]
    assert "out of range" in q[9]["reason"]
    assert q[10]["field"] == "<row>" and "expected 7 fields, got 3" in q[10]["reason"]
    # the raw row is kept for repair, sealed: only the holder of the key folder reads it
    assert "坏代码".encode() not in b"".join(p.read_bytes() for p in home.quarantine_dir.glob("*.parquet"))
    shown = {r["line"]: r for r in read_quarantine(home.quarantine_dir, FieldCipher(home.secrets().data_key))}
    assert json.loads(shown[5]["raw"])["name"] == "坏代码"


def test_reingesting_adds_nothing_and_changes_become_versions(home: DataHome, tmp_path: Path,
                                                             enterprise_mapping) -> None:
    mapping = str(enterprise_mapping())
    src = write_csv(tmp_path / "e.csv", GOOD_ROWS)
    ingest_paths(home, [src], mapping=mapping)
    again = ingest_paths(home, [src], mapping=mapping)
    assert (again.total("accepted"), again.total("duplicates")) == (0, 3)
    assert home.counts()["enterprise"] == 3
    changed = [[*GOOD_ROWS[0][:4], "60000", *GOOD_ROWS[0][5:]], *GOOD_ROWS[1:]]
    third = ingest_paths(home, [write_csv(tmp_path / "e2.csv", changed)], mapping=mapping)
    assert (third.total("accepted"), third.total("duplicates")) == (1, 2)
    assert third.new_versions["enterprise"] == 1
    con = home.connect()
    versions = con.execute(
        "SELECT version, registered_capital FROM enterprise WHERE source_record_id = 'a1' ORDER BY version"
    ).fetchall()
    assert versions == [(1, 596_900_000.0), (2, 600_000_000.0)]  # the old version is kept


def test_new_records_become_ledger_leaves_with_a_signed_checkpoint(home: DataHome, tmp_path: Path,
                                                                    enterprise_mapping) -> None:
    from firmscore.ledger import EvidenceLedger, verify_checkpoint

    mapping = str(enterprise_mapping())
    src = write_csv(tmp_path / "e.csv", GOOD_ROWS)
    first = ingest_paths(home, [src], mapping=mapping)
    assert first.leaves == {"enterprise": 3} and first.checkpoint
    again = ingest_paths(home, [src], mapping=mapping)
    assert again.leaves == {}  # nothing new, nothing logged
    with EvidenceLedger.for_home(home) as log:
        assert log.size == 3
        cp = verify_checkpoint(first.checkpoint, log.verifier)
        assert cp.size == 3
        ids = [r[0] for r in home.connect().execute("SELECT record_id FROM enterprise").fetchall()]
        assert set(log.leaf_indexes(ids).values()) == {0, 1, 2}


def test_duplicates_within_one_file(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    src = write_csv(tmp_path / "e.csv", [GOOD_ROWS[0], GOOD_ROWS[0], GOOD_ROWS[1]])
    report = ingest_paths(home, [src], mapping=str(enterprise_mapping()))
    assert (report.total("accepted"), report.total("duplicates")) == (2, 1)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gbk", False)])
def test_encodings(home: DataHome, tmp_path: Path, enterprise_mapping, encoding: str, bom: bool) -> None:
    src = write_csv(tmp_path / "e.csv", GOOD_ROWS, encoding=encoding, bom=bom)
    report = ingest_paths(home, [src], mapping=str(enterprise_mapping()))
    assert report.total("accepted") == 3
    names = {r[0] for r in home.connect().execute("SELECT name FROM enterprise").fetchall()}
    assert names == {"阿里巴巴", "腾讯", "个体户"}


def test_undecodable_line_is_quarantined_not_fatal(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    good = "\n".join(",".join(r) for r in [HEADER, *GOOD_ROWS]).encode("utf-8")
    bad_line = b"\nz9,,\xff\xfe\xfa,2020-01-01,1,1,\xe5\xad"  # invalid UTF-8 bytes
    src = tmp_path / "e.csv"
    src.write_bytes(good + bad_line + b"\n")
    report = ingest_paths(home, [src], mapping=str(enterprise_mapping("csv", "utf-8")))
    assert (report.total("read"), report.total("accepted"), report.total("quarantined")) == (4, 3, 1)
    q = home.connect().execute("SELECT line, reason FROM quarantine").fetchall()
    assert q[0][0] == 5 and "decode" in q[0][1]


def test_stray_quote_does_not_swallow_following_rows(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    rows = [GOOD_ROWS[0], ["q1", '"broken', "x", "2020-01-01", "1", "1", "存续"], *GOOD_ROWS[1:]]
    src = write_csv(tmp_path / "e.csv", rows)
    report = ingest_paths(home, [src], mapping=str(enterprise_mapping()))
    assert (report.total("read"), report.total("accepted"), report.total("quarantined")) == (4, 3, 1)


def test_parquet_and_jsonl_inputs(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    records = [dict(zip(HEADER, r, strict=True)) for r in GOOD_ROWS]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "e.parquet")
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + ["{not json", "[1, 2]"]
    (tmp_path / "e.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r1 = ingest_paths(home, [tmp_path / "e.parquet"], mapping=str(enterprise_mapping("parquet")))
    assert r1.total("accepted") == 3
    r2 = ingest_paths(home, [tmp_path / "e.jsonl"], mapping=str(enterprise_mapping("jsonl")))
    assert (r2.total("read"), r2.total("duplicates"), r2.total("quarantined")) == (5, 3, 2)


def test_unusable_input_raises(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    with pytest.raises(FileNotFoundError):
        ingest_paths(home, [tmp_path / "missing.csv"], mapping=str(enterprise_mapping()))
    with pytest.raises(MappingError, match="unknown mapping"):
        ingest_paths(home, [write_csv(tmp_path / "e.csv", GOOD_ROWS)], mapping="no-such-mapping")
    other = tmp_path / "other.csv"
    other.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(MappingError, match="needs columns"):
        ingest_paths(home, [other], mapping=str(enterprise_mapping()))
    assert home.counts()["enterprise"] == 0  # a failed batch leaves nothing behind


def test_person_ids_are_hashed_and_names_encrypted(home: DataHome, tmp_path: Path) -> None:
    from firmscore.datamodel.pii import resident_id_check_digit

    body = "11010519491231002"
    pid = body + resident_id_check_digit(body)
    pq.write_table(pa.Table.from_pylist([
        {"id_number": pid, "name": "张三", "phone": "13800000000", "birth_year": 1949, "source_record_id": "p1",
         "observed_at": pa.scalar(0, pa.timestamp("us", tz="UTC")).as_py(), "effective_from": None,
         "effective_to": None, "legal_expiry": None},
        {"id_number": "123", "name": "李四", "phone": None, "birth_year": 1980, "source_record_id": "p2",
         "observed_at": pa.scalar(0, pa.timestamp("us", tz="UTC")).as_py(), "effective_from": None,
         "effective_to": None, "legal_expiry": None},
    ]), tmp_path / "p.parquet")
    report = ingest_paths(home, [tmp_path / "p.parquet"], mapping="canonical-person")
    assert (report.total("accepted"), report.total("quarantined")) == (1, 1)
    stored = home.connect().execute("SELECT person_id, name_enc FROM person").fetchall()
    person_id, name_enc = stored[0]
    assert pid not in person_id and len(person_id) == 40
    raw_bytes = b"".join(p.read_bytes() for p in home.parquet_files("person"))
    assert pid.encode() not in raw_bytes and "张三".encode() not in raw_bytes
    cipher = FieldCipher(home.secrets().data_key)
    assert cipher.decrypt(name_enc, f"name_enc:{person_id}") == "张三"
    # re-ingesting the same person is a duplicate even though ciphertexts are randomised
    again = ingest_paths(home, [tmp_path / "p.parquet"], mapping="canonical-person")
    assert again.total("duplicates") == 1


def test_worker_processes_give_the_same_result(tmp_path: Path, enterprise_mapping, monkeypatch) -> None:
    import firmscore.ingest.pipeline as pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)  # small files, but force the worker path
    mapping = str(enterprise_mapping())
    files = []
    for k in range(3):
        rows = [[f"w{k}{i}", "", f"公司{k}{i}", "2020-01-01", str(i), str(i), "存续"] for i in range(50)]
        rows.append(["bad", "", "x", "2020-99-01", "1", "1", "存续"])
        files.append(write_csv(tmp_path / f"f{k}.csv", rows))
    monkeypatch.setattr(pipeline, "TASK_BYTES", 1)  # one task per file
    one = ingest_paths(DataHome(tmp_path / "one"), files, mapping=mapping, ledger=False, workers=1)
    two = ingest_paths(DataHome(tmp_path / "two"), files, mapping=mapping, ledger=False, workers=2)
    for a, b in zip(one.files, two.files, strict=True):
        assert (a.read, a.accepted, a.quarantined, a.duplicates) == (b.read, b.accepted, b.quarantined, b.duplicates)
    assert two.total("quarantined") == 3 and two.reconciled
    stored = [_stored(DataHome(tmp_path / n), "enterprise") for n in ("one", "two")]
    assert stored[0] == stored[1] and len(stored[0]) == 150  # same records, in the same stored order


TWO_OUTPUTS = """
name: test-two-outputs
source: testsrc
format: csv
outputs:
  - record_type: enterprise
    fields:
      source_record_id: {column: id, required: true}
      enterprise_id: {column: id, type: enterprise_id, prefix: "testsrc:", required: true}
      name: {column: name}
  - record_type: event
    fields:
      source_record_id: {template: "rating:{id}"}
      event_type: {const: tax_rating}
      subject_type: {const: enterprise}
      subject_id: {column: id, type: enterprise_id, prefix: "testsrc:", required: true}
      code: {column: rating}
"""


def _stored(home: DataHome, rt: str) -> list[tuple[str, str, int]]:
    """(record id, source record id, version) of every stored row, in stored order (files by name)."""
    return [
        (r["record_id"], r["source_record_id"], r["version"])
        for path in home.parquet_files(rt)
        for r in pq.read_table(path, columns=["record_id", "source_record_id", "version"]).to_pylist()
    ]


def test_a_line_is_accepted_when_any_of_its_records_is_new(home: DataHome, tmp_path: Path) -> None:
    mapping = tmp_path / "two.yaml"
    mapping.write_text(TWO_OUTPUTS, encoding="utf-8")
    first = tmp_path / "a.csv"
    first.write_text("id,name,rating\nf1,甲,A\nf2,乙,B\nf3,丙,C\n", encoding="utf-8")
    r1 = ingest_paths(home, [first], mapping=str(mapping), ledger=False)
    assert (r1.total("accepted"), r1.total("duplicates")) == (3, 0)
    assert r1.new_records == {"enterprise": 3, "event": 3}
    # f2's rating changes (its event gets a version 2), its enterprise record does not; f3 is repeated
    second = tmp_path / "b.csv"
    second.write_text("id,name,rating\nf2,乙,D\nf3,丙,C\nf3,丙,C\n", encoding="utf-8")
    r2 = ingest_paths(home, [second], mapping=str(mapping), ledger=False)
    f = r2.files[0]
    assert (f.read, f.accepted, f.duplicates, f.quarantined) == (3, 1, 2, 0)
    assert r2.new_records == {"enterprise": 0, "event": 1} and r2.new_versions == {"enterprise": 0, "event": 1}
    codes = home.connect().execute(
        "SELECT version, code FROM event WHERE source_record_id = 'rating:f2' ORDER BY version").fetchall()
    assert codes == [(1, "B"), (2, "D")]


def test_many_bucket_groups_give_the_same_records_as_one(tmp_path: Path, enterprise_mapping, monkeypatch) -> None:
    """Deduplication runs per group of key-hash buckets: splitting a batch finely changes nothing."""
    import firmscore.ingest.finalize as finalize

    mapping = str(enterprise_mapping())
    rows = [[f"k{i}", "", f"公司{i}", "2020-01-01", str(i), "1", "存续"] for i in range(80)]
    rows += rows[:10]  # repeated lines: duplicates
    rows += [[f"k{i}", "", f"公司{i}", "2020-01-01", str(i + 1000), "1", "存续"] for i in range(5)]  # versions 2
    first = write_csv(tmp_path / "a.csv", rows)
    renamed = [[f"k{i}", "", f"新{i}", "2020-01-01", "1", "1", "存续"] for i in range(40)]
    changed = write_csv(tmp_path / "b.csv", renamed)
    reports = {}
    for name, group_rows in (("one", finalize.GROUP_ROWS), ("many", 7)):
        monkeypatch.setattr(finalize, "GROUP_ROWS", group_rows)
        home = DataHome(tmp_path / name)
        reports[name] = [ingest_paths(home, [src], mapping=mapping, ledger=False) for src in (first, changed)]
    for one, many in zip(reports["one"], reports["many"], strict=True):
        assert (one.total("accepted"), one.total("duplicates")) == (many.total("accepted"), many.total("duplicates"))
        assert one.new_records == many.new_records and one.new_versions == many.new_versions
    a, b = reports["one"]
    assert (a.total("read"), a.total("accepted"), a.total("duplicates")) == (95, 85, 10)
    assert a.new_versions == {"enterprise": 5} and b.new_versions == {"enterprise": 40}
    stored_one = _stored(DataHome(tmp_path / "one"), "enterprise")
    stored_many = _stored(DataHome(tmp_path / "many"), "enterprise")
    assert sorted(stored_one) == sorted(stored_many) and len(stored_one) == 125
    versions: dict[str, list[int]] = {}
    for _, srid, v in stored_one:
        versions.setdefault(srid, []).append(v)
    assert all(sorted(v) == list(range(1, len(v) + 1)) for v in versions.values())  # 1, 2, ... per key
    assert max(len(v) for v in versions.values()) == 3  # k0..k4: original, in-batch change, later change


def test_worker_processes_prepare_the_leaves_of_every_stored_record(tmp_path: Path, enterprise_mapping,
                                                                     monkeypatch) -> None:
    """Leaves are encoded and sealed in the workers; the ledger ends up holding every stored record, intact."""
    import firmscore.ingest.finalize as finalize
    import firmscore.ingest.pipeline as pipeline
    from firmscore.ledger import EvidenceLedger

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "TASK_BYTES", 1)
    monkeypatch.setattr(finalize, "ROW_GROUP_ROWS", 16)  # several leaf slices per part
    mapping = str(enterprise_mapping())
    files = [write_csv(tmp_path / f"f{k}.csv", [[f"L{k}{i}", "", f"公司{k}{i}", "2020-01-01", str(i), "1", "存续"]
                                                 for i in range(40)]) for k in range(3)]
    leaves = {}
    for workers in (1, 2):
        home = DataHome(tmp_path / f"home{workers}")
        report = ingest_paths(home, files, mapping=mapping, workers=workers)
        assert report.leaves == {"enterprise": 120} and report.checkpoint
        with EvidenceLedger.for_home(home) as log:
            assert log.size == 120 and log.verify_all().ok
            stored = _stored(home, "enterprise")
            indexes = log.leaf_indexes([rid for rid, _, _ in stored])
            assert [indexes[rid] for rid, _, _ in stored] == list(range(120))  # logged in stored order
            # enterprise records are logged in clear; apart from the ingestion time, the same bytes either way
            leaves[workers] = [re.sub(rb'"observed_at":"[^"]*"', b"", log.prove(rid).leaf_data) for rid, _, _ in stored]
    assert leaves[1] == leaves[2]


def test_progress_reports_each_phase_with_its_total(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    calls: list[tuple[str, int, int | None]] = []
    src = write_csv(tmp_path / "e.csv", [*GOOD_ROWS, GOOD_ROWS[0]])  # 4 rows, one a duplicate
    report = ingest_paths(home, [src], mapping=str(enterprise_mapping()),
                          progress=lambda phase, n, total: calls.append((phase, n, total)))
    phases = list(dict.fromkeys(p for p, _, _ in calls))
    assert phases == ["read", "dedupe", "ledger"]
    done = {p: sum(n for q, n, _ in calls if q == p) for p in phases}
    totals = {p: {tot for q, _, tot in calls if q == p} for p in phases}
    assert done["read"] == report.total("read") == 4 and totals["read"] == {None}
    assert done["dedupe"] == 4 and totals["dedupe"] == {4}  # every staged row is deduplicated
    assert done["ledger"] == 3 and totals["ledger"] == {3}  # only new records are logged


def test_ingest_command_prints_the_reconciliation(tmp_path: Path, enterprise_mapping) -> None:
    from typer.testing import CliRunner

    from firmscore.cli import app

    src = write_csv(tmp_path / "e.csv", [*GOOD_ROWS, ["bad", "", "x", "2020-99-01", "1", "1", "存续"]])
    result = CliRunner().invoke(app, ["ingest", str(src), "--home", str(tmp_path / "h"), "--mapping",
                                      str(enterprise_mapping())])
    assert result.exit_code == 0, result.output
    assert "reconciled" in result.output and "signed checkpoint" in result.output
    total = next(line for line in result.output.splitlines() if "total" in line)
    assert [int(x) for x in re.findall(r"\d+", total)] == [4, 3, 0, 1, 0]  # read accepted filtered quarantined dup.
    missing = CliRunner().invoke(app, ["ingest", str(tmp_path / "nope.csv"), "--home", str(tmp_path / "h"),
                                       "--mapping", str(enterprise_mapping())])
    assert missing.exit_code == 2 and "nope.csv" in missing.output.replace("\n", "")  # rich wraps long paths
