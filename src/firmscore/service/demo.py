"""Demo credentials for a person trying the service (``make serve``) and for ``make demo``'s client session.

Each call makes a fresh client and firm account with new random secrets (secrets are never stored
in clear, so earlier ones cannot be shown again); the institution is created once.
"""

from __future__ import annotations

import secrets
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy.orm import Session, sessionmaker

from firmscore.scoring.verify import latest_as_of
from firmscore.service import admin
from firmscore.service.roles import Role
from firmscore.service.store.models import Institution
from firmscore.store.home import DataHome

DEMO_INSTITUTION = "demo-bank"


def demo_firm(home: DataHome) -> str:
    """A firm near the 5th score percentile (it has reasons to show), as ``make demo`` picks it."""
    day = latest_as_of(home)
    t = pq.read_table(home.root / "scores" / f"as_of={day}" / "scores.parquet", columns=["enterprise_id", "score"])
    df = t.to_pandas().sort_values(["score", "enterprise_id"])
    return str(df.iloc[len(df) // 20].enterprise_id)


def provision_demo(sessions: sessionmaker[Session], home: DataHome, enterprise_id: str | None = None
                   ) -> dict[str, Any]:
    with sessions() as s:
        exists = s.get(Institution, DEMO_INSTITUTION) is not None
    if not exists:
        admin.add_institution(sessions, DEMO_INSTITUTION, "演示银行", "Demo Bank")
    tag = secrets.token_hex(3)
    client = admin.add_client(sessions, DEMO_INSTITUTION, "demo loans system", client_id=f"demo-bank-{tag}")
    firm = enterprise_id or demo_firm(home)
    account = admin.add_account(sessions, f"firm-{tag}", Role.SUBJECT, enterprise_id=firm)
    return {"institution": DEMO_INSTITUTION, "client_id": client.id, "client_secret": client.secret,
            "enterprise_id": firm, "username": account.id, "password": account.secret}
