"""Fixtures for ingestion tests: a small enterprise mapping and helpers to write source files."""

from __future__ import annotations

from pathlib import Path

import pytest

ENTERPRISE_MAPPING = """
name: test-enterprise
source: testsrc
format: {fmt}
encoding: {encoding}
outputs:
  - record_type: enterprise
    fields:
      source_record_id: {{column: id, required: true}}
      enterprise_id: {{column: id, type: enterprise_id, prefix: "testsrc:", required: true}}
      uscc: {{column: code, type: uscc}}
      name: {{column: name}}
      established_date: {{column: est, type: date}}
      registered_capital: {{column: cap, type: float, multiply: 10000, min: 0}}
      insured_employees: {{column: staff, type: int}}
      status: {{column: status, map: {{存续: in_business, 注销: cancelled, 吊销: revoked}}}}
"""

HEADER = ["id", "code", "name", "est", "cap", "staff", "status"]


@pytest.fixture
def enterprise_mapping(tmp_path: Path):
    def make(fmt: str = "csv", encoding: str = "auto") -> Path:
        path = tmp_path / f"mapping-{fmt}-{encoding}.yaml"
        path.write_text(ENTERPRISE_MAPPING.format(fmt=fmt, encoding=encoding), encoding="utf-8")
        return path

    return make
