"""The one error type of the federation protocol: a stable code plus a Chinese and English text."""

from __future__ import annotations

from firmscore.federate import messages as _messages  # noqa: F401  (registers the messages)
from firmscore.i18n import both


class FederationError(RuntimeError):
    """A protocol step that cannot go on; ``code`` is stable (``federate.replay``, ...) for HTTP problems."""

    def __init__(self, key: str, **kwargs: object) -> None:
        self.code = key
        self.zh, self.en = both(key, **kwargs)
        super().__init__(f"{self.zh} / {self.en}")
