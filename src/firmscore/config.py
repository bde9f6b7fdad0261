"""Configuration: where the data home is and which keys protect personal data.

Keys come from the environment (``FIRMSCORE_HMAC_KEY``, ``FIRMSCORE_DATA_KEY``, base64) when set,
as a deployment would provide them; otherwise a data home's key folder (:func:`key_dir`, outside the
home) holds its ``secrets.json`` (mode 0600), created on first use so that the embedded default works
with no set-up. A ``secrets.json`` left inside the home by an older version is moved there.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path("firmscore-data")
ENV_HOME = "FIRMSCORE_HOME"
ENV_HMAC_KEY = "FIRMSCORE_HMAC_KEY"
ENV_DATA_KEY = "FIRMSCORE_DATA_KEY"
ENV_DATASETS = "FIRMSCORE_DATASETS"
ENV_KEY_DIR = "FIRMSCORE_KEY_DIR"
SECRETS_FILE = "secrets.json"


class KeyMigrationError(RuntimeError):
    """The home and its key folder hold different ``secrets.json``: which one is right is the operator's call."""


def default_home() -> Path:
    """The data home: ``$FIRMSCORE_HOME`` or ``./firmscore-data``."""
    return Path(os.environ.get(ENV_HOME, str(DEFAULT_HOME)))


def key_dir(home: Path) -> Path:
    """Where a data home's private keys live: ``$FIRMSCORE_KEY_DIR``, else ``<home>.keys`` beside the home.

    Keys are never stored inside the data home: whoever can rewrite the home's files must not also hold the keys
    that sign its checkpoints or unwrap its records. The folder is created with mode 0700.
    """
    env = os.environ.get(ENV_KEY_DIR)
    path = Path(env) if env else home.resolve().parent / f"{home.resolve().name}.keys"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def shared_datasets_dir() -> Path:
    """Where the real datasets live: ``$FIRMSCORE_DATASETS`` or ``../shared/datasets``."""
    env = os.environ.get(ENV_DATASETS)
    if env:
        return Path(env)
    # ../shared beside the repository (src/firmscore/config.py → repo root is parents[2]), else beside the cwd
    candidates = [Path(__file__).resolve().parents[2].parent / "shared", Path.cwd().resolve().parent / "shared"]
    for c in candidates:
        if (c / "datasets").is_dir():
            return c / "datasets"
    return candidates[0] / "datasets"


@dataclass(frozen=True)
class Secrets:
    """Key material of one data home."""

    hmac_key: bytes
    data_key: bytes

    @classmethod
    def for_home(cls, home: Path) -> Secrets:
        """The keys of the data home at ``home``: environment, else ``key_dir(home)/secrets.json``.

        An older home kept ``secrets.json`` inside itself, next to the data it protects; it is moved
        to the key folder (written there first, 0600, then removed from the home).
        """
        target = key_dir(home) / SECRETS_FILE
        legacy = Path(home) / SECRETS_FILE
        if legacy.exists():
            old = legacy.read_bytes()
            if target.exists() and target.read_bytes() != old:
                raise KeyMigrationError(
                    f"{legacy} and {target} hold different keys; keep the right one and remove the other / "
                    "数据目录与密钥目录中的 secrets.json 不一致"
                )
            if not target.exists():
                tmp = target.with_name(f".{SECRETS_FILE}.{os.getpid()}.tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(old)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
            legacy.unlink()
        return cls.load_or_create(target)

    @classmethod
    def load_or_create(cls, path: Path) -> Secrets:
        """Read keys from the environment, else from ``path``, else create and store new ones."""
        env_h, env_d = os.environ.get(ENV_HMAC_KEY), os.environ.get(ENV_DATA_KEY)
        if env_h and env_d:
            return cls(base64.b64decode(env_h), base64.b64decode(env_d))
        if path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(base64.b64decode(raw["hmac_key"]), base64.b64decode(raw["data_key"]))
        made = cls(secrets.token_bytes(32), secrets.token_bytes(32))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "hmac_key": base64.b64encode(made.hmac_key).decode(),
                    "data_key": base64.b64encode(made.data_key).decode(),
                },
                fh,
            )
        return made
