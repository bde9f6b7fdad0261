"""The witness over real HTTP: the tlog-witness answers, and what it catches in a ledger rewritten by its owner."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from firmscore.ledger import EvidenceLedger
from firmscore.ledger.cosignature import CosignerVerifier
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.ledger.witnessing import WitnessError, fetch_witnessed, load_witnesses, submit
from firmscore.store import DataHome
from firmscore.witness import WitnessServer
from ledger.conftest import event_table  # tests/ is on the path: the ledger tests are package "ledger"
from ledger.tampering import attacker

TYPES = ["invoice_out", "tax_payment", "annual_report"]


def _grow(led: EvidenceLedger, n: int, start: int) -> None:
    led.append_records("event", event_table([TYPES[i % 3] for i in range(n)], start=start))


def _status(url: str, old: int, proof: list[bytes], note: str) -> tuple[int, str]:
    try:
        return 200, submit(url, old, proof, note)
    except WitnessError as exc:
        return exc.status, exc.body


def test_add_checkpoint_answers_as_the_protocol_says(witnessed_ledger: EvidenceLedger, witness: WitnessServer) -> None:
    led, url = witnessed_ledger, witness.url
    _grow(led, 300, 0)
    first = led.checkpoint()
    key = witness.state.cosigner.verifier
    status, lines = _status(url, 0, [], first.note)
    assert status == 200 and lines.startswith("\u2014 witness.test/w1 ")
    assert key.verify(first.note.rstrip("\n") + "\n" + lines) > 0  # a valid cosignature/v1 with a timestamp
    assert _status(url, 0, [], first.note) == (409, "300\n")  # the witness holds size 300 now
    _grow(led, 200, 300)
    second = led.checkpoint()
    proof = led.consistency(300, 500).path
    bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
    assert _status(url, 300, bad, second.note)[0] == 422  # consistency proof does not verify: no cosignature
    assert _status(url, 600, [], second.note)[0] == 400  # old size beyond the checkpoint
    assert _status(url, 300, proof, second.note)[0] == 200
    # unknown origin, a signature by an unknown key, garbage
    other = EvidenceLedger.for_home(DataHome(Path(str(led.key_dir)) .parent / "other-home"))
    _grow(other, 3, 0)
    assert _status(url, 0, [], other.checkpoint().note)[0] == 404
    forged = second.note.replace(second.note.split(" ")[-1], base64.b64encode(b"\0" * 68).decode() + "\n")
    assert _status(url, 500, [], forged)[0] == 403
    assert _status(url, 500, [], "garbage")[0] == 400
    other.close()
    history = fetch_witnessed(load_witnesses(led.key_dir)[0], led.keyring.name)
    assert [n.split("\n")[1] for n in history] == ["300", "500"]
    assert all(key.verify(n) for n in history)


def test_ledger_checkpoint_is_cosigned_and_kept(witnessed_ledger: EvidenceLedger, witness: WitnessServer) -> None:
    led = witnessed_ledger
    for b in range(3):
        _grow(led, 100, 100 * b)
        got = led.witness()
        assert got.cosigners == ["witness.test/w1"] and not got.refused
        CosignerVerifier.parse(witness.state.cosigner.verifier.encode()).verify(got.note)
    assert led.cosigned_checkpoint() == got.note
    assert [s for s, _, _ in led.storage.iter_cosigned()] == [100, 200, 300]
    report = led.verify_all()
    assert report.ok, report.problems
    assert report.trusted_checked == 6 and report.witnesses == ["witness.test/w1"]  # 3 kept locally + 3 from it


def _rebuild(path: Path, datas: list[bytes], tmp: Path) -> None:
    """The owner rebuilds bundles, tiles and states from ``datas`` and drops every checkpoint and cosignature."""
    forged = MerkleLog(SqliteStorage(tmp / "forged.db"))
    forged.append(datas)
    forged.storage.close()
    con = attacker(path)
    con.execute(f"ATTACH DATABASE '{tmp / 'forged.db'}' AS f")
    for table in ("ledger_bundles", "ledger_tiles", "ledger_states"):
        con.execute(f"DELETE FROM main.{table}")
        con.execute(f"INSERT INTO main.{table} SELECT * FROM f.{table}")
    con.execute("DETACH DATABASE f")
    for table in ("ledger_checkpoints", "ledger_cosigned"):
        con.execute(f"DELETE FROM {table}")
    con.execute(f"DELETE FROM ledger_records WHERE leaf_index >= {len(datas)}")
    con.close()


@pytest.mark.parametrize("attack", ["truncate", "fork"])
def test_rewritten_and_resigned_log_is_caught_by_the_witness(
    witnessed_ledger: EvidenceLedger, home: DataHome, tmp_path: Path, attack: str
) -> None:
    """Every local checkpoint deleted, the database re-signed with the (stolen) key: only the witness knows."""
    led = witnessed_ledger
    for b in range(3):
        _grow(led, 100, 100 * b)
        led.witness()
    datas = [d for _, d in led.storage.read_leaves(0, 300)]
    led.storage.end_read()
    if attack == "truncate":
        datas = datas[:200]
    else:
        datas[150] = datas[150].replace(b'"src-150"', b'"src-999"')
    path = home.root / "ledger" / "ledger.db"
    led.close()
    _rebuild(path, datas, tmp_path)
    thief = EvidenceLedger.for_home(home)  # the key folder was stolen too: it signs the forged log
    thief.checkpoint()
    offline = thief.verify_all(ask_witnesses=False)
    assert offline.ok, offline.problems  # nothing inside the home gives it away
    report = thief.verify_all()
    kinds = report.kinds()
    if attack == "truncate":
        assert kinds == {"log_truncated": ["witness.test/w1@300"]}
        assert "the log was cut back" in report.problems[0].en
    else:
        assert kinds == {"log_forked": ["witness.test/w1@200", "witness.test/w1@300"]}
        assert "rewritten or forked" in report.problems[0].en and "账本被改写或分叉" in report.problems[0].zh
    # and the witness refuses to cosign the forged log
    refused = thief.witness().refused
    assert len(refused) == 1 and ("409" in refused[0][1] or "422" in refused[0][1])
    thief.close()


def test_unreachable_witness_is_a_named_failure(witnessed_ledger: EvidenceLedger, witness: WitnessServer) -> None:
    _grow(witnessed_ledger, 10, 0)
    witnessed_ledger.witness()
    witness.stop()
    kinds = witnessed_ledger.verify_all().kinds()
    assert kinds == {"witness_unreachable": ["witness.test/w1"]}
    witness.start = lambda: witness  # type: ignore[method-assign]  # already stopped; the fixture's exit is a no-op
    witness.stop = lambda: None  # type: ignore[method-assign]


def test_witness_serve_is_its_own_process(home: DataHome, tmp_path: Path) -> None:
    """``firmscore witness serve`` in a subprocess, over real HTTP; trust, cosign, list."""
    state = tmp_path / "wstate"
    exe = [sys.executable, "-m", "firmscore.cli"]
    with EvidenceLedger.for_home(home) as led:
        _grow(led, 50, 0)
        ring = tmp_path / "ring.pub"
        ring.write_text(led.public_key() + "\n")
        subprocess.run([*exe, "witness", "trust", str(ring), "--state", str(state)], check=True, capture_output=True)
        key = subprocess.run([*exe, "witness", "pubkey", "--state", str(state)], check=True, capture_output=True,
                             text=True).stdout.strip()
        proc = subprocess.Popen([*exe, "witness", "serve", "--state", str(state), "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            from firmscore.ledger.witnessing import add_witness

            add_witness(led.key_dir, url, key)
            got = led.witness()
            assert got.cosigners and not got.refused
            listed = json.loads(urllib.request.urlopen(f"{url}/checkpoints?origin={led.keyring.name}").read())
            assert listed["checkpoints"] == [got.note]
            assert led.verify_all().ok
        finally:
            os.kill(proc.pid, signal.SIGTERM)
            assert proc.wait(timeout=120) == 0  # a clean stop (generous: the test machine is shared)
    assert oct((state / "witness.key").stat().st_mode & 0o777) == "0o600"


def test_cli_init_witness_add_rotate(home: DataHome, witness: WitnessServer) -> None:
    """The ledger commands around keys and witnesses, end to end through the CLI app."""
    from typer.testing import CliRunner

    from firmscore.cli import app

    runner = CliRunner()
    h = str(home.root)
    ring = runner.invoke(app, ["ledger", "init", "--home", h])
    assert ring.exit_code == 0, ring.output
    witness.state.trust_log(ring.output)
    key = witness.state.cosigner.verifier.encode()
    assert runner.invoke(app, ["ledger", "witness-add", witness.url, key, "--home", h]).exit_code == 0
    with EvidenceLedger.for_home(home) as led:
        _grow(led, 20, 0)
    out = runner.invoke(app, ["ledger", "checkpoint", "--home", h])
    assert out.exit_code == 0 and "\u2014 witness.test/w1 " in out.output, out.output
    rotated = runner.invoke(app, ["ledger", "rotate-key", "--home", h])
    assert rotated.exit_code == 0 and "signed up to size 20" in rotated.output, rotated.output
    new_ring = runner.invoke(app, ["ledger", "pubkey", "--home", h]).output
    assert "retired-after=20" in new_ring
    with EvidenceLedger.for_home(home) as led:
        _grow(led, 5, 20)
    refused = runner.invoke(app, ["ledger", "checkpoint", "--home", h])
    assert refused.exit_code == 1 and "403" in refused.output  # the witness does not know the new key yet
    witness.state.trust_log(new_ring)
    assert runner.invoke(app, ["ledger", "checkpoint", "--home", h]).exit_code == 0
    verified = runner.invoke(app, ["ledger", "verify", "--home", h])
    assert verified.exit_code == 0 and "ledger intact" in verified.output, verified.output
