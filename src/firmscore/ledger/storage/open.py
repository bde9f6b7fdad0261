"""Open a ledger storage from a URL: ``sqlite:///path/to/file.db`` or ``postgresql://...``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit, urlunsplit

from firmscore.ledger.storage.base import SqlStorage


def open_storage(url: str) -> SqlStorage:
    """The storage named by ``url``; a PostgreSQL URL may carry ``?schema=NAME`` to use its own schema."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        from firmscore.ledger.storage.sqlite import SqliteStorage

        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parts.path
        if not path:
            raise ValueError(f"no file in SQLite URL {url!r} (use sqlite:///path/to/ledger.db)")
        return SqliteStorage(path)
    if parts.scheme in {"postgresql", "postgres"}:
        from firmscore.ledger.storage.postgres import PostgresStorage

        query = parse_qs(parts.query)
        schema = query.pop("schema", [None])[0]
        rest = "&".join(f"{k}={v[0]}" for k, v in query.items())
        return PostgresStorage(urlunsplit(parts._replace(query=rest)), schema=schema)
    raise ValueError(f"unsupported ledger URL scheme {parts.scheme!r} (use sqlite:/// or postgresql://)")
