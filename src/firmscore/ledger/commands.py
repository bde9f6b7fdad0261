"""``firmscore ledger verify|checkpoint|prove|pubkey``: the ledger from the command line."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from firmscore.config import key_dir as config_key_dir
from firmscore.i18n import both, t
from firmscore.ledger.audit import Problem
from firmscore.ledger.checkpoint import CheckpointError
from firmscore.ledger.keys import rotate_key
from firmscore.ledger.ledger import LEDGER_FILE, EvidenceLedger, LedgerError
from firmscore.ledger.log import LedgerCorrupted
from firmscore.ledger.verify import ProofError
from firmscore.ledger.witnessing import add_witness
from firmscore.store.home import DataHome
from firmscore.terminal import print_error

ledger_app = typer.Typer(
    help="Evidence ledger: verify, checkpoints, proofs, public key. 证据账本。", no_args_is_help=True
)
HOME_OPTION = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME).")


def _print_note(console: Console, note: str) -> None:
    """A signed note verbatim (never wrapped, so it can be copied into a verifier)."""
    console.rule(t("ledger.checkpoint_title"))
    console.print(note.rstrip("\n"), soft_wrap=True, highlight=False, markup=False)
    console.rule()


def _open(home: Path | None, *, create_key: bool = True) -> EvidenceLedger:
    dh = DataHome.open(home)
    if not (dh.root / "ledger" / LEDGER_FILE).exists():  # for_home would create an empty one
        print_error(Console(stderr=True), f"no ledger at {dh.root / 'ledger'} / 账本不存在")
        raise typer.Exit(2)
    return EvidenceLedger.for_home(dh, create_key=create_key, say=lambda m: Console(stderr=True).print(m))


def _kept_note(path: Path) -> str:
    """A checkpoint note from a file: the note itself, or a score receipt (JSON) that carries one."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        doc = json.loads(text)
        note = doc.get("checkpoint") if isinstance(doc, dict) else None
        if not isinstance(note, str):
            raise ValueError(f"{path} is JSON without a 'checkpoint' note")
        return note
    return text


def _problem_table(problems: list[Problem]) -> Table:
    table = Table(title=t("ledger.verify_bad", n=len(problems)))
    for col in ("kind", "where", "中文", "English"):
        table.add_column(col)
    for p in problems[:200]:
        table.add_row(p.kind, p.where, p.zh, p.en)
    return table


def _fail(console: Console, kind: str, where: str, key: str, **kwargs: object) -> NoReturn:
    zh, en = both(key, **kwargs)
    console.print(_problem_table([Problem(kind, where, zh, en)]))
    raise typer.Exit(1)


@ledger_app.command("verify")
def verify(
    home: Path = HOME_OPTION,
    against: list[Path] = typer.Option(
        [], "--against", help="A checkpoint note or score receipt kept elsewhere (repeatable); the log must extend it."
    ),
    offline: bool = typer.Option(False, "--offline", help="Do not ask the configured witnesses."),
) -> None:
    """Re-hash the whole ledger, check it extends every witnessed checkpoint; name every problem. 全量校验。"""
    console = Console()
    notes = []
    for path in against:
        try:
            notes.append(_kept_note(path))
        except (OSError, ValueError) as exc:
            _fail(console, "checkpoint_unreadable", str(path), "ledger.checkpoint_invalid", size=str(path),
                  detail=str(exc))
    try:
        led = _open(home, create_key=False)
    except (CheckpointError, LedgerError, LedgerCorrupted, sqlite3.DatabaseError, OSError) as exc:
        _fail(console, "ledger_unreadable", str(home or ""), "ledger.unreadable", detail=f"{type(exc).__name__}: {exc}")
    with led:
        try:
            size = led.size
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task(t("ledger.verifying"), total=size)
                report = led.verify_all(progress=lambda n: bar.advance(task, n), trusted=notes,
                                        ask_witnesses=not offline)
        except (CheckpointError, LedgerError, LedgerCorrupted, sqlite3.DatabaseError, ValueError) as exc:
            _fail(console, "ledger_unreadable", str(led.key_dir), "ledger.unreadable",
                  detail=f"{type(exc).__name__}: {exc}")
        summary = Table(title=t("ledger.verify_title"))
        summary.add_column("")
        summary.add_column("", justify="right")
        summary.add_row("tree size / 树规模", f"{report.tree_size:,}")
        summary.add_row("root / 根哈希", base64.b64encode(report.root).decode())
        summary.add_row("leaves re-hashed / 重算叶子", f"{report.leaves_checked:,}")
        summary.add_row("tiles checked / 校验瓦片", f"{report.tiles_checked:,}")
        summary.add_row("checkpoints verified / 验签检查点", f"{report.checkpoints_checked:,}")
        summary.add_row("witnessed or kept checkpoints / 见证与外部检查点", f"{report.trusted_checked:,}")
        summary.add_row("witnesses asked / 询问的见证方", ", ".join(report.witnesses) or "none / 无")
        summary.add_row("record entries / 记录索引", f"{report.records_checked:,}")
        summary.add_row("seconds / 用时(秒)", f"{report.seconds:.2f}")
        console.print(summary)
        if report.ok:
            console.print(f"[green]{t('ledger.verify_ok')}[/green]")
            return
        console.print(_problem_table(report.problems))
        if len(report.problems) > 200:
            console.print(f"... {len(report.problems) - 200} more")
        raise typer.Exit(1)


@ledger_app.command("init")
def init(home: Path = HOME_OPTION) -> None:
    """Create the ledger and its signing key (in the key folder); print the published keyring. 初始化账本。"""
    dh = DataHome.open(home)
    with EvidenceLedger.for_home(dh, say=lambda m: Console(stderr=True).print(m)) as led:
        typer.echo(led.public_key())


@ledger_app.command("checkpoint")
def checkpoint(
    home: Path = HOME_OPTION,
    witness: bool = typer.Option(True, "--witness/--no-witness", help="Submit it to the configured witnesses."),
) -> None:
    """Print the latest signed checkpoint, cosigned by the configured witnesses (C2SP signed note). 最新检查点。"""
    console = Console()
    with _open(home) as led:
        if not witness:
            _print_note(console, led.checkpoint().note)
            return
        got = led.witness()
        _print_note(console, got.note)
        for name, why in got.refused:
            print_error(console, t('ledger.witness_refused', witness=name, detail=why))
        if got.refused:
            raise typer.Exit(1)


@ledger_app.command("witness-add")
def witness_add(
    url: str = typer.Argument(..., help="The witness's URL (e.g. http://127.0.0.1:8787)."),
    key: str = typer.Argument(..., help="The witness's cosigner key (firmscore witness pubkey)."),
    home: Path = HOME_OPTION,
) -> None:
    """Configure a witness for this ledger (stored in the key folder, outside the home). 添加见证方。"""
    dh = DataHome.open(home)
    made = add_witness(config_key_dir(dh.root), url, key)
    Console().print(f"{made.name} @ {made.url}")


@ledger_app.command("rotate-key")
def rotate(home: Path = HOME_OPTION) -> None:
    """Replace the signing key; the old public key stays published for old checkpoints. 轮换签名密钥。"""
    with _open(home) as led:
        size = led.size
        old, new = rotate_key(led.key_dir, signed_up_to=size)
    Console().print(t("ledger.key_rotated", old=old.key_id.hex(), new=new.key_id.hex(), size=size))
    Console().print(t("ledger.witness_retrust"))


@ledger_app.command("prove")
def prove(
    record_id: str = typer.Argument(..., help="record_id of the record to prove."),
    home: Path = HOME_OPTION,
    tree_size: int = typer.Option(None, "--tree-size", help="Prove against this past tree size."),
    as_json: bool = typer.Option(False, "--json", help="Print the proof as JSON for a third-party verifier."),
) -> None:
    """Inclusion proof of a record, with its checkpoint, leaf and content or erasure. 记录包含证明。"""
    console = Console()
    with _open(home) as led:
        try:
            result = led.lookup(record_id) if tree_size is None else None
            proof = result.proof if result is not None else led.prove(record_id, tree_size)
        except LedgerError as exc:
            print_error(console, exc)
            raise typer.Exit(1) from exc
        if as_json:
            payload = proof.to_dict()
            if result is not None:
                payload["content"] = result.content
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        table = Table(title=f"{t('ledger.proof_title')}: {record_id}", show_header=False)
        table.add_row("record type / 记录类型", proof.record_type)
        table.add_row("leaf index / 叶子序号", f"{proof.leaf_index:,}")
        table.add_row("tree size / 树规模", f"{proof.tree_size:,}")
        table.add_row("leaf hash / 叶子哈希", base64.b64encode(proof.leaf_hash).decode())
        table.add_row("sealed / 承诺形式", "yes / 是" if proof.sealed else "no / 否")
        for i, h in enumerate(proof.path):
            table.add_row(f"proof[{i}]", base64.b64encode(h).decode())
        console.print(table)
        if proof.erasure is not None:
            console.print(f"[yellow]{proof.erasure.message_zh} / {proof.erasure.message_en}[/yellow]", soft_wrap=True)
        elif result is not None and result.content is not None:
            console.print_json(json.dumps(result.content, ensure_ascii=False))
        _print_note(console, proof.checkpoint.note)
        try:
            proof.verify(led.verifier)
            console.print(f"[green]{t('ledger.proof_ok')}[/green]")
        except (ProofError, ValueError) as exc:
            print_error(console, t('ledger.proof_bad', detail=exc))
            raise typer.Exit(1) from exc


@ledger_app.command("pubkey")
def pubkey(home: Path = HOME_OPTION) -> None:
    """Print the published keyring (current key first) in note verifier-key format. 打印验签公钥。"""
    with _open(home, create_key=False) as led:
        typer.echo(led.public_key())


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
