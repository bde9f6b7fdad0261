"""The tamper suite: every attack on a scored, witnessed home is caught and named by the check responsible.

Each attack runs on a fresh copy of one scored home (``conftest.scored``). ``verify-score`` must
fail the named check (and may fail others after it); ``ledger verify`` must report the named
problem kind. The untouched copy passes both: no false alarm. The table attack → detected by →
message is written to ``$FIRMSCORE_TAMPER_TABLE`` when set (``scripts/tamper-table.sh``) and shown
in the terminal summary.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.ledger import EvidenceLedger
from firmscore.scoring import verify_score
from firmscore.store import DataHome

from .attacks import AS_OF, ATTACKS, Attack, find_target
from .conftest import Scored

pytestmark = pytest.mark.xdist_group("tamper")  # one worker builds the scored home once

ROWS: list[tuple[str, str, str]] = []


@pytest.fixture(scope="module", autouse=True)
def table(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    lines = ["| attack | detected by | message |", "|---|---|---|"]
    lines += [f"| {a} | {d} | {m.replace('|', '/')} |" for a, d, m in ROWS]
    text = "\n".join(lines) + "\n"
    out = os.environ.get("FIRMSCORE_TAMPER_TABLE")
    if out:
        Path(out).write_text(text, encoding="utf-8")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\n" + text)


def _ledger_report(home: DataHome) -> dict[str, list[str]]:
    with EvidenceLedger.for_home(home, create_key=False) as led:
        report = led.verify_all()
    return {p.kind: [q.en for q in report.problems if q.kind == p.kind] for p in report.problems}


def test_untouched_home_passes(scored: Scored, copy: DataHome) -> None:
    result = verify_score(copy, scored.enterprise_id, AS_OF)
    assert result.ok, [c for c in result.checks if not c["ok"]]
    assert [c["check"] for c in result.checks][:5] == ["receipt", "checkpoint", "witness", "consistency",
                                                       "score_leaf"]
    assert "cosigned by the witnesses: witness.test/tamper" in next(c["en"] for c in result.checks
                                                                    if c["check"] == "witness")
    assert _ledger_report(copy) == {}
    ROWS.append(("(none: the untouched home)", "all checks", "passes: no false alarm"))


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_detected_and_named(scored: Scored, copy: DataHome, tmp_path: Path, attack: Attack) -> None:
    target = find_target(copy, scored.enterprise_id)
    attack.run(copy, target, tmp_path)
    if attack.score_check is not None:
        result = verify_score(copy, scored.enterprise_id, AS_OF)
        failed = result.failed()
        assert not result.ok
        assert failed and failed[0] == attack.score_check, result.checks
        check = next(c for c in result.checks if c["check"] == attack.score_check)
        assert check["zh"] and check["en"] and check["zh"] != check["en"]  # both languages
        ROWS.append((attack.name, f"verify-score: {attack.score_check}", check["en"]))
    if attack.ledger_kind is not None:
        kinds = _ledger_report(copy)
        assert attack.ledger_kind in kinds, kinds
        ROWS.append((attack.name, f"ledger verify: {attack.ledger_kind}", kinds[attack.ledger_kind][0]))


@pytest.mark.parametrize("attack", [ATTACKS[1], ATTACKS[4]], ids=lambda a: a.name)
def test_ledger_verify_cli_names_the_problem_and_fails(
    scored: Scored, copy: DataHome, tmp_path: Path, attack: Attack
) -> None:
    attack.run(copy, find_target(copy, scored.enterprise_id), tmp_path)
    out = CliRunner().invoke(app, ["ledger", "verify", "--home", str(copy.root)])
    assert out.exit_code == 1, out.output
    assert attack.ledger_kind in out.output and "Traceback" not in out.output


def test_verify_score_cli_never_crashes_on_hostile_input(scored: Scored, copy: DataHome) -> None:
    (copy.root / "ledger" / "ledger.db").write_bytes(b"not a database at all" * 100)
    out = CliRunner().invoke(app, ["verify-score", scored.enterprise_id, "--home", str(copy.root),
                                   "--as-of", AS_OF.isoformat()])
    assert (out.exit_code == 1 and out.exception is None) or isinstance(out.exception, SystemExit), out.output
    assert "✗" in out.output
    bad = CliRunner().invoke(app, ["ledger", "verify", "--home", str(copy.root)])
    assert bad.exit_code == 1 and "ledger_unreadable" in bad.output, bad.output


def test_firm_receipt_verifies_with_the_published_keys_alone(scored: Scored) -> None:
    """What the service hands a firm: its score leaf, proof and cosigned checkpoint, checkable offline."""
    from firmscore.ledger import ProofError
    from firmscore.scoring import read_scores
    from firmscore.scoring.receipt import firm_receipt, verify_firm_receipt

    scores, receipt = read_scores(scored.home, AS_OF)
    row = scores.loc[scored.enterprise_id].to_dict()
    with EvidenceLedger.for_home(scored.home, create_key=False) as led:
        doc = firm_receipt(led, receipt, row)
        ring = led.keyring
        witness_key = led.witnesses[0].key
    cp = verify_firm_receipt(doc, ring)
    assert cp.size == int(row["checkpoint_size"]) and witness_key.verify(doc["checkpoint"]) > 0
    cut = {**doc, "evidence_leaves": doc["evidence_leaves"][:3]}
    with pytest.raises(ValueError, match="evidence list"):
        verify_firm_receipt(cut, ring)
    edited = {**doc, "score_leaf": {**doc["score_leaf"], "data": doc["score_leaf"]["data"].replace(
        '"score":', '"score":1')}}
    with pytest.raises(ProofError):
        verify_firm_receipt(edited, ring)
