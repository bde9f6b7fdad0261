"""``firmscore serve`` and ``firmscore admin ...``: the service from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from firmscore.service.roles import Role
from firmscore.terminal import print_error

HOME = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME).")
DB = typer.Option(None, "--database-url", help="Operational store, e.g. postgresql+psycopg://user@host/db "
                  "(default: SQLite in WAL mode inside the data home).")


def _settings(home: Path | None, database_url: str | None) -> object:
    from firmscore.service.settings import ServiceSettings
    from firmscore.store.home import DataHome

    return ServiceSettings(home=DataHome.open(home).root, database_url=database_url)


def _sessions(home: Path | None, database_url: str | None) -> object:
    from firmscore.service.settings import ServiceSettings
    from firmscore.service.store.db import connect_store

    settings = _settings(home, database_url)
    assert isinstance(settings, ServiceSettings)
    return connect_store(settings.db_url)[1]


def _shown_once(console: Console, title: str, rows: list[tuple[str, str]]) -> None:
    t = Table(title=title, show_header=False)
    for k, v in rows:
        t.add_row(k, v)
    console.print(t)
    console.print("[yellow]the secret is shown only now; it is stored as a hash / "
                  "密钥仅显示这一次,仅保存其哈希[/yellow]")


def _fail(exc: Exception) -> None:
    print_error(Console(stderr=True), str(exc))
    raise typer.Exit(2)


def serve(
    home: Path = HOME,
    database_url: str = DB,
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8700, "--port"),
    log_level: str = typer.Option("warning", "--log-level"),
    rate: float = typer.Option(2000.0, "--rate", help="Requests per second per client (token bucket)."),
    burst: float = typer.Option(4000.0, "--burst", help="Burst size per client."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Server processes (0 < N); with N > 1 the ledger appender runs in a "
                                     "process of its own and each worker enforces rate/N and burst/N per client."),
) -> None:
    """Start the credit service (HTTP API). 启动信用服务。"""
    import os

    import uvicorn

    from firmscore.service.app import create_app, prepare_pool
    from firmscore.service.appender import Appender
    from firmscore.service.settings import SETTINGS_ENV, ServiceSettings
    from firmscore.store.home import DataHome

    root = DataHome.open(home).root
    if not (root / "scores").is_dir():
        _fail(FileNotFoundError(f"no scores in {root} (run: firmscore score --as-of DATE) / 数据目录中没有评分"))
    console = Console(stderr=True)
    common = {"host": host, "port": port, "log_level": log_level, "access_log": False, "timeout_keep_alive": 30,
              "limit_concurrency": 2000, "timeout_graceful_shutdown": 5}
    if workers == 1:
        settings = ServiceSettings(home=root, database_url=database_url, rate_per_s=rate, rate_burst=burst)
        app = create_app(settings)
        console.print(f"firmscore service on http://{host}:{port}/v1  (docs: http://{host}:{port}/docs)")
        uvicorn.run(app, **common)  # type: ignore[arg-type]
        return
    # a token bucket per worker: a client never gets more than the declared rate in all
    settings = ServiceSettings(home=root, database_url=database_url, rate_per_s=rate / workers,
                               rate_burst=max(1.0, burst / workers), pool_worker=True)
    prepare_pool(settings)
    os.environ[SETTINGS_ENV] = settings.to_json()
    appender = Appender(settings)
    appender.start()
    console.print(f"firmscore service on http://{host}:{port}/v1  (docs: http://{host}:{port}/docs), "
                  f"{workers} workers + 1 ledger appender / {workers} 个工作进程")
    try:
        uvicorn.run("firmscore.service.app:app_from_environment", factory=True, workers=workers,
                    timeout_worker_healthcheck=120,  # a worker loads the scores before it answers pings
                    **common)  # type: ignore[arg-type]
    finally:
        code = appender.stop()
        if code != 0:
            console.print(f"[red]ledger appender exit code {code}: pending query-log entries are appended at the "
                          "next start / 账本追加进程异常退出,待追加的查询记录将在下次启动时写入[/red]")


def institution(institution_id: str = typer.Argument(...), name_zh: str = typer.Option(..., "--name-zh"),
                name_en: str = typer.Option(..., "--name-en"), home: Path = HOME, database_url: str = DB) -> None:
    """Create an institution (a tenant). 新建机构。"""
    from firmscore.service import admin

    try:
        sessions = _sessions(home, database_url)
        admin.add_institution(sessions, institution_id, name_zh, name_en)  # type: ignore[arg-type]
    except admin.AdminError as exc:
        _fail(exc)
    Console().print(f"institution / 机构 {institution_id} created")


def client(institution_id: str = typer.Argument(...), name: str = typer.Option("api client", "--name"),
           client_id: str = typer.Option(None, "--client-id"),
           scope: list[str] = typer.Option([], "--scope", help="Repeatable; default: every institution scope."),
           api_key: bool = typer.Option(False, "--api-key", help="Also issue an API key."),
           home: Path = HOME, database_url: str = DB) -> None:
    """Create an API client of an institution; prints the client secret once. 新建系统客户端。"""
    from firmscore.service import admin

    sessions = _sessions(home, database_url)
    try:
        made = admin.add_client(sessions, institution_id, name, client_id, scope or None)  # type: ignore[arg-type]
        rows = [("client_id", made.id), ("client_secret", made.secret)]
        if api_key:
            rows.append(("api_key", admin.add_api_key(sessions, made.id).secret))  # type: ignore[arg-type]
    except admin.AdminError as exc:
        _fail(exc)
    _shown_once(Console(), "API client / 系统客户端", rows)


def account(username: str = typer.Argument(...),
            role: str = typer.Option(..., "--role", help="subject | analyst | admin"),
            enterprise_id: str = typer.Option(None, "--enterprise", help="The firm of a subject account."),
            institution_id: str = typer.Option(None, "--institution", help="The institution of an analyst."),
            home: Path = HOME, database_url: str = DB) -> None:
    """Create an account (a firm's own, an analyst's, an admin's); prints the password once. 新建账户。"""
    from firmscore.service import admin

    try:
        made = admin.add_account(_sessions(home, database_url), username, Role(role),  # type: ignore[arg-type]
                                 institution_id=institution_id, enterprise_id=enterprise_id)
    except (admin.AdminError, ValueError) as exc:
        _fail(exc)
    _shown_once(Console(), "account / 账户", [("username", made.id), ("password", made.secret), ("role", role)])


def disable(kind: str = typer.Argument(..., help="institution | client | account | api-key"),
            ident: str = typer.Argument(...), home: Path = HOME, database_url: str = DB) -> None:
    """Disable an institution, client, account or API key: its tokens are refused from the next request. 停用。"""
    from firmscore.service import admin

    try:
        admin.set_active(_sessions(home, database_url), kind, ident, False)  # type: ignore[arg-type]
    except (admin.AdminError, KeyError) as exc:
        _fail(exc)
    Console().print(f"{kind} {ident} disabled / 已停用")


def rotate_keys(home: Path = HOME) -> None:
    """Rotate the token signing key (older keys keep verifying until their tokens expire). 轮换签名密钥。"""
    from firmscore.service import admin
    from firmscore.service.settings import ServiceSettings

    settings = _settings(home, None)
    assert isinstance(settings, ServiceSettings)
    Console().print(f"new signing key / 新签名密钥: {admin.rotate_signing_key(settings.signing_key_dir)}")


def register(app: typer.Typer) -> None:
    """``serve``, and the service's tenants, clients, accounts and keys under the operator's ``firmscore admin``."""
    from firmscore.admin.commands import admin_app

    app.command("serve")(serve)
    for name, command in (("institution", institution), ("client", client), ("account", account),
                          ("disable", disable), ("rotate-keys", rotate_keys)):
        admin_app.command(name)(command)
