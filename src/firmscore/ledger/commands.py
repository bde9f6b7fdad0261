"""``firmscore ledger verify|checkpoint|prove|pubkey``: the ledger from the command line."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from firmscore.i18n import t
from firmscore.ledger.ledger import LEDGER_FILE, EvidenceLedger, LedgerError
from firmscore.ledger.verify import ProofError
from firmscore.store.home import DataHome

ledger_app = typer.Typer(
    help="Evidence ledger: verify, checkpoints, proofs, public key. 证据账本。", no_args_is_help=True
)
HOME_OPTION = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME).")


def _print_note(console: Console, note: str) -> None:
    """A signed note verbatim (never wrapped, so it can be copied into a verifier)."""
    console.rule(t("ledger.checkpoint_title"))
    console.print(note.rstrip("\n"), soft_wrap=True, highlight=False, markup=False)
    console.rule()


def _open(home: Path | None) -> EvidenceLedger:
    dh = DataHome.open(home)
    if not (dh.root / "ledger" / LEDGER_FILE).exists():  # for_home would create an empty one
        Console(stderr=True).print(f"[red]no ledger at {dh.root / 'ledger'} / 账本不存在[/red]")
        raise typer.Exit(2)
    return EvidenceLedger.for_home(dh)


@ledger_app.command("verify")
def verify(
    home: Path = HOME_OPTION,
    against: list[Path] = typer.Option(
        [], "--against", help="A checkpoint note kept elsewhere (repeatable); the log must still match it."
    ),
) -> None:
    """Re-hash the whole ledger and name every modified, removed or reordered leaf or node. 全量校验。"""
    console = Console()
    notes = []
    for path in against:
        if not path.is_file():
            console.print(f"[red]checkpoint file not found / 找不到检查点文件: {path}[/red]")
            raise typer.Exit(2)
        notes.append(path.read_text(encoding="utf-8"))
    with _open(home) as led:
        size = led.size
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(t("ledger.verifying"), total=size)
            report = led.verify_all(progress=lambda n: bar.advance(task, n), trusted=notes)
        summary = Table(title=t("ledger.verify_title"))
        summary.add_column("")
        summary.add_column("", justify="right")
        summary.add_row("tree size / 树规模", f"{report.tree_size:,}")
        summary.add_row("root / 根哈希", base64.b64encode(report.root).decode())
        summary.add_row("leaves re-hashed / 重算叶子", f"{report.leaves_checked:,}")
        summary.add_row("tiles checked / 校验瓦片", f"{report.tiles_checked:,}")
        summary.add_row("checkpoints verified / 验签检查点", f"{report.checkpoints_checked:,}")
        summary.add_row("record entries / 记录索引", f"{report.records_checked:,}")
        summary.add_row("seconds / 用时(秒)", f"{report.seconds:.2f}")
        console.print(summary)
        if report.ok:
            console.print(f"[green]{t('ledger.verify_ok')}[/green]")
            return
        problems = Table(title=t("ledger.verify_bad", n=len(report.problems)))
        for col in ("kind", "where", "中文", "English"):
            problems.add_column(col)
        for p in report.problems[:200]:
            problems.add_row(p.kind, p.where, p.zh, p.en)
        console.print(problems)
        if len(report.problems) > 200:
            console.print(f"... {len(report.problems) - 200} more")
        raise typer.Exit(1)


@ledger_app.command("checkpoint")
def checkpoint(home: Path = HOME_OPTION) -> None:
    """Print the latest signed checkpoint (C2SP signed-note text). 打印最新签名检查点。"""
    with _open(home) as led:
        cp = led.checkpoint()
        _print_note(Console(), cp.note)


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
            console.print(f"[red]{exc}[/red]")
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
            console.print(f"[red]{t('ledger.proof_bad', detail=exc)}[/red]")
            raise typer.Exit(1) from exc


@ledger_app.command("pubkey")
def pubkey(home: Path = HOME_OPTION) -> None:
    """Print the checkpoint public key in note verifier-key format. 打印验签公钥。"""
    with _open(home) as led:
        typer.echo(led.public_key())


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
