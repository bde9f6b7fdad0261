"""Enterprise data for institutions (and a firm's own account): score, report, evidence, search, batch."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse

from firmscore.ledger import LedgerError
from firmscore.service import ledger_adapter
from firmscore.service.auth import Principal
from firmscore.service.policies import INSTITUTIONS, policy
from firmscore.service.problems import ProblemError, problem_responses
from firmscore.service.purposes import Purpose, label
from firmscore.service.roles import Role, Scope
from firmscore.service.routes.common import (
    PURPOSE_QUERY,
    check_enterprise,
    check_purpose,
    cited_records,
    decide_consent,
    entry_for,
    lang_of,
    log_or_fail,
    score_body,
    service_of,
)
from firmscore.service.schemas import EID, RID, BatchIn, EvidenceOut, ReportOut, ScoreOut, SearchPage

router = APIRouter(prefix="/v1", tags=["enterprises"])
EnterpriseId = Annotated[str, Path(description="Unified social credit code (or source-scoped id)",
                                   examples=[EID], max_length=200)]
RecordId = Annotated[str, Path(description="record_id of an evidence record", examples=[RID], max_length=200)]
ERRORS = problem_responses(400, 401, 403, 404, 422, 429)

SCORE_POLICY = policy(*INSTITUTIONS, Role.SUBJECT, scope=Scope.SCORE, tenant="firm")
REPORT_POLICY = policy(*INSTITUTIONS, Role.SUBJECT, scope=Scope.REPORT, tenant="firm")
EVIDENCE_POLICY = policy(*INSTITUTIONS, Role.SUBJECT, scope=Scope.EVIDENCE, tenant="firm")
SEARCH_POLICY = policy(*INSTITUTIONS, scope=Scope.SEARCH)
BATCH_POLICY = policy(*INSTITUTIONS, scope=Scope.BATCH)


@router.get("/enterprises/{enterprise_id}/score", response_model=ScoreOut, responses=ERRORS,
            summary="Score of one enterprise / 企业评分")
async def get_score(request: Request, enterprise_id: EnterpriseId, purpose: Purpose | None = PURPOSE_QUERY,
                    principal: Principal = Depends(SCORE_POLICY)) -> dict[str, Any]:
    """Score, band, grade, PD, five sub-scores, up to four reasons with evidence record ids, data depth,
    information quality, model id and receipt. The answer is in the query log before it is sent."""
    svc = service_of(request)
    why = check_purpose(principal, purpose)
    eid = check_enterprise(svc, enterprise_id)
    decision = decide_consent(svc, principal, eid, why)
    body, score_id = score_body(svc, eid, decision, lang_of(request))
    entry = entry_for(principal, why, "score", eid, {"score_id": score_id, "record_ids": cited_records(
        svc.scores.row(eid, decision.authorized)[0]), "consent": decision.status})
    await log_or_fail(svc, entry)
    body["query_id"] = entry.entry_id
    return body


@router.get("/enterprises/{enterprise_id}/report", response_model=ReportOut, responses=ERRORS,
            summary="Full credit report (JSON) / 信用报告")
async def get_report(request: Request, enterprise_id: EnterpriseId, purpose: Purpose | None = PURPOSE_QUERY,
                     principal: Principal = Depends(REPORT_POLICY)) -> dict[str, Any]:
    """The score with the firm's registry facts and every reason in both languages."""
    svc = service_of(request)
    why = check_purpose(principal, purpose)
    eid = check_enterprise(svc, enterprise_id)
    decision = decide_consent(svc, principal, eid, why)
    lang = lang_of(request)
    body, score_id = score_body(svc, eid, decision, lang)
    row, _ = svc.scores.row(eid, decision.authorized)
    firm = svc.scores.firms.get(eid)
    body["firm"] = {"region": firm.region, "status": firm.status, "industry": firm.industry} if firm else {}
    body["reasons_bilingual"] = row["reasons"]
    body["purpose"] = why.value
    body["purpose_label"] = label(why, lang)
    entry = entry_for(principal, why, "report", eid, {"score_id": score_id, "record_ids": cited_records(row),
                                                      "consent": decision.status})
    await log_or_fail(svc, entry)
    body["query_id"] = entry.entry_id
    return body


@router.get("/enterprises/{enterprise_id}/evidence/{record_id}", response_model=EvidenceOut, responses=ERRORS,
            summary="Evidence record with its inclusion proof / 证据记录与包含证明")
async def get_evidence(request: Request, enterprise_id: EnterpriseId, record_id: RecordId,
                       purpose: Purpose | None = PURPOSE_QUERY,
                       principal: Principal = Depends(EVIDENCE_POLICY)) -> dict[str, Any]:
    """A record cited by the firm's score, with its RFC 9162 inclusion proof, the signed checkpoint it
    verifies against, the current checkpoint and the ledger's public key: verify it without trusting us
    (``firmscore ledger verify-proof`` or ``scripts/verify_proof.py``)."""
    svc = service_of(request)
    why = check_purpose(principal, purpose)
    eid = check_enterprise(svc, enterprise_id)
    decision = decide_consent(svc, principal, eid, why)
    row, _ = svc.scores.row(eid, decision.authorized)
    if record_id not in cited_records(row) and not _in_leaves(svc, record_id, row["evidence_leaves"]):
        raise ProblemError(404, "record_not_found", record_id=record_id[:64], enterprise_id=eid)
    with ledger_adapter.open_ledger(svc.home) as ledger:
        try:
            result = ledger.lookup(record_id)
        except LedgerError as exc:
            raise ProblemError(404, "record_not_found", record_id=record_id[:64], enterprise_id=eid) from exc
        current = ledger_adapter.checkpoint_note(ledger)
        pub = ledger_adapter.public_key(ledger)
    proof = result.proof.to_dict()
    entry = entry_for(principal, why, "evidence", eid, {"record_ids": [record_id], "consent": decision.status})
    await log_or_fail(svc, entry)
    return {"enterprise_id": eid, "record_id": record_id, "record_type": proof["record_type"],
            "leaf_index": proof["leaf_index"], "tree_size": proof["tree_size"], "leaf": proof["leaf"],
            "leaf_hash": proof["leaf_hash"], "inclusion_proof": proof["inclusion_proof"],
            "checkpoint": proof["checkpoint"], "current_checkpoint": current, "public_key": pub,
            "sealed": proof["sealed"], "content": None if result.erased else result.content,
            "query_id": entry.entry_id}


def _in_leaves(svc: Any, record_id: str, leaves: list[int]) -> bool:
    with ledger_adapter.open_ledger(svc.home) as ledger:
        got = ledger.leaf_indexes([record_id])
    return record_id in got and got[record_id] in set(leaves)


@router.get("/enterprises", response_model=SearchPage, responses=ERRORS,
            summary="Search by name (Chinese, partial) or credit code / 企业检索")
async def search(request: Request,
                 q: Annotated[str, Query(min_length=1, max_length=100, description="name part or code prefix",
                                         examples=["汽车"])],
                 purpose: Purpose | None = PURPOSE_QUERY,
                 limit: Annotated[int, Query(ge=1, le=100, examples=[20])] = 20,
                 cursor: Annotated[str | None, Query(max_length=500, examples=[None])] = None,
                 principal: Principal = Depends(SEARCH_POLICY)) -> dict[str, Any]:
    """Firms whose name contains ``q`` or whose credit code starts with it, in credit-code order."""
    svc = service_of(request)
    why = check_purpose(principal, purpose)
    pos = svc_cursors(request).decode(cursor)
    after = str(pos["after"]) if pos and "after" in pos else None
    hits = svc.scores.search(q, limit, after)
    more = len(hits) > limit
    hits = hits[:limit]
    items = [{"enterprise_id": h.enterprise_id, "name": h.name, "region": h.region, "status": h.status}
             for h in hits]
    entry = entry_for(principal, why, "search", None, {"q": q, "enterprise_ids": [h.enterprise_id for h in hits]})
    await log_or_fail(svc, entry)
    nxt = svc_cursors(request).encode({"after": hits[-1].enterprise_id}) if more and hits else None
    return {"items": items, "next_cursor": nxt, "query_id": entry.entry_id}


def svc_cursors(request: Request) -> Any:
    return request.app.state.cursors


@router.post("/scores/batch", responses={**ERRORS, 413: problem_responses(413)[413],
                                         200: {"content": {"application/x-ndjson": {"example":
                                               '{"enterprise_id": "91440309BHL886EDK2", "score": 1433, ...}\n'}},
                                               "description": "One JSON object per line, in request order"}},
             summary="Batch scoring, streamed as NDJSON / 批量评分")
async def batch(request: Request, body: BatchIn, principal: Principal = Depends(BATCH_POLICY)) -> StreamingResponse:
    """Scores of up to 10,000 enterprises, one NDJSON line each (an unknown id gets a line with its
    problem code). Every line is in the query log before the stream starts."""
    svc = service_of(request)
    why = check_purpose(principal, body.purpose)
    if len(body.enterprise_ids) > svc.settings.batch_max_ids:
        raise ProblemError(413, "batch_too_large", limit=svc.settings.batch_max_ids, n=len(body.enterprise_ids))
    lang = lang_of(request)
    lines: list[bytes] = []
    entries = []
    for eid in body.enterprise_ids:
        try:
            check_enterprise(svc, eid)
        except ProblemError as exc:
            lines.append(json.dumps({"enterprise_id": eid[:64], "error": exc.code, "status": exc.status},
                                    ensure_ascii=False).encode() + b"\n")
            continue
        decision = decide_consent(svc, principal, eid, why)
        out, score_id = score_body(svc, eid, decision, lang)
        entry = entry_for(principal, why, "batch", eid, {"score_id": score_id, "consent": decision.status})
        out["query_id"] = entry.entry_id
        entries.append(entry)
        lines.append(json.dumps(out, ensure_ascii=False).encode() + b"\n")
        if len(lines) % 500 == 0:
            await asyncio.sleep(0)  # let other requests run during a large batch
    if entries:
        await log_or_fail(svc, *entries)

    async def stream() -> AsyncIterator[bytes]:
        for i in range(0, len(lines), 200):
            yield b"".join(lines[i:i + 200])

    return StreamingResponse(stream(), media_type="application/x-ndjson")
