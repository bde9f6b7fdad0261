"""Plant fraud typologies into a generated universe, from a :class:`FraudPlantConfig`, with their truth.

Runs after :func:`firmscore.synth.generate` on its output folder and adds, beside the generator's
parts, ``<record_type>/part-fraud.parquet`` (new firms, persons, relations and events in the same output
schema, so ``firmscore ingest --source synth`` takes them unchanged) and ``truth/fraud_truth.parquet``:
one row per (enterprise, typology) that is fraud by construction — ``enterprise_id``, ``typology``,
``plant_id``, ``origin`` (``planted``, or ``generator`` for the generator's own fraud rings, which are
shell clusters invoicing each other, and its guarantee circles) and ``camouflage``.

What is planted (every random draw from one seeded stream, so the same universe, configuration and
seed give the same files):

* **shell clusters** — new limited companies sharing an address, a phone or one nominee legal
  representative, registered within ``spread_days``, with no staff, tax or trade (camouflage: token
  staff, a token tax payment, a small purchase from a real firm);
* **invoice round trips** — real trading firms invoice the same amount around a loop of 2–5 firms,
  hop after hop within days, for several rounds (camouflage: amount jitter, slower hops, fewer rounds,
  loops longer than a detector may search);
* **phoenix pairs** — a new person's old firm leaves the market with enforcement (and dishonest-debtor)
  records, and the same person's new firm, with real activity, shares its industry and/or address;
  plus innocent restarts as decoys (not in the truth);
* **bust-outs** — real firms with steady sales whose last three months jump to a few new buyers while
  headcount and tax stay (camouflage: tax or headcount partly follow, more buyers, smaller jumps);
* **guarantee circles** — real firms guaranteeing each other around a loop (camouflage: guarantees to
  outsiders, loops longer than six);
* **identity reuse** — one identity as legal representative of new firms in several cities within a
  window (camouflage: a wider window, fewer firms, a real person's identity).

Generator firms in fraud rings or guarantee circles are never used as hosts, so each label has one cause.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from firmscore.synth.assemble import PERSON_DIVISIONS
from firmscore.synth.config import PERSONS_PER_BLOCK, to_day
from firmscore.synth.frames import SOURCE
from firmscore.synth.fraud_config import FraudPlantConfig
from firmscore.synth.identity import resident_ids, uscc_codes
from firmscore.synth.schema import output_schema
from firmscore.synth.strings import digit_matrix

PART = "part-fraud.parquet"
TRUTH_FILE = "fraud_truth.parquet"
#: planted firm indexes start here (above any universe the generator writes at this scale)
FIRM_INDEX_BASE = 40_000_000
_EPOCH = date(1970, 1, 1)
TRUTH_SCHEMA = pa.schema([
    pa.field("enterprise_id", pa.string(), nullable=False),
    pa.field("typology", pa.string(), nullable=False),
    pa.field("plant_id", pa.string(), nullable=False),
    pa.field("origin", pa.string(), nullable=False),
    pa.field("camouflage", pa.string()),
])


def _d(day: int) -> date:
    return _EPOCH + timedelta(days=int(day))


@dataclass
class PlantSummary:
    """Counts of what was planted (firms per typology, records per type)."""

    truth_firms: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)


class _Universe:
    """What the planter needs to know about the generated universe."""

    def __init__(self, out: Path) -> None:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        self.as_of = date.fromisoformat(manifest["as_of"])
        self.as_of_day = to_day(self.as_of)
        self.n = int(manifest["n_enterprises"])
        self.seed = int(manifest["seed"])
        cols = ["enterprise_id", "legal_rep_id", "industry", "region", "status", "effective_to", "insured_employees",
                "registered_capital", "established_date"]
        ent = ds.dataset(out / "enterprise", format="parquet").to_table(columns=cols).to_pandas()
        truth = pq.read_table(out / "truth" / "enterprise_truth.parquet",
                              columns=["enterprise_id", "active_at_as_of", "fraud_ring_id",
                                       "guarantee_circle_id"]).to_pandas()
        ent = ent.merge(truth, on="enterprise_id", how="left")
        self.truth = truth
        inv = ds.dataset(out / "event", format="parquet").to_table(
            columns=["subject_id", "counterparty_id", "amount", "effective_from"],
            filter=(pc.field("event_type") == "invoice_out") & (pc.field("code") == "valid")).to_pandas()
        day = (inv["effective_from"].astype("datetime64[s]").astype("int64") // 86400).to_numpy()
        inv = inv.assign(day=day)
        inv = inv[(day > self.as_of_day - 365) & (day <= self.as_of_day) & (inv["amount"] > 0)]
        month = (self.as_of_day - inv["day"]) // 30
        sales = inv.assign(month=month.clip(upper=11)).groupby(["subject_id", "month"])["amount"].sum().unstack(
            fill_value=0.0)
        sales = sales.reindex(columns=range(12), fill_value=0.0)
        ent = ent.merge(sales.rename(columns=lambda m: f"m{m}"), left_on="enterprise_id", right_index=True,
                        how="left")
        for m in range(12):
            ent[f"m{m}"] = ent[f"m{m}"].fillna(0.0)
        self.buyers = inv.groupby("subject_id")["counterparty_id"].agg(set).to_dict()
        clean = ent["fraud_ring_id"].isna() & ent["guarantee_circle_id"].isna() & ent["active_at_as_of"].fillna(False)
        self.ent = ent
        self.hosts = ent[clean & (ent["status"] == "in_business")].reset_index(drop=True)
        self.regions = sorted(set(ent["region"].dropna().astype(str)))
        self.industries = sorted(set(ent["industry"].dropna().astype(str)))
        persons = ds.dataset(out / "person", format="parquet").to_table(columns=["id_number"]).column("id_number")
        self.n_blocks_persons = (len(persons) // PERSONS_PER_BLOCK) + 64


class _Planter:
    """Collects the planted rows and truth, one typology at a time."""

    def __init__(self, u: _Universe, cfg: FraudPlantConfig, seed: int) -> None:
        self.u = u
        self.cfg = cfg
        self.rng = np.random.default_rng([u.seed, seed, 0xF4A0D])
        self.rows: dict[str, list[dict[str, Any]]] = {"enterprise": [], "person": [], "relation": [], "event": []}
        self.truth: list[dict[str, Any]] = []
        self.next_firm = FIRM_INDEX_BASE
        self.next_person = u.n_blocks_persons * PERSONS_PER_BLOCK
        self.serial = 0
        self.used_hosts: set[str] = set()

    # ---------------------------------------------------------------- record builders

    def _srid(self, kind: str) -> str:
        self.serial += 1
        return f"FP-{kind}-{self.serial:08d}"

    def _observed(self, day: int, lag: int = 3) -> datetime:
        d = min(int(day) + lag, self.u.as_of_day)
        return datetime(1970, 1, 1, 10, tzinfo=UTC) + timedelta(days=d)

    def person(self, birth_year: int | None = None) -> str:
        idx = np.array([self.next_person])
        self.next_person += 1
        year = np.array([birth_year or int(self.rng.integers(1960, 1998))])
        ids, _ = resident_ids(self.u.seed, idx, digit_matrix(PERSON_DIVISIONS, 6), year, self.rng.random(1))
        pid = str(ids[0].as_py())
        first = self.u.as_of_day - 3000
        self.rows["person"].append({
            "id_number": pid, "name": "王" + "伟芳娜敏静丽强磊军洋"[int(self.rng.integers(0, 10))],
            "phone": self.phone(),
            "birth_year": int(year[0]), "source": SOURCE, "source_record_id": self._srid("PS"),
            "observed_at": self._observed(first), "effective_from": _d(first), "effective_to": None,
            "legal_expiry": None})
        return pid

    def phone(self) -> str:
        return "13" + "".join(str(x) for x in self.rng.integers(0, 10, 9))

    def address(self, region: str) -> str:
        self.serial += 1
        return f"合成{region}区兴业路{self.serial % 997 + 1}号{self.serial // 997 + 1}层{self.serial}室"

    def firm(self, *, region: str, est: int, legal_rep: str, industry: str, address: str, phone: str,
             employees: int, status: str = "in_business", exit_day: int | None = None,
             capital: float = 1_000_000.0) -> str:
        prefix = np.frombuffer(b"91", dtype=np.uint8)[None, :]
        code = str(uscc_codes(self.u.seed, np.array([self.next_firm]), prefix,
                              digit_matrix(np.array([int(region)]), 6))[0].as_py())
        self.next_firm += 1
        seen = exit_day if exit_day is not None else est
        self.rows["enterprise"].append({
            "enterprise_id": code, "uscc": code, "name": f"合成{industry}{self.next_firm % 100000}有限公司",
            "legal_rep_id": legal_rep, "established_date": _d(est), "registered_capital": capital,
            "paid_in_capital": 0.0, "industry": industry, "region": region, "enterprise_type": "limited_company",
            "status": status, "insured_employees": int(employees), "address": address, "phone": phone,
            "platform_member_since": None, "source": SOURCE, "source_record_id": self._srid("EN"),
            "observed_at": self._observed(seen), "effective_from": _d(est),
            "effective_to": _d(exit_day) if exit_day is not None else None, "legal_expiry": None})
        self.relation("legal_representative", legal_rep, code, est, src_type="person")
        return code

    def relation(self, kind: str, src: str, dst: str, start: int, *, src_type: str = "enterprise",
                 amount: float | None = None) -> None:
        self.rows["relation"].append({
            "relation_type": kind, "src_type": src_type, "src_id": src, "dst_type": "enterprise", "dst_id": dst,
            "share": None, "amount": amount, "attrs": None, "source": SOURCE, "source_record_id": self._srid("RL"),
            "observed_at": self._observed(start, 5), "effective_from": _d(start), "effective_to": None,
            "legal_expiry": None})

    def event(self, kind: str, subject: str, day: int, *, amount: float | None = None, value: float | None = None,
              code: str | None = None, counterparty: str | None = None, end: int | None = None,
              expiry_years: int | None = None) -> None:
        base = end if end is not None else day
        self.rows["event"].append({
            "event_type": kind, "subject_type": "enterprise", "subject_id": subject, "amount": amount,
            "value": value, "code": code, "counterparty_id": counterparty, "attrs": None, "source": SOURCE,
            "source_record_id": self._srid("EV"), "observed_at": self._observed(day, 2), "effective_from": _d(day),
            "effective_to": _d(end) if end is not None else None,
            "legal_expiry": _d(base + 365 * expiry_years) if expiry_years else None})

    def invoice(self, seller: str, buyer: str, day: int, amount: float) -> None:
        amount = round(float(amount), 2)
        self.event("invoice_out", seller, day, amount=amount, value=1.0, code="valid", counterparty=buyer)
        self.event("invoice_in", buyer, day, amount=amount, value=1.0, code="valid", counterparty=seller)

    def label(self, firms: list[str], typology: str, plant_id: str, camouflage: list[str]) -> None:
        for f in firms:
            self.truth.append({"enterprise_id": f, "typology": typology, "plant_id": plant_id, "origin": "planted",
                               "camouflage": ",".join(camouflage) or None})

    def count(self, per_10k: float) -> int:
        return int(self.rng.poisson(per_10k * self.u.n / 10_000))

    def take_hosts(self, k: int, mask: np.ndarray | None = None) -> list[int]:
        """``k`` host rows not used by another plant (indexes into ``u.hosts``)."""
        h = self.u.hosts
        free = ~h["enterprise_id"].isin(self.used_hosts).to_numpy()
        if mask is not None:
            free &= mask
        cand = np.flatnonzero(free)
        if cand.size < k:
            return []
        pick = [int(i) for i in self.rng.choice(cand, size=k, replace=False)]
        self.used_hosts.update(h["enterprise_id"].iloc[pick].tolist())
        return pick

    def region_city(self, k: int) -> list[str]:
        """``k`` regions of distinct cities."""
        by_city: dict[str, str] = {}
        for r in self.rng.permutation(self.u.regions):
            by_city.setdefault(str(r)[:4], str(r))
        cities = list(by_city.values())
        return [cities[i] for i in self.rng.choice(len(cities), size=min(k, len(cities)), replace=False)]

    def real_buyers(self, k: int) -> list[str]:
        h = self.u.hosts["enterprise_id"].to_numpy(dtype=object)
        return [str(x) for x in self.rng.choice(h, size=k, replace=False)]

    def steady_activity(self, firm: str, est: int, employees: int) -> None:
        """Tax, headcount and a few real customers: a firm that is really in business."""
        start = max(est, self.u.as_of_day - 360)
        for buyer in self.real_buyers(int(self.rng.integers(2, 5))):
            for day in range(start + 10, self.u.as_of_day, 30):
                if self.rng.random() < 0.6:
                    self.invoice(firm, buyer, day, float(np.round(np.exp(self.rng.normal(11.5, 0.6)), -2)))
        for day in range(start + 45, self.u.as_of_day, 91):
            self.event("tax_payment", firm, day, amount=float(np.round(np.exp(self.rng.normal(8.5, 0.4)), 2)))
        self.event("social_insurance", firm, self.u.as_of_day - 30, value=float(employees))


# -------------------------------------------------------------------- typologies


def _shells(p: _Planter) -> None:
    plan = p.cfg.shell
    for c in range(p.count(plan.clusters_per_10k)):
        k = int(p.rng.integers(plan.size[0], plan.size[1] + 1))
        key = ("address", "phone", "legal_rep")[int(p.rng.choice(3, p=np.array(plan.key_mix) / sum(plan.key_mix)))]
        region = p.region_city(1)[0]
        industry = str(p.rng.choice(p.u.industries))
        start = p.u.as_of_day - int(p.rng.integers(120, 700))
        shared_addr, shared_phone = p.address(region), p.phone()
        nominee = p.person() if key == "legal_rep" else None
        for _ in range(k):
            camo: list[str] = []
            staff = int(p.rng.integers(2, 4)) if p.rng.random() < plan.token_staff_share else int(p.rng.integers(0, 2))
            est = start + int(p.rng.integers(0, plan.spread_days + 1))
            f = p.firm(region=region, est=est, legal_rep=nominee or p.person(), industry=industry,
                       address=shared_addr if key == "address" else p.address(region),
                       phone=shared_phone if key == "phone" else p.phone(), employees=staff)
            if staff >= 2:
                p.event("social_insurance", f, p.u.as_of_day - 40, value=float(staff))
                camo.append("token_staff")
            if p.rng.random() < plan.tiny_tax_share:
                p.event("tax_payment", f, p.u.as_of_day - int(p.rng.integers(20, 200)), amount=float(
                    p.rng.integers(100, 900)))
                camo.append("token_tax")
            if p.rng.random() < plan.outside_purchase_share:
                seller = p.real_buyers(1)[0]
                p.invoice(seller, f, p.u.as_of_day - int(p.rng.integers(10, 300)), float(p.rng.integers(2, 50)) * 1000)
                camo.append("outside_purchase")
            p.label([f], "shell_cluster", f"shell-{c}:{key}", camo)  # camouflage is per shell


def _round_trips(p: _Planter) -> None:
    plan = p.cfg.round_trip
    h = p.u.hosts
    traders = (h[[f"m{m}" for m in range(12)]].to_numpy() > 0).sum(axis=1) >= 6
    for c in range(p.count(plan.rings_per_10k)):
        k = int(p.rng.integers(plan.length[0], plan.length[1] + 1))
        rows = p.take_hosts(k, traders)
        if not rows:
            continue
        members = h["enterprise_id"].iloc[rows].astype(str).tolist()
        scale = float(np.median(h[[f"m{m}" for m in range(12)]].iloc[rows].to_numpy().mean(axis=1)))
        rounds = int(p.rng.integers(plan.rounds[0], plan.rounds[1] + 1))
        starts = np.sort(p.rng.choice(np.arange(p.u.as_of_day - 330, p.u.as_of_day - 40, 45), size=min(rounds, 6),
                                      replace=False))
        camo = [f"jitter={plan.amount_jitter:g}", f"delay<={plan.hop_delay_days[1]}"]
        if k > 4:
            camo.append("long_loop")
        for day0 in starts:
            amount = float(np.round(scale * p.rng.uniform(0.5, 2.0), -3)) or 100_000.0
            day = int(day0)
            for i in range(k):
                a = amount * (1 + p.rng.uniform(-plan.amount_jitter, plan.amount_jitter))
                p.invoice(members[i], members[(i + 1) % k], day, a)
                day += int(p.rng.integers(plan.hop_delay_days[0], plan.hop_delay_days[1] + 1))
        p.label(members, "round_trip", f"ring-{c}:{k}x{len(starts)}", camo)


def _phoenix(p: _Planter) -> None:
    plan = p.cfg.phoenix
    for c in range(p.count(plan.pairs_per_10k) + p.count(plan.decoys_per_10k)):
        decoy = c >= 0 and p.rng.random() < plan.decoys_per_10k / max(plan.decoys_per_10k + plan.pairs_per_10k, 1e-9)
        region = p.region_city(1)[0]
        industry = str(p.rng.choice(p.u.industries))
        person = p.person()
        exit_day = p.u.as_of_day - int(p.rng.integers(200, 900))
        est_old = exit_day - int(p.rng.integers(700, 2500))
        addr = p.address(region)
        old = p.firm(region=region, est=est_old, legal_rep=person, industry=industry, address=addr, phone=p.phone(),
                     employees=int(p.rng.integers(3, 30)), status=str(p.rng.choice(["cancelled", "revoked"])),
                     exit_day=exit_day)
        same_addr = p.rng.random() < plan.same_address
        same_ind = p.rng.random() < plan.same_industry
        if not decoy and not (same_addr or same_ind):
            same_ind = True
        if decoy:
            same_ind, same_addr = True, p.rng.random() < 0.3
        else:
            for _ in range(int(p.rng.integers(1, 4))):
                day = exit_day - int(p.rng.integers(30, 400))
                p.event("enforcement", old, day, amount=float(np.round(np.exp(p.rng.normal(12.5, 1.0)), -2)),
                        expiry_years=5)
            if p.rng.random() < plan.dishonest:
                p.event("dishonest_listing", old, exit_day - int(p.rng.integers(10, 200)), expiry_years=5)
        p.event("status_change", old, exit_day, code="cancelled")
        est_new = exit_day + int(p.rng.integers(-120, 400))
        est_new = min(est_new, p.u.as_of_day - 60)
        employees = int(p.rng.integers(3, 25))
        new = p.firm(region=region, est=est_new, legal_rep=person,
                     industry=industry if same_ind else str(p.rng.choice(p.u.industries)),
                     address=addr if same_addr else p.address(region), phone=p.phone(), employees=employees)
        p.steady_activity(new, est_new, employees)
        if not decoy:
            camo = [x for x, ok in (("other_address", not same_addr), ("other_industry", not same_ind)) if ok]
            p.label([new], "phoenix", f"phoenix-{c}", camo)


def _bust_outs(p: _Planter) -> None:
    plan = p.cfg.bust_out
    h = p.u.hosts
    m = h[[f"m{k}" for k in range(12)]].to_numpy()
    steady = ((m[:, 3:] > 0).sum(axis=1) >= 7) & (m[:, 3:].mean(axis=1) >= 50_000)
    for c in range(p.count(plan.per_10k)):
        rows = p.take_hosts(1, steady)
        if not rows:
            continue
        r = rows[0]
        firm = str(h["enterprise_id"].iat[r])
        base = float(m[r, 3:].mean())
        jump = float(p.rng.uniform(*plan.jump))
        extra = (jump - 1.0) * base * 3.0 + max(0.0, base * 3.0 - float(m[r, :3].sum()))
        known = p.u.buyers.get(firm, set())
        candidates = [b for b in p.real_buyers(20) if b not in known and b != firm]
        n_buyers = int(p.rng.integers(plan.new_buyers[0], plan.new_buyers[1] + 1))
        buyers = candidates[:n_buyers]
        camo: list[str] = []
        n_inv = max(3, 2 * len(buyers))
        for i in range(n_inv):
            day = p.u.as_of_day - int(p.rng.integers(3, 85))
            p.invoice(firm, buyers[i % len(buyers)], day, float(np.round(extra / n_inv, -2)))
        if p.rng.random() < plan.tax_follow_share:
            p.event("tax_payment", firm, p.u.as_of_day - 5, amount=float(np.round(extra * 0.01, 2)))
            camo.append("tax_follows")
        if p.rng.random() < plan.headcount_follow_share:
            head = float(np.nan_to_num(h["insured_employees"].iat[r], nan=5.0))
            p.event("social_insurance", firm, p.u.as_of_day - 10, value=float(np.ceil(max(head, 2.0) * 1.6)))
            camo.append("headcount_follows")
        if len(buyers) > 3:
            camo.append("many_buyers")
        p.label([firm], "bust_out", f"bust-{c}:x{jump:.1f}", camo)


def _guarantees(p: _Planter) -> None:
    plan = p.cfg.guarantee
    h = p.u.hosts
    for c in range(p.count(plan.circles_per_10k)):
        k = int(p.rng.integers(plan.length[0], plan.length[1] + 1))
        rows = p.take_hosts(k)
        if not rows:
            continue
        members = h["enterprise_id"].iloc[rows].astype(str).tolist()
        start = p.u.as_of_day - int(p.rng.integers(30, 500))
        for i in range(k):
            p.relation("guarantee", members[i], members[(i + 1) % k], start + int(p.rng.integers(0, 20)),
                       amount=float(np.round(np.exp(p.rng.normal(13.5, 0.6)), -4)))
        camo = ["long_loop"] if k > 6 else []
        if p.rng.random() < plan.padding_share:
            for g in members:
                for outsider in p.real_buyers(int(p.rng.integers(1, 3))):
                    if outsider not in members:
                        p.relation("guarantee", g, outsider, start, amount=float(np.round(np.exp(
                            p.rng.normal(13.0, 0.6)), -4)))
            camo.append("padded")
        p.label(members, "guarantee_circle", f"circle-{c}:{k}", camo)


def _identities(p: _Planter) -> None:
    plan = p.cfg.identity
    h = p.u.hosts
    for c in range(p.count(plan.persons_per_10k)):
        k = int(p.rng.integers(plan.firms[0], plan.firms[1] + 1))
        camo = [f"window={plan.window_days}"]
        person = None
        if p.rng.random() < plan.existing_person_share:
            rows = p.take_hosts(1, h["legal_rep_id"].notna().to_numpy())
            if rows:
                person = str(h["legal_rep_id"].iat[rows[0]])
                camo.append("real_person")
        person = person or p.person()
        start = p.u.as_of_day - int(p.rng.integers(plan.window_days + 30, plan.window_days + 400))
        firms = []
        for region in p.region_city(k):
            est = start + int(p.rng.integers(0, plan.window_days + 1))
            employees = int(p.rng.integers(0, 12))
            f = p.firm(region=region, est=est, legal_rep=person, industry=str(p.rng.choice(p.u.industries)),
                       address=p.address(region), phone=p.phone(), employees=employees)
            if employees > 2:
                p.steady_activity(f, est, employees)
            firms.append(f)
        p.label(firms, "identity_reuse", f"identity-{c}:{k}", camo)


def _generator_labels(p: _Planter) -> None:
    """The generator's own fraud (rings: shells invoicing each other; guarantee circles), labelled as such."""
    t = p.u.truth
    for col, typology in (("fraud_ring_id", "shell_cluster"), ("guarantee_circle_id", "guarantee_circle")):
        sel = t[t[col].notna()]
        for eid, gid in zip(sel["enterprise_id"], sel[col], strict=True):
            p.truth.append({"enterprise_id": str(eid), "typology": typology, "plant_id": f"generator-{col}-{gid}",
                            "origin": "generator", "camouflage": None})


def plant_fraud(universe: str | Path, config: FraudPlantConfig, *, seed: int) -> PlantSummary:
    """Plant ``config`` into the universe at ``universe`` (adds ``part-fraud.parquet`` files and the truth)."""
    out = Path(universe)
    u = _Universe(out)
    p = _Planter(u, config, seed)
    for step in (_shells, _round_trips, _phoenix, _bust_outs, _guarantees, _identities, _generator_labels):
        step(p)
    summary = PlantSummary()
    for rt, rows in p.rows.items():
        schema = output_schema(rt)
        table = pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()
        (out / rt).mkdir(parents=True, exist_ok=True)
        pq.write_table(table, out / rt / PART, compression="snappy")
        summary.records[rt] = table.num_rows
    truth = pa.Table.from_pylist(p.truth, schema=TRUTH_SCHEMA)
    pq.write_table(truth, out / "truth" / TRUTH_FILE)
    (out / "truth" / "fraud_plan.json").write_text(json.dumps({"seed": seed, **config.to_dict()}, indent=1,
                                                              ensure_ascii=False), encoding="utf-8")
    for ty in sorted(set(truth.column("typology").to_pylist())):
        summary.truth_firms[ty] = len({r["enterprise_id"] for r in p.truth if r["typology"] == ty})
    return summary
