"""``firmscore admin erase|quarantine|rotate-kek|secure``: operator tasks that need the key folder."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from firmscore.admin import messages as _messages  # noqa: F401  (registers the admin messages)
from firmscore.admin.erase import erase_records
from firmscore.admin.secure import rotate_kek, secure_home
from firmscore.cli_options import parse_date, writing
from firmscore.datamodel.pii import FieldCipher
from firmscore.i18n import t
from firmscore.ledger.ledger import LEDGER_FILE, LedgerError
from firmscore.store.home import DataHome
from firmscore.store.quarantine import read_quarantine
from firmscore.terminal import print_error

admin_app = typer.Typer(
    help="Administration: erasure, key rotation, quarantine review, migration. 管理: 擦除、密钥轮换、隔离区、迁移。",
    no_args_is_help=True,
)
HOME_OPTION = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME).")


def _home_with_ledger(home: Path | None) -> DataHome:
    dh = DataHome.open(home)
    if not (dh.root / "ledger" / LEDGER_FILE).exists():
        print_error(Console(stderr=True), t("admin.no_ledger", path=dh.root / "ledger"))
        raise typer.Exit(2)
    return dh


@admin_app.command("erase")
def erase(
    record_ids: list[str] = typer.Argument(..., help="record_id of each sealed record to erase."),
    rule: str = typer.Option(..., "--rule", help="The rule the erasure follows (e.g. 征信业管理条例第十六条)."),
    on: str = typer.Option(..., "--on", help="Date of the erasure, YYYY-MM-DD."),
    home: Path = HOME_OPTION,
    recompute: bool = typer.Option(True, "--recompute/--no-recompute",
                                   help="Recompute stored features, labels and scores without the records."),
) -> None:
    """Erase records everywhere: ledger secrets, Parquet rows, derived outputs. 彻底擦除记录。"""
    on_date = parse_date(on)
    dh = _home_with_ledger(home)
    console = Console()
    try:
        busy = t("admin.erased", n=len(record_ids), rule=rule, date=on_date)
        with writing(dh, "erase"), console.status(busy) as status:
            report = erase_records(dh, record_ids, rule, on_date, recompute=recompute,
                                   say=lambda s: status.update(s))
    except LedgerError as exc:
        print_error(Console(stderr=True), str(exc))
        raise typer.Exit(1) from exc
    console.print(f"[green]{t('admin.erased', n=len(report.erasures), rule=rule, date=on_date)}[/green]")
    console.print(t("admin.rows_removed", rows=report.rows_removed, rewritten=len(report.parts_rewritten),
                    deleted=len(report.parts_deleted)))
    console.print(t("admin.recomputed", what=", ".join(report.recomputed)) if report.recomputed
                  else t("admin.nothing_recomputed"))


@admin_app.command("quarantine")
def quarantine(
    home: Path = HOME_OPTION,
    limit: int = typer.Option(50, "--limit", help="Show at most this many rows (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line, raw row decrypted."),
) -> None:
    """Show quarantined rows with their raw content decrypted (needs the key folder). 查看隔离记录。"""
    dh = DataHome.open(home)
    rows = read_quarantine(dh.quarantine_dir, FieldCipher(dh.secrets().data_key), limit or None)
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r, ensure_ascii=False, default=str))
        return
    console = Console()
    if not rows:
        console.print(t("admin.quarantine_empty"))
        return
    table = Table(title=t("admin.quarantine_title"))
    for col in ("file", "line", "field", "reason", "raw"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["file"]), str(r["line"]), str(r["field"]), str(r["reason"]), str(r["raw"]))
    console.print(table)


@admin_app.command("rotate-kek")
def rotate(home: Path = HOME_OPTION) -> None:
    """New key-encryption key; every record key re-wrapped; the old one destroyed. 轮换密钥加密密钥。"""
    dh = _home_with_ledger(home)
    with Console().status("rotate / 轮换"):
        n = rotate_kek(dh)
    Console().print(f"[green]{t('admin.rotated', n=n)}[/green]")


@admin_app.command("secure")
def secure(home: Path = HOME_OPTION) -> None:
    """Migrate an older home: keys out, ledger secrets wrapped, quarantine sealed, modes 0600/0700. 安全迁移。"""
    dh = DataHome.open(home)
    with Console().status("secure / 迁移"):
        rep = secure_home(dh)
    done = t("admin.secured", moved=rep.secrets_moved, wrapped=rep.keys_wrapped, sealed=rep.quarantine_files_sealed,
             fixed=rep.modes_fixed)
    Console().print(f"[green]{done}[/green]")


def register(app: typer.Typer) -> None:
    app.add_typer(admin_app, name="admin")
