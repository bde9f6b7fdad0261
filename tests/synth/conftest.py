"""A small synthetic universe shared by the synth tests (generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from firmscore.synth import SynthSummary, generate

N_FIRMS = 16_384
SEED = 20250630


@pytest.fixture(scope="session")
def universe(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("synth") / "u"
    summary = generate(out, N_FIRMS, SEED, chunk_size=8192, progress=False)
    return out, summary


def read_all(out: Path, record_type: str) -> pa.Table:
    """All part files of a record type, in part order."""
    files = sorted((out / record_type).glob("part-*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files])


@pytest.fixture(scope="session")
def tables(universe: tuple[Path, SynthSummary]) -> dict[str, pa.Table]:
    """Every output record type of the shared universe, plus ``truth``."""
    out, _ = universe
    names = ("enterprise", "person", "relation", "event", "authorization_grant")
    result = {rt: read_all(out, rt) for rt in names}
    result["truth"] = pq.read_table(out / "truth" / "enterprise_truth.parquet")
    return result
