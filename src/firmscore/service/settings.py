"""Service settings: where the data home and the operational store are, and the abuse limits."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from firmscore.config import key_dir

#: The operational store's file inside the data home (SQLite, WAL) when no database URL is given.
OPERATIONAL_DB = "service/operational.db"
#: Environment variable carrying the settings (JSON) to the worker processes of ``serve --workers N``;
#: it holds paths and limits only, never a secret.
SETTINGS_ENV = "FIRMSCORE_SERVICE_SETTINGS"


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """Everything the app factory needs; built by ``firmscore serve`` from its options.

    Limits are deliberately small defaults: a token lives 15 minutes, a request body is at most
    2 MiB (a 10,000-id batch fits), a client may make ``rate`` requests per second with bursts of
    ``burst``.
    """

    home: Path
    database_url: str | None = None
    issuer: str = "firmscore"
    audience: str = "firmscore-api"
    token_ttl_s: int = 900
    max_body_bytes: int = 2 * 1024 * 1024
    batch_max_ids: int = 10_000
    rate_per_s: float = 2_000.0
    rate_burst: float = 4_000.0
    request_timeout_s: float = 30.0
    ledger_commit_interval_s: float = 0.25
    ledger_commit_max: int = 5_000
    #: this process is one of several server workers: the parent migrated the store, created the
    #: keys and runs the one ledger appender (:mod:`firmscore.service.appender`)
    pool_worker: bool = False

    def to_json(self) -> str:
        """The settings as JSON, handed to worker processes through :data:`SETTINGS_ENV`."""
        data: dict[str, Any] = asdict(self)
        data["home"] = str(self.home)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> ServiceSettings:
        data = json.loads(text)
        data["home"] = Path(data["home"])
        return cls(**data)

    @classmethod
    def from_environment(cls) -> ServiceSettings:
        """The settings a worker process was started with (``firmscore serve --workers N``)."""
        text = os.environ.get(SETTINGS_ENV)
        if not text:
            raise RuntimeError(f"{SETTINGS_ENV} is not set: worker processes are started by `firmscore serve`")
        return cls.from_json(text)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL of the operational store (SQLite inside the data home by default)."""
        if self.database_url:
            return self.database_url
        path = self.home / OPERATIONAL_DB
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return f"sqlite:///{path}"

    @property
    def signing_key_dir(self) -> Path:
        """Token signing keys: ``<key_dir(home)>/service`` — outside the data home, mode 0700."""
        d = key_dir(self.home) / "service"
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        return d
