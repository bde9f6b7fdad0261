"""The response language: Chinese or English, chosen by ``Accept-Language`` (Chinese by default)."""

from __future__ import annotations

from firmscore.i18n import both

DEFAULT_LANG = "zh"


def choose_lang(accept_language: str | None) -> str:
    """``zh`` or ``en``: the highest-weighted of the two in ``Accept-Language`` (RFC 9110 §12.5.4)."""
    if not accept_language:
        return DEFAULT_LANG
    best, best_q = DEFAULT_LANG, -1.0
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        lang = "zh" if primary == "zh" else "en" if primary == "en" else None
        # earlier tags win ties (a stable choice for "zh, en" and "en, zh")
        if lang and q > 0 and q - position * 1e-9 > best_q:
            best, best_q = lang, q - position * 1e-9
    return best


def text(key: str, lang: str, **kwargs: object) -> str:
    """One message in ``lang``."""
    zh, en = both(key, **kwargs)
    return zh if lang == "zh" else en
