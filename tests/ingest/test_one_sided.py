"""Relations with one unknown end are kept as a dated fact on the known firm (issue 12), not as an
edge to an invented node."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmscore.ingest import MappingError, ingest_paths, load_mapping
from firmscore.store import DataHome

MAPPING = """
name: test-guarantees
source: t
format: csv
outputs:
  - record_type: relation
    unknown_end: fact
    fields:
      source_record_id: {column: id}
      relation_type: {column: type}
      src_type: {const: enterprise}
      src_id: {column: guarantor, prefix: "t:"}
      dst_type: {const: enterprise}
      dst_id: {column: borrower, prefix: "t:"}
      amount: {column: amount, type: float, thousands: ","}
      share: {column: share, type: float}
      effective_from: {column: day, type: date}
      observed_at: {column: day, type: timestamp}
"""


def test_one_sided_relations_become_facts_on_the_known_firm(home: DataHome, tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    src = tmp_path / "g.csv"
    src.write_text("id,type,guarantor,borrower,amount,share,day\n"
                   'g1,guarantee,A,B,"1,000.5",,2020-01-01\n'  # both ends: an edge
                   'g2,guarantee,A,,"740,673.03",,2020-02-01\n'  # only the guarantor: guarantees given
                   "g3,guarantee,,C,300,,2020-03-01\n"  # only the borrower: guarantees received
                   "g4,guarantee,,,5,,2020-03-01\n"  # neither: nothing to hang it on
                   "s1,shareholding,,D,,0.25,2019-05-01\n",  # an unnamed shareholder holds 25 % of D
                   encoding="utf-8")
    report = ingest_paths(home, [src], mapping=str(tmp_path / "m.yaml"), ledger=False)
    f = report.files[0]
    assert (f.read, f.accepted, f.quarantined, f.duplicates, f.filtered) == (5, 4, 1, 0, 0) and f.reconciled
    assert report.new_records == {"relation": 1, "event": 3}
    con = home.connect()
    assert con.execute("SELECT source_record_id, src_id, dst_id, amount FROM relation").fetchall() == [
        ("g1", "t:A", "t:B", 1000.5)]
    facts = con.execute("SELECT source_record_id, event_type, subject_type, subject_id, amount, value, code, "
                        "counterparty_id, CAST(event_date AS VARCHAR), observed_at IS NOT NULL FROM event "
                        "ORDER BY source_record_id").fetchall()
    assert facts == [
        ("g2", "guarantee_given", "enterprise", "t:A", 740673.03, None, None, None, "2020-02-01", True),
        ("g3", "guarantee_received", "enterprise", "t:C", 300.0, None, None, None, "2020-03-01", True),
        ("s1", "one_sided_relation", "enterprise", "t:D", None, 0.25, "shareholding:dst", None, "2019-05-01", True),
    ]
    q = con.execute("SELECT line, field, reason FROM quarantine").fetchall()
    assert [(line, fld) for line, fld, _ in q] == [(5, "guarantor")] and "required field is empty" in q[0][2]
    # no invented node anywhere: every id in the graph is a firm the source named
    ids = {r[0] for r in con.execute("SELECT src_id FROM relation UNION SELECT dst_id FROM relation").fetchall()}
    assert ids == {"t:A", "t:B"}
    again = ingest_paths(home, [src], mapping=str(tmp_path / "m.yaml"), ledger=False)
    assert (again.total("duplicates"), again.total("accepted")) == (4, 0)  # facts dedupe like any record


def test_without_the_option_a_missing_end_is_quarantined(home: DataHome, tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MAPPING.replace("    unknown_end: fact\n", ""), encoding="utf-8")
    src = tmp_path / "g.csv"
    src.write_text("id,type,guarantor,borrower,amount,share,day\ng2,guarantee,A,,5,,2020-02-01\n", encoding="utf-8")
    report = ingest_paths(home, [src], mapping=str(tmp_path / "m.yaml"), ledger=False)
    assert (report.total("accepted"), report.total("quarantined")) == (0, 1)
    (tmp_path / "bad.yaml").write_text(MAPPING.replace("record_type: relation", "record_type: event"),
                                       encoding="utf-8")
    with pytest.raises(MappingError, match="unknown_end"):
        load_mapping(tmp_path / "bad.yaml")
