"""Bust-outs (突击做大流水): turnover that jumps in the last months while nothing that real growth needs
moves with it: the same headcount, the same tax, the same few counterparties.

Per firm, with monthly invoiced sales ``m_0`` (the 30 days up to D) … ``m_11``: ``jump = mean(m_0..m_2) /
mean(m_3..m_11)``. The jump factor ``clip(log(jump / JUMP_FLOOR) / log(JUMP_FULL / JUMP_FLOOR), 0, 1)``
is 0 below a doubling and 1 from an eight-fold rise. Each consistency check gives 1 when it contradicts
the jump and 0 when it keeps pace (headcount and tax growing at least like ``sqrt(jump)``):

* headcount: latest social-insurance headcount against the one of six months before;
* tax: daily tax paid in the recent window against the earlier one;
* counterparties: recent buyers no more than :data:`FEW_BUYERS` (or no more than before).

``strength = jump factor · (0.4 · headcount + 0.4 · tax + 0.2 · counterparties) · (1 − own-group share)``,
the last factor removing recent sales to firms that share the seller's address, phone or legal
representative (a ring invoicing itself is the shell detector's case); firms whose recent
monthly sales stay under :data:`MIN_MONTHLY` are ignored (a jump from ¥1,000 to ¥10,000 is noise). A check
whose quantity has no record at all (a source without social-insurance or tax data, such as cumcm2020c)
counts :data:`UNKNOWN` and is named as missing in the explanation, not as "unchanged".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from firmscore.fraud.evidence import as_int, capped, money
from firmscore.fraud.inputs import LOOKBACK_DAYS, RECENT_DAYS, FraudInputs
from firmscore.fraud.types import Typology, TypologyResult, empty_evidence, result
from firmscore.i18n import both

JUMP_FLOOR, JUMP_FULL = 2.0, 8.0
MIN_MONTHLY = 100_000.0
FEW_BUYERS = 3
WEIGHTS = (0.4, 0.4, 0.2)
#: the value of a check whose quantity has no record at all (no social-insurance or tax data)
UNKNOWN = 0.5


def _lagging(growth: np.ndarray, jump: np.ndarray) -> np.ndarray:
    """1 when ``growth`` does not keep pace with the jump (below sqrt(jump)), fading to 0 at the jump itself."""
    g = np.maximum(np.nan_to_num(growth, nan=1.0), 1e-9)
    lj = np.log(np.maximum(jump, 1.0 + 1e-9))
    return np.clip(1.0 - np.log(np.maximum(g, 1.0)) / lj, 0.0, 1.0) * np.where(g < np.sqrt(jump), 1.0, 0.5)


def _sales_to_own_group(inputs: FraudInputs) -> np.ndarray:
    """Per firm: the share of its recent sales that go to firms sharing its address, phone or legal
    representative — a ring invoicing itself (a shell cluster's pattern), not one firm's ramp-up."""
    n = inputs.n
    inv = inputs.invoices
    recent = inv[(inv["day"] > inputs.as_of_day - RECENT_DAYS) & (inv["seller"] < n) & (inv["buyer"] < n)]
    s, b = recent["seller"].to_numpy(), recent["buyer"].to_numpy()
    same = np.zeros(s.size, dtype=bool)
    for col in ("addr_key", "phone_key", "legal_rep_id"):
        key = inputs.firms[col].to_numpy(dtype=object)
        same |= pd.notna(key[s]) & (key[s] == key[b])
    own = np.zeros(n)
    amount = recent["amount"].to_numpy(dtype=np.float64)
    np.add.at(own, s[same], amount[same])
    all_recent = np.zeros(n)
    every = inv[(inv["day"] > inputs.as_of_day - RECENT_DAYS) & (inv["seller"] < n)]
    np.add.at(all_recent, every["seller"].to_numpy(), every["amount"].to_numpy(dtype=np.float64))
    return np.where(all_recent > 0, own / np.maximum(all_recent, 1e-9), 0.0)


def detect_bust_outs(inputs: FraudInputs) -> TypologyResult:
    """Per-firm bust-out strength with the recent invoices and the checks that contradict the jump."""
    n = inputs.n
    m = inputs.monthly_sales
    recent = m[:, :3].mean(axis=1) if n else np.zeros(0)
    base = m[:, 3:].mean(axis=1) if n else np.zeros(0)
    jump = np.where(base > 0, recent / np.maximum(base, 1e-9), np.where(recent > 0, JUMP_FULL, 0.0))
    jf = np.clip(np.log(np.maximum(jump, 1e-9) / JUMP_FLOOR) / np.log(JUMP_FULL / JUMP_FLOOR), 0.0, 1.0)
    jf = np.where((recent >= MIN_MONTHLY) & inputs.firms["active"].to_numpy(dtype=bool), jf, 0.0)
    act = inputs.activity
    head_g = act["head_now"].to_numpy() / np.maximum(act["head_before"].to_numpy(), 1.0)
    rate_recent = act["tax_recent"].to_numpy() / RECENT_DAYS
    rate_prior = act["tax_prior"].to_numpy() / (LOOKBACK_DAYS - RECENT_DAYS)
    tax_g = np.where(rate_prior > 0, rate_recent / np.maximum(rate_prior, 1e-9), np.where(rate_recent > 0, 10.0, 1.0))
    buyers = act["buyers_recent"].to_numpy()
    few = np.where((buyers <= FEW_BUYERS) | (buyers <= act["buyers_prior"].to_numpy() / 3.0), 1.0, 0.0)
    no_head = np.isnan(act["head_now"].to_numpy(dtype=np.float64))
    no_tax = (act["tax_recent"].to_numpy() + act["tax_prior"].to_numpy()) <= 0
    # a check without any record says nothing either way: half weight, and the explanation says so
    h = np.where(no_head, UNKNOWN, _lagging(head_g, jump))
    t = np.where(no_tax, UNKNOWN, _lagging(tax_g, jump))
    strength = jf * (WEIGHTS[0] * h + WEIGHTS[1] * t + WEIGHTS[2] * few) * (1.0 - _sales_to_own_group(inputs))
    flagged = np.flatnonzero(strength > 0)
    if flagged.size == 0:
        return result(Typology.BUST_OUT, strength, empty_evidence())
    inv = inputs.invoices
    lo = inputs.as_of_day - RECENT_DAYS
    rec = inv[inv["seller"].isin(flagged) & (inv["day"] > lo)].sort_values(
        ["seller", "amount", "day"], ascending=[True, False, False], kind="stable")
    by_seller = {as_int(s): g for s, g in rec.groupby("seller", sort=False)}
    ids = inputs.firms["enterprise_id"].to_numpy(dtype=object)
    recs = inputs.firms["record_id"].to_numpy(dtype=object)
    rows = []
    empty = pd.DataFrame(columns=inv.columns)
    tax_records: list[list[str]] = act["tax_records"].tolist()
    for i in flagged:
        g = by_seller.get(int(i), empty)
        record_ids = [str(recs[i]), *g["record_id"].astype(str).tolist()[:8], *tax_records[i][:3]]
        paths = [f"{ids[i]} -[trade {money(float(a))}]-> {inputs.node_id(int(b))}"
                 for b, a in zip(g["buyer"].to_numpy()[:5], g["amount"].to_numpy()[:5], strict=True)]
        head_zh, head_en = (("无记录", "no headcount records") if no_head[i] else
                            (f"变化 {head_g[i]:.2f} 倍", f"headcount changed {head_g[i]:.2f}×"))
        tax_zh, tax_en = (("无记录", "no tax records") if no_tax[i] else
                          (f"变化 {tax_g[i]:.2f} 倍", f"tax {tax_g[i]:.2f}×"))
        zh, en = both("fraud.bust_out", jump=float(jump[i]), recent=money(float(recent[i])),
                      base=money(float(base[i])), head_zh=head_zh, head_en=head_en, tax_zh=tax_zh, tax_en=tax_en,
                      buyers=int(buyers[i]))
        rows.append((int(i), capped(record_ids), paths, zh, en))
    ev = pd.DataFrame(rows, columns=["firm", "record_ids", "paths", "explanation_zh", "explanation_en"])
    return result(Typology.BUST_OUT, strength, ev)
