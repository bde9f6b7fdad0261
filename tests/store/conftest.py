"""Small inputs for the data-home tests: an enterprise mapping and CSV files of any size."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

MAPPING = """
name: store-test-enterprise
source: storetest
format: csv
encoding: utf-8
outputs:
  - record_type: enterprise
    fields:
      source_record_id: {column: id, required: true}
      enterprise_id: {column: id, type: enterprise_id, prefix: "storetest:", required: true}
      name: {column: name}
      registered_capital: {column: cap, type: float, min: 0}
"""


@pytest.fixture
def enterprise_csv(tmp_path: Path) -> Callable[[int, str], tuple[Path, Path]]:
    """``make(n, name)``: a CSV of ``n`` enterprises and the mapping that reads it."""

    def make(n: int, name: str = "e.csv") -> tuple[Path, Path]:
        mapping = tmp_path / "mapping.yaml"
        mapping.write_text(MAPPING, encoding="utf-8")
        path = tmp_path / name
        lines = ["id,name,cap", *(f"e{i},企业{i},{i * 10}" for i in range(n))]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path, mapping

    return make
