"""One scored, witnessed data home for the tamper suite; every attack works on its own copy."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from firmscore.config import key_dir
from firmscore.features import build_labels, compute_features, write_features, write_labels
from firmscore.ingest import ingest_paths
from firmscore.ledger import EvidenceLedger
from firmscore.ledger.witnessing import add_witness
from firmscore.scoring import read_scores, score_enterprises, train_model
from firmscore.store import DataHome
from firmscore.synth import generate
from firmscore.witness import WitnessServer, WitnessState

AS_OF = dt.date(2025, 6, 30)


@dataclass(frozen=True, kw_only=True)
class Scored:
    """The pristine home, its witness, and the firm the attacks aim at."""

    home: DataHome
    witness: WitnessServer
    enterprise_id: str


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scored]:
    root = tmp_path_factory.mktemp("tamper")
    state = WitnessState(root / "witness", name="witness.test/tamper")
    with WitnessServer(state) as witness:
        home = DataHome(root / "home")
        with EvidenceLedger.for_home(home) as led:  # creates the key pair in the key folder, outside the home
            state.trust_log(led.public_key())
        add_witness(key_dir(home.root), witness.url, state.cosigner.verifier.encode())
        generate(root / "in", 4000, seed=11, as_of=AS_OF, progress=False)
        ingest_paths(home, [root / "in"], source="synth")
        write_features(home, compute_features(home, AS_OF))
        write_labels(home, AS_OF, "12m", build_labels(home, AS_OF, "12m"))
        train_model(home, AS_OF, challenger=False, n_bootstrap=20)
        score_enterprises(home, AS_OF)
        scores, _ = read_scores(home, AS_OF)
        eid = str(scores.sort_values(["score", "enterprise_id"]).index[0])  # the worst firm: many cited records
        yield Scored(home=home, witness=witness, enterprise_id=eid)
    state.close()


@pytest.fixture
def copy(scored: Scored, tmp_path: Path) -> DataHome:
    """A copy of the scored home with its key folder (the witness is shared: it is not the attacker's)."""
    home = DataHome(tmp_path / "home")
    shutil.copytree(scored.home.root, home.root)
    shutil.copytree(key_dir(scored.home.root), key_dir(home.root), dirs_exist_ok=True)
    return home
