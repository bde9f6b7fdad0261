"""The platform operator's read-only view over the API (changes are made with ``firmscore admin``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from firmscore.service.auth import Principal
from firmscore.service.policies import policy
from firmscore.service.problems import problem_responses
from firmscore.service.roles import Role, Scope
from firmscore.service.routes.common import service_of
from firmscore.service.schemas import InstitutionList
from firmscore.service.store.models import Institution

router = APIRouter(prefix="/v1/admin", tags=["admin"])
ADMIN_POLICY = policy(Role.ADMIN, scope=Scope.ADMIN)


@router.get("/institutions", response_model=InstitutionList, responses=problem_responses(401, 403, 429),
            summary="Institutions / 机构列表")
async def institutions(request: Request, principal: Principal = Depends(ADMIN_POLICY)) -> dict[str, Any]:
    with service_of(request).sessions() as s:
        rows = list(s.scalars(select(Institution).order_by(Institution.institution_id)))
    return {"items": [{"institution_id": r.institution_id, "name_zh": r.name_zh, "name_en": r.name_en,
                       "active": r.active} for r in rows]}
