"""Administration of the operational store: institutions, API clients, API keys, accounts, key rotation.

Library functions (the CLI ``firmscore admin`` is a face over them; tests and the demo call them
directly). Secrets are generated here, returned once, and stored only as hashes.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets as _secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from firmscore.service.keys import KeyRing
from firmscore.service.roles import INSTITUTION_SCOPES, Role
from firmscore.service.secrets import hash_secret, new_api_key, new_secret
from firmscore.service.store.models import Account, ApiClient, ApiKey, Institution

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class AdminError(ValueError):
    """A refused administrative change (the message names what and why)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_id(value: str, what: str) -> str:
    if not _ID.match(value):
        raise AdminError(f"{what} {value!r}: use 1-64 letters, digits, '_', '.', '-' / 标识只能包含字母、数字、_ . -")
    return value


@dataclass(frozen=True)
class Created:
    """An identifier and the secret that goes with it — shown once, never stored in clear."""

    id: str
    secret: str


def add_institution(sessions: sessionmaker[Session], institution_id: str, name_zh: str, name_en: str) -> None:
    _check_id(institution_id, "institution")
    with sessions.begin() as s:
        if s.get(Institution, institution_id) is not None:
            raise AdminError(f"institution {institution_id} exists / 机构已存在")
        s.add(Institution(institution_id=institution_id, name_zh=name_zh, name_en=name_en, active=True,
                          created_at=_now()))


def add_client(sessions: sessionmaker[Session], institution_id: str, name: str, client_id: str | None = None,
               scopes: list[str] | None = None, secret: str | None = None) -> Created:
    cid = _check_id(client_id or f"{institution_id}-{_secrets.token_hex(4)}", "client")
    allowed = [s.value for s in INSTITUTION_SCOPES]
    chosen = scopes or allowed
    bad = [s for s in chosen if s not in allowed]
    if bad:
        raise AdminError(f"scopes {bad} are not institution scopes {allowed}")
    secret = secret or new_secret()
    with sessions.begin() as s:
        if s.get(Institution, institution_id) is None:
            raise AdminError(f"no institution {institution_id} / 机构不存在")
        if s.get(ApiClient, cid) is not None:
            raise AdminError(f"client {cid} exists / 客户端已存在")
        s.add(ApiClient(client_id=cid, institution_id=institution_id, name=name, secret_hash=hash_secret(secret),
                        scopes=" ".join(chosen), active=True, created_at=_now()))
    return Created(cid, secret)


def add_api_key(sessions: sessionmaker[Session], client_id: str) -> Created:
    key_id, key, key_hash = new_api_key()
    with sessions.begin() as s:
        if s.get(ApiClient, client_id) is None:
            raise AdminError(f"no client {client_id} / 客户端不存在")
        s.add(ApiKey(key_id=key_id, client_id=client_id, key_hash=key_hash, active=True, created_at=_now()))
    return Created(key_id, key)


def add_account(sessions: sessionmaker[Session], username: str, role: Role, *, institution_id: str | None = None,
                enterprise_id: str | None = None, password: str | None = None) -> Created:
    _check_id(username, "username")
    if role is Role.CLIENT:
        raise AdminError("clients are created with add_client / 系统客户端请用 client add")
    if role is Role.ANALYST and not institution_id:
        raise AdminError("an analyst belongs to an institution (--institution) / 分析师须属于机构")
    if role is Role.SUBJECT and not enterprise_id:
        raise AdminError("a subject account speaks for one enterprise (--enterprise) / 企业账户须指定企业")
    password = password or new_secret()
    with sessions.begin() as s:
        if institution_id and s.get(Institution, institution_id) is None:
            raise AdminError(f"no institution {institution_id} / 机构不存在")
        if s.get(Account, username) is not None:
            raise AdminError(f"account {username} exists / 账户已存在")
        s.add(Account(username=username, role=role.value, password_hash=hash_secret(password),
                      institution_id=institution_id if role is Role.ANALYST else None,
                      enterprise_id=enterprise_id if role is Role.SUBJECT else None, active=True,
                      created_at=_now()))
    return Created(username, password)


def set_active(sessions: sessionmaker[Session], kind: str, ident: str, active: bool) -> None:
    models: dict[str, type[Institution] | type[ApiClient] | type[Account] | type[ApiKey]] = {
        "institution": Institution, "client": ApiClient, "account": Account, "api-key": ApiKey}
    if kind not in models:
        raise AdminError(f"unknown kind {kind!r}: one of {sorted(models)}")
    with sessions.begin() as s:
        row: Any = s.get(models[kind], ident)
        if row is None:
            raise AdminError(f"no {kind} {ident} / 不存在")
        row.active = active


def rotate_signing_key(key_dir_path: object) -> str:
    from pathlib import Path

    ring = KeyRing(Path(str(key_dir_path)))
    return ring.rotate().kid
