"""Joint scoring: the requesting party adds its own points, the partner's partial points and the base.

The partner answers a ``score`` request with, per requested firm, its total points and the points
each of its features lost against that feature's best bin — never a raw value or a bin. Reasons
rank both sides' features by points lost; the partner's appear as "合作方数据 / partner data"
with their points only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from firmscore.federate.errors import FederationError
from firmscore.federate.party_card import PartyCard
from firmscore.federate.settings import PartyData
from firmscore.federate.wire import Message
from firmscore.i18n import both


def partial_reply(card: PartyCard, data: PartyData, msg: Message) -> tuple[str, dict[str, Any], list[bytes]]:
    """The partner's side: partial points and points lost of the requested firms."""
    if msg.kind != "score" or msg.meta.get("model") != card.model_id:
        raise FederationError("federate.no_model", model=str(msg.meta.get("model")))
    firms = [str(f) for f in msg.meta["firms"]]
    pos = {v: i for i, v in enumerate(data.ids)}
    missing = [f for f in firms if f not in pos]
    if missing:
        raise FederationError("federate.unknown_firm", firm=missing[0])
    rows = data.X.iloc[[pos[f] for f in firms]].reset_index(drop=True)
    total, lost = card.partial(rows)
    return "score_ok", {"partial": total.tolist(), "lost": lost.tolist()}, []


@dataclass(frozen=True, kw_only=True)
class JointScores:
    frame: pd.DataFrame  # firm, score, own_points, partner_points, reasons (list of dicts)


def combine(card: PartyCard, data: PartyData, firms: list[str], reply: Message, max_reasons: int = 4) -> JointScores:
    """The requester's side: ``clip(base + own + partner)`` and reasons over both sides' features."""
    pos = {v: i for i, v in enumerate(data.ids)}
    missing = [f for f in firms if f not in pos]
    if missing:
        raise FederationError("federate.unknown_firm", firm=missing[0])
    rows = data.X.iloc[[pos[f] for f in firms]].reset_index(drop=True)
    own, own_lost = card.partial(rows)
    partner = np.asarray(reply.meta["partial"], dtype=np.int64)
    partner_lost = np.asarray(reply.meta["lost"], dtype=np.int64).reshape(len(firms), -1)
    score = card.scaling.clip(card.base_points + own + partner)
    zh, en = both("federate.partner_data")
    names = [(f.name, f.name, f.name) for f in card.features]
    names += [(f"partner_{j + 1}", f"{zh} {j + 1}", f"{en} {j + 1}") for j in range(partner_lost.shape[1])]
    lost = np.hstack([own_lost, partner_lost]) if partner_lost.size else own_lost
    reasons = []
    for i in range(len(firms)):
        order = np.argsort(-lost[i], kind="stable")
        reasons.append([{"feature": names[j][0], "text_zh": names[j][1], "text_en": names[j][2],
                         "points_lost": int(lost[i, j]), "partner": j >= len(card.features)}
                        for j in order[:max_reasons] if lost[i, j] > 0])
    frame = pd.DataFrame({"firm": firms, "score": score, "own_points": own, "partner_points": partner,
                          "reasons": reasons})
    return JointScores(frame=frame)
