"""Identity reuse (身份冒用 / 借名注册): one person's identity behind firms in several cities, registered
within a year of each other, or one phone number answering for firms in several cities.

A real entrepreneur's firms cluster where they live and grow over years; a bought or stolen ID card is
used wherever a shell is needed, quickly. Per (person, firm) tie the detector counts the distinct *other*
cities of the person's other firms registered within :data:`WINDOW_DAYS` of this one (legal
representative, officer or shareholder ties; officer and shareholder ties count :data:`SIDE_ROLE`); per
phone the same with the firms sharing the phone.

``strength = clip((cities − 1) / (FULL_CITIES − 1), 0, 1) · burst share · role weight``, the largest over
the firm's persons and its phone, where the burst share is the part of all the person's firms that
belong to this burst (the firm and those others): one firm in a second city is ordinary (15 % of firms
are registered outside their owner's home city), firms in four cities within a year are not — unless
they are a few among the dozens a serial investor holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from firmscore.fraud.evidence import as_int, capped
from firmscore.fraud.inputs import FraudInputs
from firmscore.fraud.types import Typology, TypologyResult, empty_evidence, result
from firmscore.i18n import both

WINDOW_DAYS = 365
FULL_CITIES = 4
SIDE_ROLE = 0.7
MAX_TIES = 50


def _reuse(ties: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """Per (key, firm) tie: other firms of the key in other cities registered within the window."""
    ties = ties.drop_duplicates(["key", "firm"])
    counts = ties.groupby("key")["firm"].transform("size")
    ties = ties[(counts >= 2) & (counts <= MAX_TIES)]
    city = firms["city"].to_numpy(dtype=object)
    est = firms["est_day"].to_numpy()
    ties = ties.assign(city=city[ties["firm"].to_numpy()], est=est[ties["firm"].to_numpy()])
    pairs = ties.merge(ties[["key", "firm", "city", "est"]], on="key", suffixes=("", "_o"))
    keep = ((pairs["firm"] != pairs["firm_o"]) & (pairs["city"] != pairs["city_o"])
            & ((pairs["est"] - pairs["est_o"]).abs() <= WINDOW_DAYS) & (pairs["est"] >= 0) & (pairs["est_o"] >= 0))
    pairs = pairs[keep]
    out = pairs.groupby(["key", "firm"]).agg(others=("firm_o", list), cities=("city_o", "nunique"),
                                             weight=("weight", "max")).reset_index()
    size = ties.groupby("key")["firm"].size()
    return out.assign(key_firms=size.reindex(out["key"]).to_numpy())


def detect_identity_reuse(inputs: FraudInputs) -> TypologyResult:
    """Per-firm identity-reuse strength with the other firms behind the same person or phone."""
    n = inputs.n
    strength = np.zeros(n)
    firms = inputs.firms
    roles = inputs.roles
    person = pd.DataFrame({"key": "person:" + roles["person_id"].astype(str), "firm": roles["firm"],
                           "weight": np.where(roles["role"] == "legal_representative", 1.0, SIDE_ROLE)})
    person = person.sort_values("weight", ascending=False, kind="stable")
    ph = firms["phone_key"]
    has = ph.notna().to_numpy()
    phone = pd.DataFrame({"key": "phone:" + ph[has].astype(str), "firm": np.flatnonzero(has), "weight": 1.0})
    found = pd.concat([_reuse(person, firms), _reuse(phone, firms)], ignore_index=True)
    if found.empty:
        return result(Typology.IDENTITY_REUSE, strength, empty_evidence())
    share = (found["others"].str.len() + 1) / found["key_firms"]
    found["s"] = np.clip((found["cities"] - 1) / (FULL_CITIES - 1), 0.0, 1.0) * share * found["weight"]
    found = found.sort_values(["firm", "s", "key"], ascending=[True, False, True], kind="stable")
    np.maximum.at(strength, found["firm"].to_numpy(), found["s"].to_numpy())
    ids = firms["enterprise_id"].to_numpy(dtype=object)
    recs = firms["record_id"].to_numpy(dtype=object)
    rows = []
    for f, g in found.groupby("firm", sort=True):
        top = g.iloc[0]
        others = sorted(set(top["others"]))
        kind, _, key = str(top["key"]).partition(":")
        rel = "legal_representative" if kind == "person" else "shared_phone"
        paths = [f"{key} -[{rel}]-> {ids[o]}" for o in [as_int(f), *others[:5]]]
        zh, en = both(f"fraud.identity.{kind}", n=len(others), cities=int(top["cities"]), days=WINDOW_DAYS)
        rows.append((as_int(f), capped([str(recs[as_int(f)]), *[str(recs[o]) for o in others]]), paths, zh, en))
    ev = pd.DataFrame(rows, columns=["firm", "record_ids", "paths", "explanation_zh", "explanation_en"])
    return result(Typology.IDENTITY_REUSE, strength, ev)
