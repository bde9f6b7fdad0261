"""Ties between the firms of a block: equity investments, loan guarantees (with circles), branches
and shared addresses or phones.

Calibration (``docs/synthetic-data.md`` §3): 7 % of companies invest, out-degree power law
(α ≈ 2.4), in-degree mostly 1, 31 % of stakes are 100 %, two thirds stay in the community; a
quarter of borrowers have a corporate guarantor chosen in proportion to capital^0.7 (large firms
become star guarantors), and about a third of communities hold one guarantee circle (mutual pairs
or 3-4 cycles) among small borrowers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmscore.synth.config import COMMUNITY_SIZE, SynthConfig
from firmscore.synth.people import Roles
from firmscore.synth.population import Firms
from firmscore.synth.tables import JOINT_STOCK, LIMITED


@dataclass
class Network:
    """Edges inside a block (local firm indices)."""

    inv_src: np.ndarray
    inv_dst: np.ndarray
    inv_share: np.ndarray
    inv_day: np.ndarray
    g_src: np.ndarray  # guarantor
    g_dst: np.ndarray  # borrower
    g_circle: np.ndarray  # circle id (global) or -1
    address_owner: np.ndarray  # per firm: whose registered address it uses
    phone_owner: np.ndarray
    principal_wan: np.ndarray  # per firm: loan principal (0 if no loan)
    loan_start: np.ndarray  # per firm: first day of the loan chain


def _investments(firms: Firms, end_day: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    n = firms.n
    et = firms.core.etype
    ok_investor = np.isin(et, [LIMITED, JOINT_STOCK]) & firms.active & (firms.ring < 0) & (firms.capital_wan >= 100)
    investors = np.flatnonzero(ok_investor & (rng.random(n) < 0.12))
    degree = np.minimum(np.floor((1 - rng.random(len(investors))) ** (-1 / 1.4)).astype(np.int64), 50)
    src = np.repeat(investors, degree)
    comm = src // COMMUNITY_SIZE
    local = rng.random(len(src)) < 0.65
    lo = comm * COMMUNITY_SIZE
    span = np.minimum(n, lo + COMMUNITY_SIZE) - lo
    dst = np.where(local, lo + (rng.random(len(src)) * span).astype(np.int64), rng.integers(0, n, len(src)))
    eligible = (dst != src) & (et[dst] == LIMITED) & (firms.ring[dst] < 0)
    src, dst = src[eligible], dst[eligible]
    pair = src * n + dst
    _, first = np.unique(pair, return_index=True)
    src, dst = src[np.sort(first)], dst[np.sort(first)]
    share = np.where(rng.random(len(src)) < 0.31, 1.0, np.round(rng.beta(1.1, 1.3, len(src)), 4))
    # the stakes of one investee cannot exceed 100 %
    total = np.bincount(dst, weights=share, minlength=n)
    share = np.round(share / np.maximum(total[dst], 1.0), 4)
    start = np.maximum(firms.established_day[src], firms.established_day[dst])
    day = start + (rng.random(len(src)) * np.maximum(end_day[src] - start, 1)).astype(np.int64)
    return src, dst, np.maximum(share, 0.0001), day


def _guarantees(cfg: SynthConfig, firms: Firms, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    n = firms.n
    borrowers = firms.has_loan & firms.active
    can_guarantee = firms.active & ~firms.dormant & (firms.ring < 0) & (firms.capital_wan >= 50)
    weight = np.where(can_guarantee, firms.capital_wan**0.7, 0.0)
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []
    circ: list[np.ndarray] = []
    for c0 in range(0, n, COMMUNITY_SIZE):
        c1 = min(n, c0 + COMMUNITY_SIZE)
        b = np.flatnonzero(borrowers[c0:c1]) + c0
        w = weight[c0:c1]
        if len(b) == 0:
            continue
        chosen = b[rng.random(len(b)) < 0.30]
        if len(chosen) and w.sum() > 0:
            g = rng.choice(np.arange(c0, c1), size=len(chosen), p=w / w.sum())
            keep = g != chosen
            src.append(g[keep])
            dst.append(chosen[keep])
            circ.append(np.full(int(keep.sum()), -1))
        if len(b) >= 4 and rng.random() < 0.35:
            length = int(rng.choice([2, 2, 2, 3, 4]))
            small = b[np.argsort(firms.capital_wan[b] + rng.random(len(b)))[: max(length, len(b) // 2)]]
            members = rng.choice(small, size=length, replace=False)
            src.append(np.roll(members, -1))
            dst.append(members)
            circ.append(np.full(length, firms.block * 1000 + c0 // COMMUNITY_SIZE))
    if not src:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e
    s, d, c = np.concatenate(src), np.concatenate(dst), np.concatenate(circ)
    _, first = np.unique(s * n + d, return_index=True)
    first = np.sort(first)
    return s[first], d[first], c[first]


def _shared_contacts(firms: Firms, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Address and phone owners: rings share both; incubator clusters share an address; agents a phone."""
    n = firms.n
    address_owner = np.arange(n)
    phone_owner = np.arange(n)
    for members in firms.ring_members:
        address_owner[members] = members[0]
        phone_owner[members] = members[0]
    free = firms.ring < 0
    # incubator clusters: 3 % of firms, groups of 2-5 consecutive (same community) firms
    starts = np.flatnonzero(free & (rng.random(n) < 0.03 / 3.5))
    for start in starts.tolist():
        k = int(rng.integers(2, 6))
        grp = np.arange(start, min(n, start + k))
        grp = grp[(firms.ring[grp] < 0) & (address_owner[grp] == grp)]
        address_owner[grp] = start
    # bookkeeping agents' phone numbers: pairs
    pairs = np.flatnonzero(free & (rng.random(n) < 0.0075))
    partner = np.minimum(pairs + rng.integers(1, 20, len(pairs)), n - 1)
    ok = (partner != pairs) & (firms.ring[partner] < 0) & (phone_owner[partner] == partner)
    phone_owner[partner[ok]] = pairs[ok]
    return address_owner, phone_owner


def build_network(cfg: SynthConfig, firms: Firms, roles: Roles) -> Network:
    """Draw the block's investments, guarantees and shared contacts; plan loan chains."""
    rng = cfg.block_rng(firms.block, 3)
    n = firms.n
    inv_src, inv_dst, inv_share, inv_day = _investments(firms, firms.end_day(cfg), rng)
    # person stakes shrink by the corporate stake of the investee
    corp = np.minimum(np.bincount(inv_dst, weights=inv_share, minlength=n), 1.0)
    roles.holder_share = np.round(roles.holder_share * (1.0 - corp[roles.holder_firm]), 4)
    keep = roles.holder_share > 0
    roles.holder_person, roles.holder_firm, roles.holder_share = (
        roles.holder_person[keep], roles.holder_firm[keep], roles.holder_share[keep])
    cap = np.maximum(firms.capital_wan, 1.0)
    principal = np.round(np.exp(np.log(40) + 0.4 * np.log10(cap / 100) + rng.normal(0, 0.9, n)))
    principal = np.where(firms.has_loan, np.clip(principal, 3, 990), 0.0)
    months_back = rng.integers(12, 37, n)
    start = cfg.as_of_day - np.round(months_back * 30.44).astype(np.int64)
    start = np.maximum(start, firms.established_day + 180)
    g_src, g_dst, g_circle = _guarantees(cfg, firms, rng)
    address_owner, phone_owner = _shared_contacts(firms, rng)
    return Network(
        inv_src=inv_src, inv_dst=inv_dst, inv_share=inv_share, inv_day=inv_day, g_src=g_src, g_dst=g_dst,
        g_circle=g_circle, address_owner=address_owner, phone_owner=phone_owner, principal_wan=principal,
        loan_start=start,
    )
