"""A witness on a loopback port, with its own state folder, trusting the test ledger's keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from firmscore.ledger import EvidenceLedger
from firmscore.ledger.witnessing import add_witness
from firmscore.store import DataHome
from firmscore.witness import WitnessServer, WitnessState


@pytest.fixture
def witness(tmp_path: Path) -> Iterator[WitnessServer]:
    state = WitnessState(tmp_path / "witness", name="witness.test/w1")
    with WitnessServer(state) as server:
        yield server
    state.close()


@pytest.fixture
def witnessed_ledger(home: DataHome, witness: WitnessServer) -> Iterator[EvidenceLedger]:
    led = EvidenceLedger.for_home(home)
    witness.state.trust_log(led.public_key())
    add_witness(led.key_dir, witness.url, witness.state.cosigner.verifier.encode())
    yield led
    led.close()
