"""What fraud to plant in a synthetic universe, and how well hidden: one configuration per universe.

The detectors never read this (``firmscore.fraud`` may not import ``firmscore.synth``; a contract and a
test hold it), so a benchmark can develop on one mixture and report on another it never saw: the
:data:`PRESETS` ``dev`` and ``blind`` differ in how many of each typology are planted, their sizes and
their camouflage (shells with token staff and a little tax, round trips with jittered amounts, slower
hops and loops longer than the search, bust-outs whose tax and headcount partly follow, padded and
longer guarantee loops, stolen identities spread over more time). Counts are per 10,000 firms.
A configuration can also be read from a JSON file (:meth:`FraudPlantConfig.from_file`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True, kw_only=True)
class ShellPlan:
    clusters_per_10k: float = 6.0
    size: tuple[int, int] = (4, 25)
    #: which key the cluster shares: address, phone or one nominee legal representative (weights)
    key_mix: tuple[float, float, float] = (0.6, 0.2, 0.2)
    spread_days: int = 60
    token_staff_share: float = 0.0  # shells with 2-3 insured employees
    tiny_tax_share: float = 0.0  # shells paying a token tax
    outside_purchase_share: float = 0.0  # shells buying a little from real firms


@dataclass(frozen=True, kw_only=True)
class RoundTripPlan:
    rings_per_10k: float = 6.0
    length: tuple[int, int] = (2, 4)
    rounds: tuple[int, int] = (2, 5)
    amount_jitter: float = 0.02
    hop_delay_days: tuple[int, int] = (1, 7)


@dataclass(frozen=True, kw_only=True)
class PhoenixPlan:
    pairs_per_10k: float = 10.0
    same_address: float = 0.5
    same_industry: float = 0.8
    dishonest: float = 0.5
    #: innocent restarts (old firm left cleanly, new one in the same trade): not fraud, planted as decoys
    decoys_per_10k: float = 10.0


@dataclass(frozen=True, kw_only=True)
class BustOutPlan:
    per_10k: float = 10.0
    jump: tuple[float, float] = (4.0, 10.0)
    new_buyers: tuple[int, int] = (1, 3)
    tax_follow_share: float = 0.0  # tax rises with half the jump
    headcount_follow_share: float = 0.0  # headcount rises by half


@dataclass(frozen=True, kw_only=True)
class GuaranteePlan:
    circles_per_10k: float = 5.0
    length: tuple[int, int] = (2, 5)
    padding_share: float = 0.0  # members also guarantee one or two outsiders


@dataclass(frozen=True, kw_only=True)
class IdentityPlan:
    persons_per_10k: float = 5.0
    firms: tuple[int, int] = (4, 6)
    window_days: int = 300
    existing_person_share: float = 0.0  # the identity is a real person's who already runs a firm


@dataclass(frozen=True, kw_only=True)
class FraudPlantConfig:
    """Every typology's plan; ``name`` is recorded in the truth file."""

    name: str = "custom"
    shell: ShellPlan = field(default_factory=ShellPlan)
    round_trip: RoundTripPlan = field(default_factory=RoundTripPlan)
    phoenix: PhoenixPlan = field(default_factory=PhoenixPlan)
    bust_out: BustOutPlan = field(default_factory=BustOutPlan)
    guarantee: GuaranteePlan = field(default_factory=GuaranteePlan)
    identity: IdentityPlan = field(default_factory=IdentityPlan)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> FraudPlantConfig:
        """A configuration from a dict; unknown keys are an error naming them."""
        kinds = {f.name: f.type for f in fields(cls)}
        unknown = set(doc) - set(kinds)
        if unknown:
            raise ValueError(f"unknown fraud plan sections: {sorted(unknown)} (known: {sorted(kinds)})")
        plans: dict[str, Any] = {}
        defaults = cls()
        for key, value in doc.items():
            if key == "name":
                plans[key] = str(value)
                continue
            plan_cls = type(getattr(defaults, key))
            allowed = {f.name for f in fields(plan_cls)}
            bad = set(value) - allowed
            if bad:
                raise ValueError(f"unknown keys in fraud plan section {key!r}: {sorted(bad)} "
                                 f"(known: {sorted(allowed)})")
            plans[key] = plan_cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})
        return cls(**plans)

    @classmethod
    def from_file(cls, path: str | Path) -> FraudPlantConfig:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


PRESETS: dict[str, FraudPlantConfig] = {
    "dev": FraudPlantConfig(name="dev"),
    # the dev mixture with camouflage of its own (other rates and ranges than ``blind``), to develop against
    # camouflage without looking at the blind universe
    "dev_camouflage": FraudPlantConfig(
        name="dev_camouflage",
        shell=ShellPlan(clusters_per_10k=6.0, size=(3, 30), key_mix=(0.5, 0.25, 0.25), spread_days=90,
                        token_staff_share=0.2, tiny_tax_share=0.3, outside_purchase_share=0.4),
        round_trip=RoundTripPlan(rings_per_10k=6.0, length=(2, 5), rounds=(1, 3), amount_jitter=0.03,
                                 hop_delay_days=(1, 10)),
        bust_out=BustOutPlan(per_10k=10.0, jump=(3.0, 9.0), new_buyers=(1, 5), tax_follow_share=0.4,
                             headcount_follow_share=0.2),
        identity=IdentityPlan(persons_per_10k=5.0, firms=(3, 6), window_days=450, existing_person_share=0.3),
    ),
    "blind": FraudPlantConfig(
        name="blind",
        shell=ShellPlan(clusters_per_10k=4.0, size=(3, 40), key_mix=(0.4, 0.3, 0.3), spread_days=120,
                        token_staff_share=0.3, tiny_tax_share=0.2, outside_purchase_share=0.3),
        round_trip=RoundTripPlan(rings_per_10k=8.0, length=(2, 5), rounds=(1, 4), amount_jitter=0.04,
                                 hop_delay_days=(1, 12)),
        phoenix=PhoenixPlan(pairs_per_10k=6.0, same_address=0.3, same_industry=0.85, dishonest=0.3,
                            decoys_per_10k=20.0),
        bust_out=BustOutPlan(per_10k=12.0, jump=(2.5, 8.0), new_buyers=(1, 6), tax_follow_share=0.3,
                             headcount_follow_share=0.3),
        guarantee=GuaranteePlan(circles_per_10k=6.0, length=(3, 7), padding_share=0.5),
        identity=IdentityPlan(persons_per_10k=7.0, firms=(3, 6), window_days=500, existing_person_share=0.5),
    ),
}
