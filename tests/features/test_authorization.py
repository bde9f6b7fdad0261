"""The authorization gate on legal-representative personal-credit features."""

from __future__ import annotations

import json

from firmscore.datamodel.specials import NOT_AUTHORIZED, SPECIAL_VALUES
from firmscore.features import compute_features, evidence, write_features
from firmscore.store import DataHome

from .history import AS_OF, History, matrix, value

PERSONAL = ("lr_personal_credit_band", "lr_personal_overdue_count")


def _people(history: History) -> None:
    cases = {
        "valid": dict(start="2024-01-01"),
        "expired": dict(start="2023-01-01", end="2025-06-30"),  # effective_to == D: no longer valid
        "future": dict(start="2025-07-01"),
        "revoked": dict(start="2024-01-01", revoked_at="2025-05-01"),
        "revoked_later": dict(start="2024-01-01", revoked_at="2025-07-02"),
        "other_scope": dict(start="2024-01-01", scope="marketing"),
        "observed_late": dict(start="2024-01-01", observed="2025-07-01"),
    }
    for person, grant in [*cases.items(), ("none", None)]:
        history.person(person)
        history.enterprise(f"E-{person}", legal_rep_id=person)
        history.event(person, "personal_credit", "2025-01-01", subject_type="person", code="D", value=2.0)
        if grant is not None:
            history.grant(person, **grant)  # type: ignore[arg-type]
    history.flush()


def test_personal_credit_needs_a_valid_authorization_on_the_as_of_date(home: DataHome, history: History) -> None:
    _people(history)
    m = matrix(home)
    authorized = {"valid", "revoked_later"}
    for person in ("valid", "expired", "future", "revoked", "revoked_later", "other_scope", "observed_late", "none"):
        for feature in PERSONAL:
            got = value(m, f"E-{person}", feature)
            if person in authorized:
                assert got == {"lr_personal_credit_band": 4.0, "lr_personal_overdue_count": 2.0}[feature], person
            else:
                assert got == NOT_AUTHORIZED, (person, feature)
    # public-record features of the same people are not gated
    assert value(m, "E-none", "lr_other_firms") == 0.0


def test_not_authorized_reason_is_recorded_in_both_languages(home: DataHome, history: History) -> None:
    _people(history)
    path = write_features(home, compute_features(home, AS_OF))
    meta = json.loads((path.parent / "features.json").read_text(encoding="utf-8"))
    assert meta["coverage"]["lr_personal_credit_band"]["not_authorized"] == 6
    reason = meta["special_values"][str(NOT_AUTHORIZED)]
    assert (reason["reason"], reason["zh"], reason["en"]) == SPECIAL_VALUES[NOT_AUTHORIZED]
    assert reason["zh"] == "未获授权" and reason["en"] == "not authorized"


def test_unauthorized_credit_file_is_never_cited_as_evidence(home: DataHome, history: History) -> None:
    _people(history)
    ev_none = evidence(home, "E-none", list(PERSONAL), AS_OF)
    assert ev_none == {f: [] for f in PERSONAL}
    ev_valid = evidence(home, "E-valid", ["lr_personal_credit_band"], AS_OF)["lr_personal_credit_band"]
    assert len(ev_valid) == 2  # the credit report and the grant that allowed reading it
