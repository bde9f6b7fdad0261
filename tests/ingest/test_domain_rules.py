"""Values no registry can hold are quarantined with a reason naming the rule (issue 10 part 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from firmscore.datamodel.rules import EARLIEST_ESTABLISHMENT
from firmscore.ingest import ingest_paths
from firmscore.store import DataHome

from .conftest import HEADER
from .test_pipeline import write_csv

EVENTS = """
name: test-events
source: testsrc
format: csv
outputs:
  - record_type: event
    fields:
      source_record_id: {column: id}
      event_type: {column: type}
      subject_type: {const: enterprise}
      subject_id: {column: firm}
      amount: {column: amount, type: float}
      value: {column: value, type: float}
      effective_from: {column: day, type: date}
      observed_at: {column: seen, type: timestamp}
"""

RELATIONS = """
name: test-relations
source: testsrc
format: csv
outputs:
  - record_type: relation
    fields:
      source_record_id: {column: id}
      relation_type: {column: type}
      src_type: {const: enterprise}
      src_id: {column: a}
      dst_type: {const: enterprise}
      dst_id: {column: b}
      share: {column: share, type: float}
      amount: {column: amount, type: float}
"""


def _quarantine(home: DataHome) -> dict[int, tuple[str, str]]:
    rows = home.connect().execute("SELECT line, field, reason FROM quarantine").fetchall()
    return {line: (fld, reason) for line, fld, reason in rows}


def test_impossible_enterprise_values_are_quarantined(home: DataHome, tmp_path: Path, enterprise_mapping) -> None:
    tomorrow_plus = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    rows = [
        ["ok1", "", "正常", "1949-10-01", "1", "1", "存续"],  # line 2: the earliest possible day
        ["old", "", "清朝", "1949-09-30", "1", "1", "存续"],  # 3: before the registries existed
        ["y1", "", "元年", "0001-01-01", "1", "1", "存续"],  # 4: year 1 (not even a parseable date here)
        ["fut", "", "未来", "2999-01-01", "1", "1", "存续"],  # 5: established after it was observed
        ["soon", "", "后天", tomorrow_plus, "1", "1", "存续"],  # 6: beyond the one-day tolerance
        ["inf", "", "无穷", "2000-01-01", "inf", "1", "存续"],  # 7: infinite capital
        ["neg", "", "负员工", "2000-01-01", "1", "-3", "存续"],  # 8: negative employees
        ["", "", "无编号", "2000-01-01", "1", "1", "存续"],  # 9: empty source record id
        ["big", "", "巨额", "2000-01-01", "1e400", "1", "存续"],  # 10: overflows to infinity
    ]
    report = ingest_paths(home, [write_csv(tmp_path / "e.csv", rows)], mapping=str(enterprise_mapping()),
                          ledger=False)
    f = report.files[0]
    assert (f.read, f.accepted, f.quarantined) == (9, 1, 8) and f.reconciled
    q = _quarantine(home)
    assert set(q) == set(range(3, 11))
    assert q[3][0] == "est" and f"date before {EARLIEST_ESTABLISHMENT}, impossible: '1949-09-30'" in q[3][1]
    assert q[4][0] == "est"
    assert q[5][0] == "est" and "dated after it was observed" in q[5][1] and "日期晚于获知时间" in q[5][1]
    assert q[6][0] == "est" and "dated after it was observed" in q[6][1]
    assert q[7][0] == "cap" and "not a finite number: 'inf'" in q[7][1]
    assert q[8][0] == "staff" and "may not be negative: -3.0" in q[8][1]
    assert q[9][0].startswith("id") and "required field is empty" in q[9][1]
    assert q[10][0] == "cap" and "not a finite number" in q[10][1]
    codes = {r["reason"] for r in f.reasons.as_list()}
    assert {"reason.date_too_early", "reason.date_after_observation", "reason.not_finite", "reason.negative",
            "reason.missing_required"} <= codes


def test_signed_amounts_only_where_the_event_type_means_it(home: DataHome, tmp_path: Path) -> None:
    mapping = tmp_path / "events.yaml"
    mapping.write_text(EVENTS, encoding="utf-8")
    src = tmp_path / "ev.csv"
    src.write_text(
        "id,type,firm,amount,value,day,seen\n"
        "e1,invoice_out,f1,-100,-13,2020-01-01,2020-01-02\n"  # red credit note: signed, fine
        "e2,loan,f1,-100,,2020-01-01,2020-01-02\n"  # a negative principal: impossible
        "e3,repayment,f1,10,-2,2020-01-01,2020-01-02\n"  # negative days past due
        "e4,penalty,f1,10,,2020-03-01,2020-01-02\n"  # dated two months after it was observed
        "e5,penalty,f1,10,,2020-01-03,2020-01-02\n"  # one day later: within the tolerance
        "e6,penalty,  ,10,,2020-01-01,2020-01-02\n",  # blank subject id
        encoding="utf-8")
    report = ingest_paths(home, [src], mapping=str(mapping), ledger=False)
    f = report.files[0]
    assert (f.read, f.accepted, f.quarantined) == (6, 2, 4) and f.reconciled
    q = _quarantine(home)
    assert set(q) == {3, 4, 5, 7}
    assert q[3][0] == "amount" and "may not be negative" in q[3][1]
    assert q[4][0] == "value" and "may not be negative" in q[4][1]
    assert q[5][0] == "day" and "dated after it was observed" in q[5][1]
    assert q[7][0] == "firm" and "required field is empty" in q[7][1]


def test_relation_shares_and_signed_trade_amounts(home: DataHome, tmp_path: Path) -> None:
    mapping = tmp_path / "rel.yaml"
    mapping.write_text(RELATIONS, encoding="utf-8")
    src = tmp_path / "rel.csv"
    src.write_text("id,type,a,b,share,amount\n"
                   "r1,shareholding,a,b,0.5,\n"
                   "r2,shareholding,a,c,1.5,\n"  # more than the whole company
                   "r3,trade,a,b,,-10\n"  # a credit note between two firms: signed
                   "r4,guarantee,a,b,,-10\n"  # a negative guarantee: impossible
                   "r5,shareholding,a,d,-inf,\n",  # not finite
                   encoding="utf-8")
    report = ingest_paths(home, [src], mapping=str(mapping), ledger=False)
    assert (report.total("accepted"), report.total("quarantined")) == (2, 3)
    q = _quarantine(home)
    assert set(q) == {3, 5, 6}
    assert "must lie in [0.0, 1.0]: 1.5" in q[3][1]
    assert "may not be negative" in q[5][1]
    assert "not a finite number" in q[6][1]


def test_every_non_nullable_field_is_required(tmp_path: Path) -> None:
    from firmscore.ingest import load_mapping

    path = tmp_path / "m.yaml"
    path.write_text(EVENTS, encoding="utf-8")
    fields = load_mapping(path).outputs[0].fields
    assert all(fields[name].required for name in ("source_record_id", "event_type", "subject_id", "observed_at"))
    assert not fields["amount"].required
    assert HEADER[0] == "id"
