"""The guest's side of training: it drives the protocol, one request and one reply per step.

Flow (guest → host, host → guest):

1. ``hello`` (settings) → ``hello_ok`` (host set size).
2. ``psi1`` (guest's blinded ids) → ``psi1_ok`` (them re-blinded, host's blinded ids);
   ``psi2`` (which host positions matched) → ``psi2_ok``. Both order the common firms by id.
3. ``labels`` (Paillier key, encrypted labels) → ``bin_counts`` (per host feature: pre-bin sizes
   and encrypted event sums); the guest decrypts, optimises every host feature's bins like its own
   and sends ``choice`` (cuts, bin counts, keep flag from the IV filter) → ``choice_ok``.
4. ``reg_start`` (CKKS public context) → ``reg_ready`` (host's context, centre/radius); per
   iteration ``reg_residual`` (encrypted Chebyshev coefficients) → ``reg_grad`` (masked host
   gradient, ``Enc(r + m)``, ``Enc_host(m)``) and ``reg_unmask`` (masked host sums, masked
   ``X_g'm`` ciphertexts) → ``reg_update``; see :mod:`firmscore.federate.regression`.
5. ``reg_finish`` → ``reg_done`` (host's point shift); ``finish`` (base points, transcript hash)
   → ``finish_ok``. Only then does either side write its card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from firmscore.federate import ckks, paillier, psi
from firmscore.federate.binning import binner, fit_from_counts
from firmscore.federate.errors import FederationError
from firmscore.federate.party_card import PartyCard, raw_points
from firmscore.federate.regression import POLY_TOLERANCE, BlockSolver, degree_for, residual_coefficients
from firmscore.federate.settings import FedSettings, PartyData
from firmscore.federate.wire import Message
from firmscore.model.binning.woe import woe_iv
from firmscore.model.card import CardFeature
from firmscore.model.scaling import Scaling

Ask = Callable[[str, dict[str, Any], list[bytes], str], Message]
Progress = Callable[[str, int, int], None]


@dataclass(kw_only=True)
class GuestOutcome:
    card: PartyCard
    n_common: int
    iterations: int
    host_iv: list[float]
    guest_iv: dict[str, float]
    timings: dict[str, float] = field(default_factory=dict)


def _noop(phase: str, done: int, total: int) -> None:
    return None


def train_guest(*, data: PartyData, settings: FedSettings, ask: Ask, session: str, psi_workers: int = 1,
                paillier_bits: int = 2048, progress: Progress = _noop) -> GuestOutcome:
    """Run a whole training session against the host; returns the guest's card (not yet saved)."""
    import time

    if data.y is None:
        raise FederationError("federate.bad_data", path="guest data", detail="the guest needs labels")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ask("hello", {"settings": settings.to_dict(), "n_guest": len(data.ids)}, [], "hello_ok")
    # -------- PSI
    progress("psi", 0, 2)
    secret = psi.new_secret()
    mine = psi.blind(secret, psi.hash_ids(data.ids), psi_workers)
    r1 = ask("psi1", {}, [mine], "psi1_ok")
    if len(r1.blobs) != 2 or len(r1.blobs[0]) != len(mine):
        raise FederationError("federate.malformed", detail="PSI reply does not match the request")
    theirs_double = psi.blind(secret, r1.blobs[1], psi_workers)
    mine_pos, host_pos = psi.matches(r1.blobs[0], theirs_double)
    ids = sorted(data.ids[i] for i in mine_pos)
    if len(ids) < settings.min_common:
        raise FederationError("federate.no_overlap", n=len(ids))
    ask("psi2", {"host_positions": host_pos}, [], "psi2_ok")
    common = data.subset(ids)
    assert common.y is not None
    y = common.y
    n = len(ids)
    progress("psi", 2, 2)
    timings["psi"] = time.perf_counter() - t0
    # -------- binning: own features locally, host features from encrypted label sums
    t1 = time.perf_counter()
    progress("binning", 0, 2)
    guest_bins = {}
    guest_idx = {}
    for col in common.X.columns:
        ob = binner(str(col), {**settings.binning, "dtype": _dtype(common.X[col])})
        guest_idx[str(col)] = ob.fit_indices(common.X[col], y)
        guest_bins[str(col)] = ob.binning_
    keys = paillier.generate(paillier_bits)
    cts = paillier.encrypt_bits(keys.public, y)
    r2 = ask("labels", {}, [keys.public.to_bytes(), paillier.pack(cts, keys.public)], "bin_counts")
    feats = r2.meta["features"]
    sums = paillier.unpack(r2.blobs[0], keys.public)
    if len(sums) != sum(len(f["counts"]) for f in feats):
        raise FederationError("federate.malformed", detail="encrypted bin sums do not match the bin counts")
    choices, host_iv, pos = [], [], 0
    for j, f in enumerate(feats):
        counts = np.asarray(f["counts"], dtype=np.float64)
        events = np.asarray([keys.decrypt_int(c) for c in sums[pos : pos + counts.size]], dtype=np.float64)
        pos += counts.size
        if counts.sum() != n or np.any(events > counts):
            raise FederationError("federate.malformed", detail=f"host feature {j}: counts inconsistent with {n} firms")
        ch = fit_from_counts(counts, events, int(f["n_regular"]), n, settings.binning, name=f"host_{j}")
        g, b = np.asarray(ch.non_event), np.asarray(ch.event)
        iv = float(woe_iv(g, b, g.sum(), b.sum(), float(settings.binning.get("alpha", 0.5)))[1].sum())
        host_iv.append(iv)
        choices.append({"cuts": list(ch.cuts), "non_event": list(ch.non_event), "event": list(ch.event),
                        "trend": ch.trend, "keep": iv >= settings.min_iv})
    event_rate = float(y.mean())
    ask("choice", {"choices": choices, "event_rate": event_rate}, [], "choice_ok")
    progress("binning", 2, 2)
    timings["binning"] = time.perf_counter() - t1
    # -------- regression
    t2 = time.perf_counter()
    kept = [c for c in guest_bins if guest_bins[c].iv >= settings.min_iv]
    G = np.column_stack([np.ones(n)] + [guest_bins[c].woe[guest_idx[c]] for c in kept])
    l2 = 1.0 / (settings.C * n) if settings.C else 0.0
    start = np.zeros(G.shape[1])
    start[0] = float(np.log(event_rate / (1 - event_rate)))
    solver = BlockSolver(X=G, free=np.r_[True, np.zeros(len(kept), dtype=bool)], weight=event_rate * (1 - event_rate),
                         l2=l2, start=start)
    ctx = ckks.new_context()
    cols: list[bytes] = []
    for j in range(1, G.shape[1]):
        cols.extend(ckks.EncVector.encrypt(ctx, G[:, j]).to_blobs())
    ready = ask("reg_start", {}, [ckks.public_bytes(ctx), *cols], "reg_ready")
    centre, radius = float(ready.meta["centre"]), float(ready.meta["radius"])
    it, change = 0, 1.0
    for it in range(1, settings.max_iter + 1):
        # early iterations need no 1e-8 polynomial: its error only has to stay well below the step
        k = degree_for(radius, tol=min(max(1e-3 * change, POLY_TOLERANCE), 1e-4))
        coef = residual_coefficients(solver.predictor() + centre, y, radius, k)
        blobs: list[bytes] = []
        for j in range(k + 1):
            blobs.extend(ckks.EncVector.encrypt(ctx, coef[:, j]).to_blobs())
        rg = ask("reg_residual", {"degree": k, "iteration": it}, blobs, "reg_grad")
        p_h = int(rg.meta["p_host"])
        if len(rg.blobs) != p_h + G.shape[1]:
            raise FederationError("federate.malformed", detail="gradient reply: wrong number of ciphertexts")
        sums = [float(np.sum(ckks.EncVector.from_blobs(ctx, [b], ckks.SLOTS).decrypt())) for b in rg.blobs]
        up = ask("reg_unmask", {"host_sums": sums[:p_h]}, [], "reg_update")
        grad = solver.gradient(np.asarray(sums[p_h:], dtype=np.float64))
        change = max(solver.step(grad), float(up.meta["host_change"]))
        centre, radius = float(up.meta["centre"]), float(up.meta["radius"])
        progress("regression", it, settings.max_iter)
        if change < settings.tol:
            break
    done = ask("reg_finish", {"iterations": it}, [], "reg_done")
    timings["regression"] = time.perf_counter() - t2
    # -------- points: own features; base from both shifts
    scaling = Scaling(settings.pdo, settings.base_score, settings.base_odds)
    beta = solver.final()
    intercept = float(beta[0])
    features, shift_sum = [], 0.0
    for c, b in zip(kept, beta[1:], strict=True):
        if b == 0.0:
            continue
        fb = guest_bins[c]
        pts, shift = raw_points(scaling, float(b), fb.woe)
        shift_sum += shift
        features.append(CardFeature(rule=fb.rule, points=tuple(int(p) for p in pts), binning=fb, coefficient=float(b)))
    base = scaling.offset - scaling.factor * intercept + shift_sum + float(done.meta["host_shift"])
    base_points = int(np.rint(base))
    ask("finish", {"base_points": base_points, "guest_features": len(features)}, [], "finish_ok")
    card = PartyCard(role="guest", model_id=session, features=tuple(features), base_points=base_points,
                     scaling=scaling, partner_features=int(done.meta["host_features"]), intercept=intercept,
                     metadata={"n_common": n, "iterations": it})
    return GuestOutcome(card=card, n_common=n, iterations=it, host_iv=host_iv,
                        guest_iv={c: guest_bins[c].iv for c in guest_bins}, timings=timings)


def _dtype(col: Any) -> str:
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return "categorical" if is_bool_dtype(col) or not is_numeric_dtype(col) else "numerical"

