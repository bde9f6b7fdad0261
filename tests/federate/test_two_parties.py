"""Two firmscore processes on loopback (real HTTP) train a joint card; a recording proxy sees every byte.

One training run (module fixture) backs the correctness, scoring, transcript and wire-audit tests:
guest CLI → recording proxy → host ``federate serve`` process. The centralised reference is the
local :class:`~firmscore.model.scorecard.Scorecard` on the pooled rows with the same settings
(``refine=False``, no correlation filter).
"""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import expit

from firmscore.federate import party_card
from firmscore.federate.wire import decode_unverified
from firmscore.ledger import EvidenceLedger
from firmscore.model.binning.process import BinningProcess
from firmscore.model.scorecard import Scorecard
from firmscore.store.home import DataHome

GUEST_COLS = ["bank_overdue_days", "bank_utilisation"]
HOST_COLS = ["trade_growth", "invoice_volatility", "court_cases", "noise"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "FIRMSCORE_KEY_DIR"}
    env["FIRMSCORE_LANG"] = "en"
    return env


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    res = subprocess.run([sys.executable, "-m", "firmscore.cli", "federate", *args], capture_output=True, text=True,
                         env=_env(), timeout=1200)
    if check and res.returncode != 0:
        raise AssertionError(f"federate {args[0]} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return res


def _wait_port(port: int, proc: subprocess.Popen[str], timeout: float = 120.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("server did not start")


@dataclass
class Recorder:
    """A forwarding HTTP proxy that keeps every request and response body."""

    target: str
    frames: list[tuple[str, bytes]] = field(default_factory=list)
    on_request: object = None

    def start(self) -> tuple[ThreadingHTTPServer, str]:
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                rec.frames.append(("guest->host", body))
                if callable(rec.on_request):
                    rec.on_request(body)
                req = urllib.request.Request(rec.target + self.path, data=body, method="POST")
                try:
                    with urllib.request.urlopen(req, timeout=1200) as resp:
                        status, payload, ctype = resp.status, resp.read(), resp.headers["Content-Type"]
                except urllib.error.HTTPError as exc:
                    status, payload, ctype = exc.code, exc.read(), exc.headers["Content-Type"]
                except OSError:
                    self.connection.close()  # the host went away: so does this connection
                    return
                rec.frames.append(("host->guest", payload))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}"


def make_data(seed: int = 2026) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Guest (bank) and host (platform) tables over overlapping firms; labels only at the guest."""
    rng = np.random.default_rng(seed)
    n = 1600
    ids = np.array([f"9133{i:014d}" for i in rng.permutation(10**6)[:n]])
    f = {c: rng.normal(size=n) for c in GUEST_COLS + HOST_COLS}
    f["court_cases"] = rng.poisson(0.6, n).astype(float)
    f["trade_growth"][rng.random(n) < 0.06] = np.nan
    z = -2.6 + 0.9 * f["bank_overdue_days"] + 0.5 * f["bank_utilisation"] - 0.8 * np.nan_to_num(f["trade_growth"])
    z = z + 0.5 * f["invoice_volatility"] + 0.45 * f["court_cases"]
    y = (rng.random(n) < expit(z)).astype(int)
    guest = pd.DataFrame({"enterprise_id": ids, **{c: f[c] for c in GUEST_COLS}, "default": y})
    host = pd.DataFrame({"enterprise_id": ids, **{c: f[c] for c in HOST_COLS}})
    # each side also has firms the other does not know
    host = host.iloc[200:].sample(frac=1, random_state=1).reset_index(drop=True)
    return guest.iloc[:1400].reset_index(drop=True), host


@dataclass
class Run:
    guest_home: Path
    host_home: Path
    guest_csv: Path
    host_csv: Path
    guest: pd.DataFrame
    host: pd.DataFrame
    guest_pub: str
    host_pub: str
    host_url: str
    proxy_url: str
    model_id: str
    train_output: str
    frames: list[tuple[str, bytes]]
    host_proc: subprocess.Popen[str]


def start_host(host_home: Path, host_csv: Path, guest_pub: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "firmscore.cli", "federate", "serve", "--role", "host",
                             "--home", str(host_home), "--peer-key", guest_pub, "--data", str(host_csv),
                             "--listen", f"127.0.0.1:{port}"], env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    _wait_port(port, proc)
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("fed")
    guest, host = make_data()
    gcsv, hcsv = root / "bank.csv", root / "platform.csv"
    guest.to_csv(gcsv, index=False)
    host.to_csv(hcsv, index=False)
    ghome, hhome = root / "bank", root / "platform"
    gpub = cli("keygen", "--home", str(ghome)).stdout.strip()
    hpub = cli("keygen", "--home", str(hhome)).stdout.strip()
    proc, url = start_host(hhome, hcsv, gpub)
    rec = Recorder(url)
    proxy, purl = rec.start()
    try:
        out = cli("train", "--home", str(ghome), "--peer", purl, "--peer-key", hpub, "--data", str(gcsv),
                  "--paillier-bits", "1024", "--tol", "1e-6").stdout
        model_id = next(p.name for p in (ghome / "federated").iterdir())
        yield Run(ghome, hhome, gcsv, hcsv, guest, host, gpub, hpub, url, purl, model_id, out, rec.frames, proc)
    finally:
        proxy.shutdown()
        proc.terminate()
        proc.wait(timeout=30)


def centralised(r: Run) -> Scorecard:
    pooled = r.guest.merge(r.host, on="enterprise_id").sort_values("enterprise_id").reset_index(drop=True)
    return Scorecard(binning_process=BinningProcess(refine=False), max_corr=None).fit(
        pooled[GUEST_COLS + HOST_COLS], pooled["default"].to_numpy())


def test_cards_equal_the_centralised_card(run: Run) -> None:
    gcard = party_card.load(run.guest_home, run.model_id)
    hcard = party_card.load(run.host_home, run.model_id)
    ref = centralised(run).card_
    fed = {f.name: f for f in (*gcard.features, *hcard.features)}
    assert set(fed) == set(ref.feature_names)
    for f in ref.features:
        got = fed[f.name]
        assert got.rule == f.rule, f.name  # same bins
        assert got.binning == f.binning, f.name  # same counts, hence the same WOE and IV
        assert np.array_equal(got.binning.woe, f.binning.woe)  # type: ignore[union-attr]
        assert abs(got.coefficient - f.coefficient) < 1e-5, (f.name, got.coefficient, f.coefficient)  # type: ignore[operator]
        assert got.points == f.points, f.name
    assert abs(gcard.intercept - ref.intercept) < 1e-5  # type: ignore[operator]
    assert gcard.base_points == hcard.base_points == ref.base_points
    assert {f.name for f in gcard.features} <= set(GUEST_COLS) and {f.name for f in hcard.features} <= set(HOST_COLS)
    assert gcard.partner_features == len(hcard.features) and hcard.partner_features == len(gcard.features)


def test_each_party_file_holds_only_its_own_features(run: Run) -> None:
    gtext = (party_card.model_dir(run.guest_home, run.model_id) / "card.json").read_text()
    htext = (party_card.model_dir(run.host_home, run.model_id) / "card.json").read_text()
    assert not any(c in gtext for c in HOST_COLS) and not any(c in htext for c in GUEST_COLS)
    hcard = party_card.load(run.host_home, run.model_id)
    for f in hcard.features:  # the host's cut values never reach the guest's file
        # (integer cuts such as court_cases' 0/1/2 are left out: "1.0" occurs in any file)
        assert all(repr(s) not in gtext for s in f.rule.splits if abs(s - round(s)) > 1e-6)


def test_joint_scores_equal_centralised_scores(run: Run) -> None:
    gcard = party_card.load(run.guest_home, run.model_id)
    hcard = party_card.load(run.host_home, run.model_id)
    pooled = run.guest.merge(run.host, on="enterprise_id").sort_values("enterprise_id").reset_index(drop=True)
    ref = centralised(run)
    g_pts, _ = gcard.partial(pooled)
    h_pts, _ = hcard.partial(pooled)
    joint = gcard.scaling.clip(gcard.base_points + g_pts + h_pts)
    assert np.array_equal(joint, ref.points(pooled[GUEST_COLS + HOST_COLS]))
    # through the CLI: the guest asks the live host for its partial points
    firms = pooled["enterprise_id"].iloc[[0, 5, 17, 300]].tolist()
    args = ["score", "--home", str(run.guest_home), "--peer", run.host_url, "--peer-key", run.host_pub,
            "--data", str(run.guest_csv), "--label", "default", "--model", run.model_id, "--output", "json"]
    for firm in firms:
        args += ["--firm", firm]
    rows = json.loads(cli(*args).stdout)
    want = dict(zip(pooled["enterprise_id"], joint, strict=True))
    assert [r["score"] for r in rows] == [int(want[f]) for f in firms]
    reasons = [x for r in rows for x in r["reasons"]]
    partner = [x for x in reasons if x["partner"]]
    assert partner and all(x["text_en"].startswith("partner data") and x["text_zh"].startswith("合作方数据")
                           for x in partner)
    assert all(x["feature"] in GUEST_COLS for x in reasons if not x["partner"])
    assert not any(c in json.dumps(rows) for c in HOST_COLS)


def test_unknown_firm_gets_a_clear_error(run: Run) -> None:
    res = cli("score", "--home", str(run.guest_home), "--peer", run.host_url, "--peer-key", run.host_pub,
              "--data", str(run.guest_csv), "--label", "default", "--model", run.model_id,
              "--firm", run.guest["enterprise_id"].iloc[0], check=False)  # guest-only firm: the host has no data
    assert res.returncode != 0 and "federate.unknown_firm" in res.stderr + res.stdout


def test_transcripts_agree_and_are_in_both_ledgers(run: Run) -> None:
    gcard = party_card.load(run.guest_home, run.model_id)
    hcard = party_card.load(run.host_home, run.model_id)
    assert gcard.transcript_sha256 == hcard.transcript_sha256 and len(gcard.transcript_sha256) == 64
    for home, role in ((run.guest_home, "guest"), (run.host_home, "host")):
        lines = (party_card.model_dir(home, run.model_id) / "transcript.jsonl").read_text().splitlines()
        assert len(lines) == len(_training_frames(run))  # every frame, sent and received
        assert json.loads(lines[-1])["chain"] == gcard.transcript_sha256
        with EvidenceLedger.for_home(DataHome.open(home)) as ledger:
            found = ledger.lookup(f"federated-transcript:{run.model_id}:{role}")
            assert found.content is not None and found.content["code"] == f"sha256:{gcard.transcript_sha256}"
            assert found.content["event_type"] == "federated_transcript"
    assert "bytes sent" in run.train_output and "transcript sha256" in run.train_output


# ---------------------------------------------------------------------------------------------- wire audit
def _training_frames(run: Run) -> list[tuple[str, bytes]]:
    return [(d, f) for d, f in run.frames if decode_unverified(f)[0].session == run.model_id]


def _found_in(wire: bytes, patterns: dict[bytes, str]) -> list[str]:
    """The labels of every pattern that occurs in ``wire``, overlapping matches included: one
    Aho-Corasick pass for all of them (``pattern in wire`` per pattern re-reads the 0.7 GB of
    ciphertext thousands of times, which took 20 minutes)."""
    keys = list(patterns)
    matches = ahocorasick_rs.BytesAhoCorasick(keys).find_matches_as_indexes(wire, overlapping=True)
    return sorted({patterns[keys[k]] for k, _, _ in matches})


def test_wire_audit_no_raw_values_labels_or_bin_indices_in_clear(run: Run) -> None:
    frames = _training_frames(run)
    wire = b"".join(f for _, f in frames)
    assert len(frames) > 20
    pooled = run.guest.merge(run.host, on="enterprise_id").sort_values("enterprise_id").reset_index(drop=True)
    patterns: dict[bytes, str] = {}
    # raw feature values: as text (any repr a JSON or CSV writer would use) and as binary doubles/floats
    for col in GUEST_COLS + HOST_COLS:
        vals = pooled[col].dropna().to_numpy()
        vals = vals[np.abs(vals) > 1e-3][:200]
        if col == "court_cases":
            vals = np.array([])  # small integers occur everywhere by chance; covered by the bin-index check
        for v in vals:
            patterns[repr(float(v)).encode()] = f"{col} value {v!r} as text"
            patterns[f"{v:.6f}".encode()] = f"{col} value {v:.6f} as text"
            patterns[struct.pack("<d", v)] = f"{col} value {v!r} as a little-endian double"
            patterns[struct.pack(">d", v)] = f"{col} value {v!r} as a big-endian double"
        if vals.size:
            patterns[vals.astype("<f8").tobytes()[:64]] = f"{col} values as a double array"
            patterns[vals.astype("<f4").tobytes()[:32]] = f"{col} values as a float array"
    # labels: as a 0/1 byte string, as text, as doubles
    y = pooled["default"].to_numpy()
    for start in range(0, len(y) - 64, 97):
        chunk = y[start : start + 64]
        patterns[chunk.astype(np.uint8).tobytes()] = f"labels {start}.. as bytes"
        patterns["".join(map(str, chunk)).encode()] = f"labels {start}.. as digits"
        patterns[",".join(map(str, chunk)).encode()] = f"labels {start}.. as CSV"
        patterns[chunk.astype("<f8").tobytes()] = f"labels {start}.. as doubles"
    # per-firm bin indices of every fitted feature, as bytes, int64 and text
    hcard = party_card.load(run.host_home, run.model_id)
    gcard = party_card.load(run.guest_home, run.model_id)
    for f in (*gcard.features, *hcard.features):
        idx = f.rule.assign(pooled[f.name])
        for start in range(0, len(idx) - 48, 211):
            chunk = idx[start : start + 48]
            patterns[chunk.astype(np.uint8).tobytes()] = f"{f.name} bin indices {start}.. as bytes"
            patterns[chunk.astype("<i8").tobytes()] = f"{f.name} bin indices {start}.. as int64"
            patterns[",".join(map(str, chunk)).encode()] = f"{f.name} bin indices {start}.. as CSV"
            patterns[" ".join(map(str, chunk)).encode()] = f"{f.name} bin indices {start}.. as text"
    # ids never cross in clear (PSI sends only blinded points)
    for i in pooled["enterprise_id"].iloc[:300]:
        patterns[i.encode()] = f"enterprise id {i}"
    assert len(patterns) > 1000
    assert _found_in(wire, patterns) == []
    # the scan itself finds what is there: a value planted in a copy of the wire is named
    planted = next(iter(patterns))
    assert patterns[planted] in _found_in(wire + planted, patterns)


def _byte_uniformity_p(data: bytes) -> float:
    counts = np.bincount(np.frombuffer(data, dtype=np.uint8), minlength=256)
    return float(stats.chisquare(counts).pvalue)


def test_wire_audit_ciphertexts_and_masked_values_look_random(run: Run) -> None:
    frames = {decode_unverified(f)[0].kind: decode_unverified(f)[0] for _, f in _training_frames(run)}
    # PSI points: x-coordinates below 2^255; drop each point's top byte
    psi_points = frames["psi1"].blobs[0]
    body = b"".join(psi_points[i : i + 31] for i in range(0, len(psi_points), 32))
    assert _byte_uniformity_p(body) > 1e-4
    # Paillier label ciphertexts (the per-firm ones): skip the two leading bytes of each number mod n²
    size = 256  # 1024-bit keys in this test
    cts = frames["labels"].blobs[1]
    body = b"".join(cts[i + 2 : i + size] for i in range(0, len(cts), size))
    assert _byte_uniformity_p(body) > 1e-4
    # the labels' ciphertexts do not separate defaults from non-defaults: first bytes per class
    pooled = run.guest.merge(run.host, on="enterprise_id").sort_values("enterprise_id").reset_index(drop=True)
    y = pooled["default"].to_numpy()
    firsts = np.frombuffer(b"".join(cts[i + 8 : i + 9] for i in range(0, len(cts), size)), dtype=np.uint8)
    assert stats.mannwhitneyu(firsts[y == 1], firsts[y == 0]).pvalue > 1e-3
    # masked gradient totals the guest returns: sums of 4,096 uniform masks of ±2^20, whatever the gradient
    sums = np.concatenate([np.asarray(decode_unverified(f)[0].meta["host_sums"]) for _, f in _training_frames(run)
                           if decode_unverified(f)[0].kind == "reg_unmask"])
    scale = 2.0**20 * np.sqrt(4096 / 3.0)
    assert stats.kstest(sums / scale, "norm").pvalue > 1e-4


# ---------------------------------------------------------------------------------------------- faults
def _post(url: str, body: bytes) -> tuple[int, dict[str, object]]:
    req = urllib.request.Request(url + "/federate/v1/message", data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, {}
    except urllib.error.HTTPError as exc:
        assert exc.headers["Content-Type"] == "application/problem+json"
        return exc.code, json.loads(exc.read())


def test_replayed_malformed_and_wrongly_signed_messages_are_rejected(run: Run) -> None:
    first = next(f for d, f in run.frames if d == "guest->host")
    status, problem = _post(run.host_url, first)  # the hello of the finished session, again
    assert status == 409 and problem["code"] == "federate.replay"
    status, problem = _post(run.host_url, b"FSF1" + b"\x00\x00\x00\x05{bad}" + b"\x00" * 64)
    assert status == 400 and problem["code"] == "federate.malformed"
    tampered = bytearray(first)
    tampered[20] ^= 0x01
    status, problem = _post(run.host_url, bytes(tampered))
    assert status in (400, 401) and problem["code"] in ("federate.bad_signature", "federate.malformed")
    # a stranger's key: train with a guest whose key the host does not know
    stranger = run.guest_home.parent / "stranger"
    cli("keygen", "--home", str(stranger))
    res = cli("train", "--home", str(stranger), "--peer", run.host_url, "--peer-key", run.host_pub,
              "--data", str(run.guest_csv), "--paillier-bits", "1024", check=False)
    assert res.returncode == 2 and "federate.unknown_sender" in res.stderr
    assert not (stranger / "federated").exists()


def test_host_disconnecting_mid_protocol_fails_cleanly(run: Run, tmp_path: Path) -> None:
    ghome, hhome = tmp_path / "bank2", tmp_path / "platform2"
    gpub = cli("keygen", "--home", str(ghome)).stdout.strip()
    hpub = cli("keygen", "--home", str(hhome)).stdout.strip()
    proc, url = start_host(hhome, run.host_csv, gpub)
    rec = Recorder(url)

    def kill_at_regression(body: bytes) -> None:
        if decode_unverified(body)[0].kind == "reg_residual" and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)

    rec.on_request = kill_at_regression
    proxy, purl = rec.start()
    try:
        res = cli("train", "--home", str(ghome), "--peer", purl, "--peer-key", hpub, "--data", str(run.guest_csv),
                  "--paillier-bits", "1024", check=False)
    finally:
        proxy.shutdown()
        if proc.poll() is None:
            proc.kill()
    assert res.returncode == 2
    assert "federate.peer_unreachable" in res.stderr or "federate.peer_error" in res.stderr
    assert not (ghome / "federated").exists() and not (hhome / "federated").exists()
