"""Phoenix firms (金蝉脱壳): a legal representative whose earlier firm left the market with enforcement or
dishonest-debtor records, and whose new firm carries on in the same industry or at the same address.

The old firm's debts stay behind with the shell; the business, its customers and often its premises
move to the new one. Per (person, old firm, new firm) with the old firm exited and carrying at least
one enforcement or dishonest-debtor record, and the new firm in business and established no earlier
than :data:`BEFORE_EXIT_DAYS` before the old firm's trouble began and at most :data:`AFTER_EXIT_DAYS`
after its exit, the strength is

``BASE + DISHONEST (if listed as a dishonest debtor) + INDUSTRY (same industry) + ADDRESS (same address)``,

counted only when industry or address is shared (an entrepreneur who failed and starts over in another
trade, elsewhere, is not a phoenix). A firm's strength is its strongest pair. Persons tied to more than
:data:`MAX_PERSON_FIRMS` firms are nominee services, left to the identity-reuse detector.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from firmscore.fraud.evidence import capped
from firmscore.fraud.inputs import FraudInputs
from firmscore.fraud.types import Typology, TypologyResult, empty_evidence, result
from firmscore.i18n import both

BASE, DISHONEST, INDUSTRY, ADDRESS = 0.45, 0.15, 0.2, 0.2
BEFORE_EXIT_DAYS = 180
AFTER_EXIT_DAYS = 3 * 365
MAX_PERSON_FIRMS = 50


def detect_phoenix(inputs: FraudInputs) -> TypologyResult:
    """Per-firm phoenix strength with the old firm, its negative records and the person as the path."""
    n = inputs.n
    strength = np.zeros(n)
    firms = inputs.firms
    lr = inputs.roles[inputs.roles["role"] == "legal_representative"][["person_id", "firm"]].drop_duplicates()
    counts = lr.groupby("person_id")["firm"].transform("size")
    lr = lr[(counts >= 2) & (counts <= MAX_PERSON_FIRMS)]
    neg = inputs.negatives
    if lr.empty or neg.empty:
        return result(Typology.PHOENIX, strength, empty_evidence())
    trouble = neg.groupby("firm").agg(first_neg=("day", "min"),
                                      dishonest=("event_type", lambda s: bool((s == "dishonest_listing").any())),
                                      neg_records=("record_id", lambda s: [str(x) for x in s]))
    exit_day = firms["exit_day"].to_numpy()
    old = lr[lr["firm"].isin(trouble.index) & (exit_day[lr["firm"].to_numpy()] >= 0)]
    new = lr[firms["active"].to_numpy(dtype=bool)[lr["firm"].to_numpy()]]
    pairs = old.merge(new, on="person_id", suffixes=("_old", "_new"))
    pairs = pairs[pairs["firm_old"] != pairs["firm_new"]]
    if pairs.empty:
        return result(Typology.PHOENIX, strength, empty_evidence())
    pairs = pairs.join(trouble, on="firm_old")
    fo, fn = pairs["firm_old"].to_numpy(), pairs["firm_new"].to_numpy()
    est_new = firms["est_day"].to_numpy()[fn]
    start = np.minimum(pairs["first_neg"].to_numpy(), exit_day[fo])
    timely = (est_new >= start - BEFORE_EXIT_DAYS) & (est_new <= exit_day[fo] + AFTER_EXIT_DAYS)
    ind = firms["industry"].to_numpy(dtype=object)
    addr = firms["addr_key"].to_numpy(dtype=object)
    same_ind = pd.notna(ind[fo]) & (ind[fo] == ind[fn])
    same_addr = pd.notna(addr[fo]) & (addr[fo] == addr[fn])
    s = BASE + DISHONEST * pairs["dishonest"].to_numpy(dtype=float) + INDUSTRY * same_ind + ADDRESS * same_addr
    s = np.where(timely & (same_ind | same_addr), np.minimum(s, 1.0), 0.0)
    pairs = pairs.assign(s=s, same_ind=same_ind, same_addr=same_addr)
    pairs = pairs[pairs["s"] > 0].sort_values(["firm_new", "s", "firm_old"], ascending=[True, False, True])
    if pairs.empty:
        return result(Typology.PHOENIX, strength, empty_evidence())
    np.maximum.at(strength, pairs["firm_new"].to_numpy(), pairs["s"].to_numpy())
    ids = firms["enterprise_id"].to_numpy(dtype=object)
    recs = firms["record_id"].to_numpy(dtype=object)
    rows = []
    for f_new, g in pairs.groupby("firm_new", sort=True):
        top = g.iloc[0]
        o = int(top["firm_old"])
        record_ids = [str(recs[f_new]), str(recs[o]), *top["neg_records"]]
        paths = [f"{top['person_id']} -[legal_representative]-> {ids[o]} (exited {_iso(int(exit_day[o]))})",
                 f"{top['person_id']} -[legal_representative]-> {ids[f_new]}"]
        shared_zh = "、".join([x for x, ok in (("同一行业", top["same_ind"]), ("同一地址", top["same_addr"])) if ok])
        shared_en = " and ".join([x for x, ok in (("industry", top["same_ind"]), ("address", top["same_addr"])) if ok])
        zh, en = both("fraud.phoenix", old=ids[o], exit=_iso(int(exit_day[o])), n_neg=len(top["neg_records"]),
                      shared_zh=shared_zh, shared_en=shared_en, others=len(g) - 1)
        rows.append((int(f_new), capped(record_ids), paths, zh, en))
    ev = pd.DataFrame(rows, columns=["firm", "record_ids", "paths", "explanation_zh", "explanation_en"])
    return result(Typology.PHOENIX, strength, ev)


def _iso(day: int) -> str:
    return str(np.datetime64(day, "D"))
