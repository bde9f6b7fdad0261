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


def _reuse(key: np.ndarray, firm: np.ndarray, weight: np.ndarray, firms: pd.DataFrame) -> pd.DataFrame:
    """Per (key, firm) tie: other firms of the key in other cities registered within the window.

    ``key`` are integer codes (a person or a phone); everything is grouped on integers.
    """
    ties = pd.DataFrame({"key": key, "firm": firm, "weight": weight}).sort_values(
        ["key", "firm", "weight"], ascending=[True, True, False], kind="stable").drop_duplicates(["key", "firm"])
    k = ties["key"].to_numpy()
    size = np.bincount(k, minlength=int(k.max()) + 1 if k.size else 0)
    city_code, _ = pd.factorize(firms["city"])
    city = np.asarray(city_code, dtype=np.int64)[ties["firm"].to_numpy()]
    kc = pd.DataFrame({"key": k, "city": city}).drop_duplicates()
    n_cities = np.bincount(kc["key"].to_numpy(), minlength=size.size)
    # one city only: nothing to pair (most persons); more than MAX_TIES firms: a nominee service or a hub
    ok = (size[k] >= 2) & (size[k] <= MAX_TIES) & (n_cities[k] >= 2)
    est = firms["est_day"].to_numpy()
    ties = ties[ok].assign(city=city[ok], est=est[ties["firm"].to_numpy()[ok]])
    pairs = ties.merge(ties[["key", "firm", "city", "est"]], on="key", suffixes=("", "_o"))
    keep = ((pairs["firm"] != pairs["firm_o"]) & (pairs["city"] != pairs["city_o"])
            & ((pairs["est"] - pairs["est_o"]).abs() <= WINDOW_DAYS) & (pairs["est"] >= 0) & (pairs["est_o"] >= 0))
    pairs = pairs[keep]
    out = pairs.groupby(["key", "firm"]).agg(others=("firm_o", list), cities=("city_o", "nunique"),
                                             weight=("weight", "max")).reset_index()
    return out.assign(key_firms=size[out["key"].to_numpy()])


def detect_identity_reuse(inputs: FraudInputs) -> TypologyResult:
    """Per-firm identity-reuse strength with the other firms behind the same person or phone."""
    n = inputs.n
    strength = np.zeros(n)
    firms = inputs.firms
    roles = inputs.roles
    p_code, p_label = pd.factorize(roles["person_id"])
    found_p = _reuse(np.asarray(p_code, dtype=np.int64), roles["firm"].to_numpy(np.int64),
                     np.where(roles["role"] == "legal_representative", 1.0, SIDE_ROLE), firms)
    found_p["label"] = np.asarray(p_label, dtype=object)[found_p["key"].to_numpy()]
    found_p["kind"] = "person"
    ph = firms["phone_key"]
    has = ph.notna().to_numpy()
    f_code, f_label = pd.factorize(ph[has])
    found_f = _reuse(np.asarray(f_code, dtype=np.int64), np.flatnonzero(has), np.ones(int(has.sum())), firms)
    found_f["label"] = np.asarray(f_label, dtype=object)[found_f["key"].to_numpy()]
    found_f["kind"] = "phone"
    found = pd.concat([found_p, found_f], ignore_index=True)
    if found.empty:
        return result(Typology.IDENTITY_REUSE, strength, empty_evidence())
    share = (found["others"].str.len() + 1) / found["key_firms"]
    found["s"] = np.clip((found["cities"] - 1) / (FULL_CITIES - 1), 0.0, 1.0) * share * found["weight"]
    found = found[found["s"] > 0]
    found = found.sort_values(["firm", "s", "kind", "label"], ascending=[True, False, True, True], kind="stable")
    np.maximum.at(strength, found["firm"].to_numpy(), found["s"].to_numpy())
    found = found.drop_duplicates("firm")  # the strongest tie of each firm carries the evidence
    ids = firms["enterprise_id"].to_numpy(dtype=object)
    recs = firms["record_id"].to_numpy(dtype=object)
    rows = []
    for f, other_list, n_cities, kind, key in zip(found["firm"].tolist(), found["others"].tolist(),
                                                   found["cities"].tolist(), found["kind"].tolist(),
                                                   found["label"].tolist(), strict=True):
        others = sorted(set(other_list))
        rel = "legal_representative" if kind == "person" else "shared_phone"
        paths = [f"{key} -[{rel}]-> {ids[o]}" for o in [as_int(f), *others[:5]]]
        zh, en = both(f"fraud.identity.{kind}", n=len(others), cities=int(n_cities), days=WINDOW_DAYS)
        rows.append((as_int(f), capped([str(recs[as_int(f)]), *[str(recs[o]) for o in others]]), paths, zh, en))
    ev = pd.DataFrame(rows, columns=["firm", "record_ids", "paths", "explanation_zh", "explanation_en"])
    return result(Typology.IDENTITY_REUSE, strength, ev)
