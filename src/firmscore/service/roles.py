"""Roles and scopes: who a caller is and what each kind of caller may be granted."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # the platform operator
    ANALYST = "analyst"  # a person at an institution
    CLIENT = "client"  # an institution's system (client credentials or API key)
    SUBJECT = "subject"  # an enterprise's own account


class Scope(StrEnum):
    SCORE = "score:read"
    REPORT = "report:read"
    EVIDENCE = "evidence:read"
    BATCH = "batch:score"
    SEARCH = "search:read"
    QUERYLOG = "querylog:read"
    SELF = "subject:self"
    CONSENT = "consent:write"
    ADMIN = "admin"


INSTITUTION_SCOPES = (Scope.SCORE, Scope.REPORT, Scope.EVIDENCE, Scope.BATCH, Scope.SEARCH, Scope.QUERYLOG)

#: The scopes a caller of each role holds unless narrowed (a client's own list is stored with it).
ROLE_SCOPES: dict[Role, tuple[Scope, ...]] = {
    Role.ADMIN: (Scope.ADMIN, Scope.QUERYLOG),
    Role.ANALYST: INSTITUTION_SCOPES,
    Role.CLIENT: INSTITUTION_SCOPES,
    Role.SUBJECT: (Scope.SELF, Scope.CONSENT, Scope.SCORE, Scope.REPORT, Scope.EVIDENCE, Scope.QUERYLOG),
}
