"""Shell clusters: firms sharing an address, a phone or a legal representative, registered in a burst,
that show no real activity (no insured staff, no tax, no trade outside the cluster).

Bulk-registered shells are cheap to make and look alike: the same registered-agent address or phone,
one nominee person, registration dates within weeks, and nothing behind them. Each of the three
sharing keys is a grouping; per firm and key the strength is

``dormancy(firm) × mean dormancy of the other members × burst factor × size factor``

where dormancy weighs the missing activities (:data:`WEIGHTS`; trade counts as real in proportion
to the share of the invoiced volume outside the group and to that volume up to :data:`REAL_TRADE`),
the burst factor is the share of the :data:`BURST_PEERS` other members registered within
:data:`BURST_DAYS` days, and groups of fewer than three firms or more than :data:`MAX_GROUP` are
ignored (a 2-firm pair is not a cluster; a 5,000-firm business-centre address says nothing about one
firm). Trade only with members of the same group does not count as activity: a ring invoicing itself
is still a ring. The firm's strength is the largest over the keys; the evidence lists the peers of
every key that fired.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from firmscore.fraud.evidence import MAX_EVIDENCE, as_int, capped, factorize
from firmscore.fraud.inputs import FraudInputs
from firmscore.fraud.types import Typology, TypologyResult, empty_evidence, result
from firmscore.graph.shell import burst_counts
from firmscore.i18n import both

BURST_DAYS = 90
BURST_PEERS = 2
MIN_GROUP = 3
MAX_GROUP = 1000
#: weight of each missing activity in a firm's dormancy (sum 1)
WEIGHTS = {"staff": 0.40, "trade": 0.45, "tax": 0.15}
#: invoiced volume (CNY, 12 months) outside the group at which trade counts as fully real
REAL_TRADE = 300_000.0
#: at most this many insured employees count as "no staff" (3 or fewer count half: token staff)
NO_STAFF, TOKEN_STAFF = 1, 3
KEYS: tuple[tuple[str, str], ...] = (("addr_key", "address"), ("phone_key", "phone"), ("legal_rep_id", "legal_rep"))


def _staff(inputs: FraudInputs) -> np.ndarray:
    emp = np.fmax(inputs.firms["employees"].to_numpy(dtype=np.float64),
                  inputs.activity["head_now"].to_numpy(dtype=np.float64))
    emp = np.nan_to_num(emp, nan=0.0)
    return np.where(emp <= NO_STAFF, 1.0, np.where(emp <= TOKEN_STAFF, 0.5, 0.0))


def _external_trade(inputs: FraudInputs, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per firm: invoiced volume with counterparties outside its group, and its whole invoiced volume."""
    n = inputs.n
    inv = inputs.invoices
    s, b = inv["seller"].to_numpy(), inv["buyer"].to_numpy()
    gs = np.where(s < n, groups[np.minimum(s, n - 1)], -1) if n else s
    gb = np.where(b < n, groups[np.minimum(b, n - 1)], -1) if n else b
    internal = (gs >= 0) & (gs == gb)
    amt = inv["amount"].to_numpy(dtype=np.float64)
    ext, total = np.zeros(n), np.zeros(n)
    for side in (s, b):
        mine = side < n
        np.add.at(total, side[mine], amt[mine])
        np.add.at(ext, side[mine & ~internal], amt[mine & ~internal])
    return ext, total


def _dormancy(inputs: FraudInputs, staff: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per firm: dormancy in [0, 1] and the external share of its invoiced volume (1 with no invoices)."""
    act = inputs.activity
    tax = act["tax_recent"].to_numpy() + act["tax_prior"].to_numpy()
    no_tax = np.where(tax <= 0, 1.0, np.where(tax < 1000, 0.5, 0.0))
    ext, total = _external_trade(inputs, groups)
    # real trade is trade outside the group *and* of some size: a token purchase does not make a shell real
    no_trade = 1.0 - ext / np.maximum(total, 1e-9) * np.minimum(1.0, ext / REAL_TRADE)
    d = WEIGHTS["staff"] * staff + WEIGHTS["trade"] * no_trade + WEIGHTS["tax"] * no_tax
    return d, np.where(total > 0, ext / np.maximum(total, 1e-9), 1.0)


def _describe(kind: str, size: int, burst: int, staff: float, ext: float, tax: float) -> tuple[str, str]:
    gaps_zh, gaps_en = [], []
    if staff >= 1:
        gaps_zh.append("无参保员工")
        gaps_en.append("no insured staff")
    elif staff > 0:
        gaps_zh.append("参保员工不超过 3 人")
        gaps_en.append("at most 3 insured staff")
    if ext <= 0.5:
        gaps_zh.append(f"发票往来 {1 - ext:.0%} 在群内")
        gaps_en.append(f"{1 - ext:.0%} of its invoiced volume inside the group")
    if tax <= 0:
        gaps_zh.append("近 12 个月无纳税")
        gaps_en.append("no tax paid in 12 months")
    zh, en = both(f"fraud.shell.{kind}", size=size, burst=burst, days=BURST_DAYS)
    zh_gaps, en_gaps = "、".join(gaps_zh or ["活动很少"]), ", ".join(gaps_en or ["little activity"])
    return f"{zh}；{zh_gaps}。", f"{en}; {en_gaps}."


def detect_shell_clusters(inputs: FraudInputs) -> TypologyResult:
    """Per-firm shell-cluster strength with the peers, their records and the shared key as the path."""
    n = inputs.n
    firms = inputs.firms
    active = firms["active"].to_numpy(dtype=bool)
    days = firms["est_day"].to_numpy(dtype=np.int64)
    days = np.where(days < 0, np.iinfo(np.int64).min, days)
    staff = _staff(inputs)
    tax = inputs.activity["tax_recent"].to_numpy() + inputs.activity["tax_prior"].to_numpy()
    best = np.zeros(n)
    per_key: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for col, kind in KEYS:
        groups = factorize(firms[col], active)
        size = np.bincount(groups[groups >= 0], minlength=int(groups.max()) + 1 if groups.size else 0)
        gsize = np.where(groups >= 0, size[np.maximum(groups, 0)] if size.size else 0, 0)
        groups = np.where((gsize >= MIN_GROUP) & (gsize <= MAX_GROUP), groups, -1)
        gsize = np.where(groups >= 0, gsize, 0)
        dorm, ext = _dormancy(inputs, staff, groups)  # ext: external share of invoiced volume
        gsum = np.bincount(groups[groups >= 0], weights=dorm[groups >= 0],
                           minlength=size.size) if size.size else np.zeros(0)
        peer = np.where(groups >= 0, (gsum[np.maximum(groups, 0)] - dorm) / np.maximum(gsize - 1, 1) if gsum.size
                        else 0.0, 0.0)
        burst = burst_counts(groups, days, BURST_DAYS)
        s = dorm * peer * np.minimum(1.0, burst / BURST_PEERS) * np.minimum(1.0, (gsize - 1) / (MIN_GROUP - 1))
        s = np.where(groups >= 0, s, 0.0)
        best = np.maximum(best, s)
        per_key.append((kind, groups, s, burst, gsize, ext))
    flagged = np.flatnonzero(best > 0)
    if flagged.size == 0:
        return result(Typology.SHELL_CLUSTER, best, empty_evidence())
    ids = firms["enterprise_id"].to_numpy(dtype=object)
    recs = firms["record_id"].to_numpy(dtype=object)
    rows: dict[int, dict[str, list[str]]] = {int(i): {"r": [str(recs[i])], "p": [], "zh": [], "en": []}
                                             for i in flagged}
    for kind, groups, s, burst, gsize, ext in per_key:
        hit = flagged[s[flagged] > 0]
        if hit.size == 0:
            continue
        wanted = np.unique(groups[hit])
        members = pd.DataFrame({"g": groups, "i": np.arange(n), "day": days})
        members = members[members["g"].isin(wanted)].sort_values(["g", "day", "i"], kind="stable")
        by_group = {as_int(g): frame["i"].to_numpy() for g, frame in members.groupby("g", sort=False)}
        for i in hit:
            peers = [int(j) for j in by_group[int(groups[i])] if j != i and abs(days[j] - days[i]) <= BURST_DAYS]
            peers = peers[:MAX_EVIDENCE]
            entry = rows[int(i)]
            entry["r"] += [str(recs[j]) for j in peers]
            entry["p"] += [f"{ids[i]} -[shared_{kind}]- {ids[j]}" for j in peers[:5]]
            zh, en = _describe(kind, int(gsize[i]), int(burst[i]), float(staff[i]), float(ext[i]), float(tax[i]))
            entry["zh"].append(zh)
            entry["en"].append(en)
    ev = pd.DataFrame({
        "firm": np.array(list(rows), dtype=np.int64),
        "record_ids": [capped(v["r"]) for v in rows.values()],
        "paths": [capped(v["p"]) for v in rows.values()],
        "explanation_zh": [" ".join(v["zh"]) for v in rows.values()],
        "explanation_en": [" ".join(v["en"]) for v in rows.values()],
    })
    return result(Typology.SHELL_CLUSTER, best, ev)
