"""Guarantee circles (互保圈 / 担保圈) as a fraud typology: firms that vouch for each other around a loop,
so the loop's credit rests on nobody outside it. The loops come from the graph's circle finder
(:func:`firmscore.graph.circles.find_circles`: strongly connected components, then simple cycles up to
:data:`MAX_LENGTH`) on the guarantee relations valid on D.

Strength: :data:`ON_CYCLE` for a firm on a listed loop, rising by :data:`PER_EXTRA_CYCLE` for each further
loop through it; :data:`SCC_ONLY` for a member of a circle whose loops are all longer than
:data:`MAX_LENGTH`. Evidence: the guarantee records of up to three loops through the firm.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from firmscore.fraud.evidence import capped, money
from firmscore.fraud.inputs import FraudInputs
from firmscore.fraud.types import Typology, TypologyResult, empty_evidence, result
from firmscore.graph.build import csr_from_edges
from firmscore.graph.circles import find_circles
from firmscore.i18n import both

MAX_LENGTH = 6
ON_CYCLE, PER_EXTRA_CYCLE, SCC_ONLY = 0.7, 0.1, 0.5


def detect_guarantee_circles(inputs: FraudInputs) -> TypologyResult:
    """Per-firm guarantee-circle strength with the loops' guarantee records."""
    n = inputs.n
    g = inputs.guarantees
    strength = np.zeros(n)
    if g.empty or n == 0:
        return result(Typology.GUARANTEE_CIRCLE, strength, empty_evidence())
    src, dst = g["src"].to_numpy(np.int64), g["dst"].to_numpy(np.int64)
    adj = csr_from_edges(src, dst, np.ones(src.size, dtype=np.bool_), (n, n), np.dtype(np.bool_))
    circles = find_circles(adj, max_length=MAX_LENGTH)
    on = circles.n_cycles > 0
    strength = np.where(on, np.minimum(1.0, ON_CYCLE + PER_EXTRA_CYCLE * (circles.n_cycles - 1)),
                        np.where(circles.scc_size > 0, SCC_ONLY, 0.0))
    edge_records: dict[tuple[int, int], list[str]] = {}
    edge_amount: dict[tuple[int, int], float] = {}
    for a, b, amt, rec in zip(src.tolist(), dst.tolist(), g["amount"].fillna(0.0).tolist(),
                              g["record_id"].astype(str).tolist(), strict=True):
        edge_records.setdefault((a, b), []).append(rec)
        edge_amount[(a, b)] = edge_amount.get((a, b), 0.0) + float(amt)
    through: dict[int, list[tuple[int, ...]]] = {}
    for cyc in circles.cycles:
        for v in cyc:
            if len(through.setdefault(v, [])) < 3:
                through[v].append(cyc)
    ids = inputs.firms["enterprise_id"].to_numpy(dtype=object)
    rows = []
    for i in np.flatnonzero(strength > 0):
        recs: list[str] = []
        paths: list[str] = []
        for cyc in through.get(int(i), []):
            k = cyc.index(int(i))
            loop = [*cyc[k:], *cyc[:k], int(i)]
            legs = []
            for a, b in itertools.pairwise(loop):
                recs += edge_records[(a, b)]
                legs.append(f"{ids[a]} -[guarantee {money(edge_amount[(a, b)])}]->")
            paths.append(" ".join(legs) + f" {ids[i]}")
        zh, en = both("fraud.guarantee", size=int(circles.scc_size[i]), loops=int(circles.n_cycles[i]))
        rows.append((int(i), capped(recs), paths, zh, en))
    ev = pd.DataFrame(rows, columns=["firm", "record_ids", "paths", "explanation_zh", "explanation_en"])
    return result(Typology.GUARANTEE_CIRCLE, strength, ev)
