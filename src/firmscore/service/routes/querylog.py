"""The query log: an institution reads its own entries, a firm the entries about itself, each with a proof."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import Select, select

from firmscore.ledger import LedgerError
from firmscore.service import ledger_adapter
from firmscore.service.auth import Principal
from firmscore.service.policies import INSTITUTIONS, policy
from firmscore.service.problems import ProblemError, problem_responses
from firmscore.service.purposes import Purpose, label
from firmscore.service.roles import Role, Scope
from firmscore.service.routes.common import lang_of, service_of
from firmscore.service.schemas import EntryProof, QueryLogPage
from firmscore.service.store.models import QueryLogEntry

router = APIRouter(prefix="/v1", tags=["query log"])
LOG_POLICY = policy(*INSTITUTIONS, Role.SUBJECT, Role.ADMIN, scope=Scope.QUERYLOG, tenant="self")
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


def visible(principal: Principal) -> Select[Any]:
    """Entries the caller may see: its institution's, its firm's, or (admin) all."""
    q = select(QueryLogEntry)
    if principal.role is Role.SUBJECT:
        return q.where(QueryLogEntry.enterprise_id == principal.enterprise_id)
    if principal.role is Role.ADMIN:
        return q
    return q.where(QueryLogEntry.institution_id == principal.institution_id)


def item(row: QueryLogEntry, lang: str) -> dict[str, Any]:
    try:
        plabel = label(Purpose(row.purpose), lang)
    except ValueError:
        plabel = row.purpose
    from firmscore.service.querylog import ledger_content

    content = ledger_content(row)
    return {**content, "purpose_label": plabel, "leaf_index": row.leaf_index}


@router.get("/query-log", response_model=QueryLogPage, responses=ERRORS, summary="Query log / 查询记录")
async def list_entries(request: Request,
                       limit: Annotated[int, Query(ge=1, le=500, examples=[50])] = 50,
                       cursor: Annotated[str | None, Query(max_length=500, examples=[None])] = None,
                       principal: Principal = Depends(LOG_POLICY)) -> dict[str, Any]:
    """Newest first. A firm's own account sees every query about the firm (which institution, when,
    for what purpose, what was returned); an institution sees only its own queries."""
    svc = service_of(request)
    pos = request.app.state.cursors.decode(cursor)
    q = visible(principal)
    if pos is not None:
        q = q.where(QueryLogEntry.seq < int(pos.get("before", 0)))
    with svc.sessions() as s:
        rows = list(s.scalars(q.order_by(QueryLogEntry.seq.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    lang = lang_of(request)
    nxt = request.app.state.cursors.encode({"before": rows[-1].seq}) if more and rows else None
    return {"items": [item(r, lang) for r in rows], "next_cursor": nxt}


@router.get("/query-log/{entry_id}/proof", response_model=EntryProof, responses=ERRORS,
            summary="Inclusion proof of a query-log entry / 查询记录的包含证明")
async def entry_proof(request: Request,
                      entry_id: Annotated[str, Path(max_length=64, examples=["q-5f0c9a"])],
                      principal: Principal = Depends(LOG_POLICY)) -> dict[str, Any]:
    """The entry as logged in the evidence ledger, with its RFC 9162 inclusion proof and signed checkpoint."""
    svc = service_of(request)
    with svc.sessions() as s:
        row = s.scalars(visible(principal).where(QueryLogEntry.entry_id == entry_id)).first()
    if row is None:
        raise ProblemError(404, "entry_not_found", entry_id=entry_id[:64])
    if row.leaf_index is None:
        raise ProblemError(409, "entry_pending", headers={"Retry-After": "1"}, entry_id=entry_id[:64])
    with ledger_adapter.open_ledger(svc.home) as ledger:
        try:
            proof = ledger_adapter.prove(ledger, row.entry_id).to_dict()
        except LedgerError as exc:
            raise ProblemError(409, "entry_pending", headers={"Retry-After": "1"}, entry_id=entry_id[:64]) from exc
        pub = ledger_adapter.public_key(ledger)
    return {"entry": item(row, lang_of(request)), "leaf": proof["leaf"], "leaf_index": proof["leaf_index"],
            "tree_size": proof["tree_size"], "inclusion_proof": proof["inclusion_proof"],
            "checkpoint": proof["checkpoint"], "public_key": pub}


