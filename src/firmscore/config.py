"""Configuration: where the data home is and which keys protect personal data.

Keys come from the environment (``FIRMSCORE_HMAC_KEY``, ``FIRMSCORE_DATA_KEY``, base64) when set,
as a deployment would provide them; otherwise a data home creates its own ``secrets.json``
(mode 0600) on first use so that the embedded default works with no set-up.
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
