"""The host's side of training: it answers the guest's messages, one state machine per session.

The host holds raw features and no labels. It learns the common ids, the per-bin counts the guest
sends back for its own features, the centre/radius of its own linear predictor, its own gradient
and coefficients — never a label, a guest value or the guest's linear predictor.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from firmscore.federate import ckks, paillier, psi
from firmscore.federate.binning import BinChoice, PreBins, apply_choice, prebin
from firmscore.federate.errors import FederationError
from firmscore.federate.party_card import PartyCard, raw_points
from firmscore.federate.regression import BlockSolver, centre_radius, chebyshev_T
from firmscore.federate.settings import FedSettings, PartyData
from firmscore.federate.wire import Message
from firmscore.model.binning.fitted import FittedBinning
from firmscore.model.card import CardFeature
from firmscore.model.scaling import Scaling

Reply = tuple[str, dict[str, Any], list[bytes]]


@dataclass(kw_only=True)
class HostTraining:
    """State of one training session on the host (see :mod:`firmscore.federate.guest` for the flow)."""

    data: PartyData
    session: str
    psi_workers: int = 1
    settings: FedSettings | None = None
    step: str = "hello"
    secret: bytes = field(default_factory=psi.new_secret)
    order: list[int] = field(default_factory=list)
    common: PartyData | None = None
    prebins: list[PreBins] = field(default_factory=list)
    fitted: list[FittedBinning] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    solver: BlockSolver | None = None
    guest_ctx: Any = None
    guest_cols: list[ckks.EncVector] = field(default_factory=list)
    grad_masks: list[float] = field(default_factory=list)
    centre: float = 0.0
    radius: float = 1e-3
    card: PartyCard | None = None

    def handle(self, msg: Message) -> Reply:
        expected = {"hello": ("hello",), "psi1": ("psi1",), "psi2": ("psi2",), "labels": ("labels",),
                    "choice": ("choice",), "reg_start": ("reg_start",), "reg": ("reg_residual", "reg_finish"),
                    "unmask": ("reg_unmask",), "finish": ("finish",)}[self.step]
        if msg.kind not in expected:
            raise FederationError("federate.unexpected", expected="/".join(expected), got=msg.kind)
        return getattr(self, "_" + msg.kind)(msg)

    # ------------------------------------------------------------------ setup and PSI
    def _hello(self, msg: Message) -> Reply:
        self.settings = FedSettings.from_dict(msg.meta["settings"])
        self.step = "psi1"
        return "hello_ok", {"n_host": len(self.data.ids)}, []

    def _psi1(self, msg: Message) -> Reply:
        guest_blinded = msg.blobs[0]
        perm = np.random.default_rng(int.from_bytes(secrets.token_bytes(8), "big")).permutation(len(self.data.ids))
        self.order = [int(i) for i in perm]
        mine = psi.blind(self.secret, psi.hash_ids([self.data.ids[i] for i in self.order]), self.psi_workers)
        double = psi.blind(self.secret, guest_blinded, self.psi_workers)
        self.step = "psi2"
        return "psi1_ok", {}, [double, mine]

    def _psi2(self, msg: Message) -> Reply:
        assert self.settings is not None
        positions = [int(p) for p in msg.meta["host_positions"]]
        if any(p < 0 or p >= len(self.order) for p in positions):
            raise FederationError("federate.malformed", detail="PSI position out of range")
        ids = sorted(self.data.ids[self.order[p]] for p in positions)
        if len(ids) < self.settings.min_common:
            raise FederationError("federate.no_overlap", n=len(ids))
        self.common = self.data.subset(ids)
        self.step = "labels"
        return "psi2_ok", {"n_common": len(ids)}, []

    # ------------------------------------------------------------------ binning
    def _labels(self, msg: Message) -> Reply:
        assert self.common is not None and self.settings is not None
        pk = paillier.PublicKey.from_bytes(msg.blobs[0])
        cts = paillier.unpack(msg.blobs[1], pk)
        n = len(self.common.ids)
        if len(cts) != n:
            raise FederationError("federate.malformed", detail=f"{len(cts)} encrypted labels for {n} common firms")
        feats: list[dict[str, Any]] = []
        sums: list[paillier.gmpy2.mpz] = []
        self.prebins = []
        for col in self.common.X.columns:
            pre = prebin(str(col), self.common.X[col], self.settings.binning)
            self.prebins.append(pre)
            sums.extend(paillier.sum_by_group(cts, pre.index, pre.rule.n_bins, pk))
            feats.append({"n_regular": pre.n_regular, "counts": [int(c) for c in pre.counts]})
        self.step = "choice"
        return "bin_counts", {"features": feats}, [paillier.pack(sums, pk)]

    def _choice(self, msg: Message) -> Reply:
        assert self.common is not None and self.settings is not None
        choices = msg.meta["choices"]
        if len(choices) != len(self.prebins):
            raise FederationError("federate.malformed", detail="one bin choice per host feature expected")
        alpha = float(self.settings.binning.get("alpha", 0.5))
        woe_cols = []
        self.fitted, self.kept = [], []
        for j, (pre, ch) in enumerate(zip(self.prebins, choices, strict=True)):
            choice = BinChoice(cuts=tuple(ch["cuts"]), non_event=tuple(ch["non_event"]), event=tuple(ch["event"]),
                               trend=str(ch["trend"]))
            try:
                fitted, idx = apply_choice(pre, choice, alpha)
            except ValueError as exc:
                raise FederationError("federate.malformed", detail=str(exc)) from exc
            self.fitted.append(fitted)
            if ch["keep"]:
                self.kept.append(j)
                woe_cols.append(fitted.woe[idx])
        n = len(self.common.ids)
        X = np.column_stack(woe_cols) if woe_cols else np.zeros((n, 0))
        rate = float(msg.meta["event_rate"])
        l2 = 1.0 / (self.settings.C * n) if self.settings.C else 0.0
        self.solver = BlockSolver(X=X, free=np.zeros(X.shape[1], dtype=bool), weight=rate * (1 - rate), l2=l2)
        self.step = "reg_start"
        return "choice_ok", {"p_host": len(self.kept)}, []

    # ------------------------------------------------------------------ regression
    def _reg_start(self, msg: Message) -> Reply:
        assert self.common is not None
        n = len(self.common.ids)
        per = ckks.n_chunks(n)
        self.guest_ctx = ckks.load_context(msg.blobs[0])
        cols = msg.blobs[1:]
        if len(cols) % per:
            raise FederationError("federate.malformed", detail="guest columns: wrong number of ciphertexts")
        self.guest_cols = [ckks.EncVector.from_blobs(self.guest_ctx, cols[i : i + per], n)
                           for i in range(0, len(cols), per)]
        self._announce()
        self.step = "reg"
        return "reg_ready", {"centre": self.centre, "radius": self.radius}, []

    def _announce(self) -> None:
        assert self.solver is not None
        self.centre, self.radius = centre_radius(self.solver.predictor())

    def _reg_residual(self, msg: Message) -> Reply:
        """``Enc(r)`` from the guest's polynomial; masked sums for the host's and the guest's gradients."""
        assert self.solver is not None and self.common is not None
        n = len(self.common.ids)
        k = int(msg.meta["degree"])
        per = ckks.n_chunks(n)
        if len(msg.blobs) != (k + 1) * per:
            raise FederationError("federate.malformed", detail="residual coefficients: wrong number of ciphertexts")
        t = np.clip((self.solver.predictor() - self.centre) / self.radius, -1.0, 1.0)
        T = chebyshev_T(t, k)
        r: ckks.EncVector | None = None
        for j in range(k + 1):
            cj = ckks.EncVector.from_blobs(self.guest_ctx, msg.blobs[j * per : (j + 1) * per], n)
            term = cj.mul_plain(T[:, j])
            r = term if r is None else r.add(term)
        assert r is not None
        blobs: list[bytes] = []
        self.grad_masks = []
        for j in range(self.solver.X.shape[1]):  # host gradient: the guest returns only the masked total
            m = ckks.uniform_mask(ckks.SLOTS)
            self.grad_masks.append(float(m.sum()))
            blobs.append(bytes((r.dot_chunks(self.solver.X[:, j]) + m).serialize()))
        total = r.chunks[0]
        for c in r.chunks[1:]:
            total = total + c
        blobs.append(bytes((total + ckks.zero_sum_mask(ckks.SLOTS)).serialize()))  # guest intercept: Σ r
        for col in self.guest_cols:  # guest columns: Σ_i G_ij r_i, slots hidden by zero-sum masks
            acc = None
            for a, b in zip(r.chunks, col.chunks, strict=True):
                prod = a * b
                acc = prod if acc is None else acc + prod
            assert acc is not None
            blobs.append(bytes((acc + ckks.zero_sum_mask(ckks.SLOTS)).serialize()))
        self.step = "unmask"
        return "reg_grad", {"p_host": self.solver.X.shape[1]}, blobs

    def _reg_unmask(self, msg: Message) -> Reply:
        assert self.solver is not None
        sums = np.asarray(msg.meta["host_sums"], dtype=np.float64) - np.asarray(self.grad_masks)
        change = self.solver.step(self.solver.gradient(sums))
        self._announce()
        self.step = "reg"
        return "reg_update", {"centre": self.centre, "radius": self.radius, "host_change": change}, []

    def _reg_finish(self, msg: Message) -> Reply:
        assert self.solver is not None and self.settings is not None
        s = self.settings
        scaling = Scaling(s.pdo, s.base_score, s.base_odds)
        beta = self.solver.final()
        features, shift_sum = [], 0.0
        for j, b in zip(self.kept, beta, strict=True):
            if b == 0.0:
                continue
            fb = self.fitted[j]
            pts, shift = raw_points(scaling, float(b), fb.woe)
            shift_sum += shift
            features.append(CardFeature(rule=fb.rule, points=tuple(int(p) for p in pts), binning=fb,
                                        coefficient=float(b)))
        self.card = PartyCard(role="host", model_id=self.session, features=tuple(features), base_points=0,
                              scaling=scaling, partner_features=0)
        self.step = "finish"
        return "reg_done", {"host_shift": shift_sum, "host_features": len(features)}, []

    def _finish(self, msg: Message) -> Reply:
        assert self.card is not None
        c = self.card
        self.card = PartyCard(role="host", model_id=c.model_id, features=c.features,
                              base_points=int(msg.meta["base_points"]), scaling=c.scaling,
                              partner_features=int(msg.meta["guest_features"]))
        self.step = "done"
        return "finish_ok", {}, []
