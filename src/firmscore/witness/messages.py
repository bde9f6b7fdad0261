"""Bilingual messages of the witness (registered in :mod:`firmscore.i18n`)."""

from __future__ import annotations

from firmscore import i18n

MESSAGES: dict[str, tuple[str, str]] = {
    "witness.trusted": ("见证方现在信任账本 {origins} 的公钥", "the witness now trusts the keys of log {origins}"),
    "witness.serving": ("见证服务运行于 {url}, 公钥 {vkey}", "witness serving at {url}, key {vkey}"),
}

i18n.register(MESSAGES)
