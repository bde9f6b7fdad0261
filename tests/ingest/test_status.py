"""``firmscore status`` shows quarantine and nulled-field counts by file, field and reason (issue 12),
and summaries stay readable at 80 columns."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from firmscore.cli import app

MAPPING = """
name: test-status
source: t
format: csv
outputs:
  - record_type: enterprise
    fields:
      source_record_id: {column: id}
      enterprise_id: {column: id, type: enterprise_id, prefix: "t:"}
      established_date: {column: est, type: date, on_error: null}
      insured_employees: {column: staff, type: int}
"""


def _run(args: list[str], cwd: Path, monkeypatch) -> str:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, args, env={"COLUMNS": "80", "FIRMSCORE_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.output.splitlines()), result.output
    return result.output


def test_status_counts_quarantine_and_nulled_fields_by_file_field_and_reason(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    folder = tmp_path / "deliveries" / "2024-06" / "registry-export-with-a-long-name"
    folder.mkdir(parents=True)
    src = folder / "enterprise_information_full_table_final_v2.csv"
    rows = ["id,est,staff", "a,2020-01-01,1", "b,2020-13-01,2", "c,2021-02-30,3", "d,2020-01-01,x", "e,2020-01-01,-1",
            'f,"2020-01-01,4', "g,1800-01-01,5"]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = _run(["ingest", str(src.relative_to(tmp_path)), "--home", "home", "--no-ledger", "--mapping", "m.yaml"],
               tmp_path, monkeypatch)
    flat = "".join(out.split())
    assert "…" not in out and "deliveries/2024-06/registry-export-with-a-long-name/" \
        "enterprise_information_full_table_final_v2.csv".replace("/", "") in flat.replace("/", "")
    assert "nulledfieldsest:3" in flat  # two bad dates and one impossible one, the rows kept

    out = _run(["status", "--home", "home"], tmp_path, monkeypatch)
    assert "Quarantined and nulled: by file, field and reason" in out
    body = out[out.index("Quarantined and nulled"):]
    assert "".join(body.splitlines()[1:3]) == \
        "deliveries/2024-06/registry-export-with-a-long-name/enterprise_information_full_table_final_v2.csv"
    table = {tuple(c.strip() for c in line.split("│")) for line in body.splitlines() if "│" in line}
    assert ("nulled", "est", "not a valid date: '…'", "2", "3, 4") in table
    assert ("nulled", "est", "date before …, impossible: '…'", "1", "8") in table
    assert ("quarantined", "staff", "not an integer: '…'", "1", "5") in table
    assert ("quarantined", "staff", "may not be negative: '…'", "1", "6") in table
    assert ("quarantined", "<row>", "malformed row: unterminated quoted", "1", "7") in table

    full = _run(["status", "--home", "home", "--quarantine"], tmp_path, monkeypatch)
    # the example lines with their stored reasons (values included, raw text never)
    assert "  5: insured_employees: not an integer: 'x'" in full.splitlines()
    assert "  6: insured_employees: may not be negative: -1.0" in full.splitlines()
    assert '"2020-01-01' not in full


def test_status_of_a_home_without_failures(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,est,staff\na,2020-01-01,1\n", encoding="utf-8")
    _run(["ingest", "e.csv", "--home", "home", "--no-ledger", "--mapping", "m.yaml"], tmp_path, monkeypatch)
    out = _run(["status", "--home", "home"], tmp_path, monkeypatch)
    assert "no quarantined rows and no nulled fields" in out
