"""What anyone may read: the token verification keys, the ledger's checkpoint and key, health."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from firmscore.service import ledger_adapter
from firmscore.service.policies import PUBLIC
from firmscore.service.routes.common import service_of
from firmscore.service.schemas import Checkpoint, Health, Jwks

router = APIRouter(prefix="/v1", tags=["public"])


@router.get("/.well-known/jwks.json", response_model=Jwks, summary="Token verification keys (JWKS) / 令牌验签公钥")
async def jwks(request: Request, _: None = Depends(PUBLIC)) -> dict[str, Any]:
    """The Ed25519 public keys (``kid``) that sign access tokens, current and still-valid older ones."""
    keys: dict[str, Any] = service_of(request).keys.jwks()
    return keys


@router.get("/ledger/checkpoint", response_model=Checkpoint, summary="Current signed checkpoint / 当前签名检查点")
async def checkpoint(request: Request, _: None = Depends(PUBLIC)) -> dict[str, Any]:
    """The evidence ledger's latest signed checkpoint and the public key to check it with."""
    with ledger_adapter.open_ledger(service_of(request).home) as ledger:
        cp = ledger.checkpoint()
        return {"checkpoint": cp.note, "public_key": ledger_adapter.public_key(ledger), "tree_size": cp.size}


@router.get("/health", response_model=Health, summary="Health / 健康检查")
async def health(request: Request, _: None = Depends(PUBLIC)) -> dict[str, Any]:
    svc = service_of(request)
    return {"status": "ok", "as_of": svc.scores.as_of.isoformat(), "model_id": svc.scores.model_id,
            "firms": len(svc.scores.rows), "ledger_pending": svc.querylog.ledger_error is not None}
