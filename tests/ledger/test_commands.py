"""``firmscore ledger ...`` end to end through the real CLI app."""

from __future__ import annotations

from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.ledger import EvidenceLedger, NoteVerifier, verify_checkpoint
from firmscore.store import DataHome

from .conftest import event_table
from .tampering import attacker, replace_in_leaf


def test_ledger_commands(home: DataHome) -> None:
    with EvidenceLedger.for_home(home) as led:
        led.append_records("event", event_table(["invoice_out", "lawsuit"] * 10))
        led.erase("ev-000003", "legal_expiry", "2029-01-01")
    runner = CliRunner()
    h = str(home.root)
    out = runner.invoke(app, ["ledger", "verify", "--home", h])
    assert out.exit_code == 0, out.output
    assert "ledger intact" in out.output
    key = runner.invoke(app, ["ledger", "pubkey", "--home", h]).output.strip()
    note = runner.invoke(app, ["ledger", "checkpoint", "--home", h]).output
    body = note[note.index("firmscore.local") :]
    text = "\n".join(line for line in body.splitlines() if not line.startswith("─")) + "\n"
    assert verify_checkpoint(text, NoteVerifier.parse(key)).size == 20
    erased = runner.invoke(app, ["ledger", "prove", "ev-000003", "--home", h])
    assert erased.exit_code == 0 and "erased on 2029-01-01 under legal_expiry" in erased.output
    assert "proof verifies" in erased.output
    missing = runner.invoke(app, ["ledger", "prove", "nope", "--home", h])
    assert missing.exit_code == 1 and "not in the ledger" in missing.output
    replace_in_leaf(attacker(home.root / "ledger" / "ledger.db"), 4, b'"src-4"', b'"src-9"')
    bad = runner.invoke(app, ["ledger", "verify", "--home", h])
    assert bad.exit_code == 1 and "leaf 4 was modified" in bad.output
