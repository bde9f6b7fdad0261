"""``firmscore fraud``: detect every typology as of a date, print the review queue, record verdicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from firmscore.cli_options import parse_date, writing
from firmscore.fraud import messages as _messages  # noqa: F401  (registers the messages)
from firmscore.fraud.artifact import FraudArtifactError, open_fraud_artifact
from firmscore.fraud.queue import TYPOLOGIES, fired, review_queue
from firmscore.fraud.run import run_fraud
from firmscore.fraud.thresholds import MIN_VERDICTS, load_thresholds, retune
from firmscore.fraud.verdicts import VerdictError, read_verdicts, record_verdict
from firmscore.i18n import t
from firmscore.store.home import DataHome
from firmscore.terminal import print_error


def _typology(ty: str) -> str:
    return t(f"fraud.typology.{ty}")


def _summary(console: Console, dh: DataHome, as_of: dt.date) -> None:
    art = open_fraud_artifact(dh, as_of)
    th = load_thresholds(dh)
    f = fired(art.indicators, th)
    active = art.indicators["active"].to_numpy(dtype=bool)
    table = Table(title=t("fraud.summary.title") + f" @ {as_of}")
    table.add_column(t("fraud.summary.typology"))
    table.add_column(t("fraud.summary.threshold"), justify="right")
    table.add_column(t("fraud.summary.flagged"), justify="right")
    for ty in TYPOLOGIES:
        table.add_row(_typology(ty), f"{th[ty]:.2f}", f"{int((f[ty].to_numpy() & active).sum()):,}")
    console.print(table)


def _print_queue(console: Console, dh: DataHome, as_of: dt.date | None, n: int) -> None:
    art = open_fraud_artifact(dh, as_of)
    q = review_queue(art.indicators, art.evidence, load_thresholds(dh), n, read_verdicts(dh))
    if q.empty:
        console.print(t("fraud.queue.empty"))
        return
    console.print(f"[bold]{t('fraud.queue.title', n=n)} @ {art.as_of}[/bold]")
    for rank, eid, score, tys, zh, en, recs in zip(q["rank"].tolist(), q["enterprise_id"].tolist(),
                                                   q["score"].tolist(), q["typologies"].tolist(),
                                                   q["explanation_zh"].tolist(), q["explanation_en"].tolist(),
                                                   q["record_ids"].tolist(), strict=True):
        names = "; ".join(_typology(str(ty)) for ty in tys)
        console.print(f"{rank}. {eid}  {t('fraud.queue.score')} {score:.2f}  [{names}]", markup=False,
                      highlight=False, soft_wrap=True)
        console.print(f"   {zh}\n   {en}\n   {t('fraud.queue.records')}: {', '.join(list(recs)[:6])}",
                      markup=False, highlight=False, soft_wrap=True)


def fraud(
    home: Path = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME)."),
    as_of: str = typer.Option(None, "--as-of",
                              help="As-of date YYYY-MM-DD (to detect, or the artifact to read). 观察日。"),
    queue: int = typer.Option(None, "--queue", min=1, help="Print the review queue of N firms. 复核队列。"),
    verdict_for: str = typer.Option(None, "--verdict", help="Record a verdict on this enterprise id. 记录复核结论。"),
    typology: str = typer.Option(None, "--typology", help=f"Typology of the verdict: {', '.join(TYPOLOGIES)}."),
    decision: str = typer.Option(None, "--decision", help="confirmed | cleared. 确认 / 排除。"),
    analyst: str = typer.Option("", "--analyst", help="Who judged. 复核人。"),
    note: str = typer.Option("", "--note", help="Free text kept with the verdict. 备注。"),
) -> None:
    """Fraud and shell-company indicators per typology, the review queue and verdicts. 欺诈识别。"""
    console = Console()
    dh = DataHome.open(home)
    if not dh.root.exists():
        print_error(console, t("fraud.no_home", path=dh.root))
        raise typer.Exit(1)
    day = parse_date(as_of) if as_of else None
    try:
        if verdict_for:
            with writing(dh, "fraud"):
                art = open_fraud_artifact(dh, day)
                entry = record_verdict(dh, art, enterprise_id=verdict_for, typology=typology or "",
                                       verdict=decision or "", analyst=analyst, note=note)
                console.print(t("fraud.verdict.recorded", eid=verdict_for, typology=_typology(str(entry["typology"])),
                                verdict=decision))
                for r in retune(dh, read_verdicts(dh)):
                    if r.n_verdicts == 0:
                        continue
                    if r.changed:
                        console.print(t("fraud.retuned", typology=_typology(r.typology), old=r.old, new=r.new,
                                        n=r.n_verdicts, precision=r.precision))
                    else:
                        console.print(t("fraud.retune_kept", typology=_typology(r.typology), old=r.old,
                                        n=r.n_verdicts, min_n=MIN_VERDICTS))
            return
        if queue:
            _print_queue(console, dh, day, queue)
            return
        if day is None:
            print_error(console, t("fraud.need_as_of"))
            raise typer.Exit(2)
        with writing(dh, "fraud"), console.status(t("fraud.detecting")) as status:
            out, _ = run_fraud(dh, day, progress=lambda s: status.update(f"{t('fraud.detecting')}: {s}"))
        console.print(t("fraud.written", path=out))
        _summary(console, dh, day)
    except (FraudArtifactError, VerdictError) as exc:
        print_error(console, exc)
        raise typer.Exit(2) from exc


def register(app: typer.Typer) -> None:
    app.command("fraud")(fraud)
