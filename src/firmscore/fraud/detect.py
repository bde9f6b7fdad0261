"""Run every typology detector on one as-of date's inputs."""

from __future__ import annotations

from collections.abc import Callable

from firmscore.fraud import messages as _messages  # noqa: F401  (registers the bilingual messages)
from firmscore.fraud.bust_out import detect_bust_outs
from firmscore.fraud.guarantee import detect_guarantee_circles
from firmscore.fraud.identity import detect_identity_reuse
from firmscore.fraud.inputs import FraudInputs
from firmscore.fraud.phoenix import detect_phoenix
from firmscore.fraud.round_trip import detect_round_trips
from firmscore.fraud.shell import detect_shell_clusters
from firmscore.fraud.types import Typology, TypologyResult

Detector = Callable[[FraudInputs], TypologyResult]

#: One detector per typology, in the order the artifact and the queue list them.
DETECTORS: dict[Typology, Detector] = {
    Typology.SHELL_CLUSTER: detect_shell_clusters,
    Typology.ROUND_TRIP: detect_round_trips,
    Typology.PHOENIX: detect_phoenix,
    Typology.BUST_OUT: detect_bust_outs,
    Typology.GUARANTEE_CIRCLE: detect_guarantee_circles,
    Typology.IDENTITY_REUSE: detect_identity_reuse,
}


def detect_all(inputs: FraudInputs, progress: Callable[[str], None] | None = None) -> dict[Typology, TypologyResult]:
    """Every detector's result on ``inputs``."""
    say = progress or (lambda _s: None)
    out: dict[Typology, TypologyResult] = {}
    for typology, detector in DETECTORS.items():
        say(typology.value)
        out[typology] = detector(inputs)
    return out
