"""``firmscore federate keygen | serve | train | score``: thin faces over :mod:`firmscore.federate.party`."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from firmscore.config import default_home
from firmscore.federate import keys
from firmscore.federate.errors import FederationError
from firmscore.federate.party import PartyNode
from firmscore.federate.settings import BINNING_KEYS, FedSettings, read_party_data
from firmscore.federate.transport import http_sender, make_server
from firmscore.i18n import t
from firmscore.terminal import print_error

fed = typer.Typer(help="Vertical federated scorecards with a partner (bank ⇄ platform). 联邦评分卡。",
                  no_args_is_help=True)

HOME = typer.Option(None, "--home", help="Data home (default ./firmscore-data or $FIRMSCORE_HOME).")
PEER_KEY = typer.Option(..., "--peer-key", help="The partner's Ed25519 public key (hex, or a file holding it).")
DATA = typer.Option(..., "--data", help="This party's table (Parquet or CSV) with an id column.")
ID_COL = typer.Option("enterprise_id", "--id-column")


def _home(home: Path | None) -> Path:
    h = Path(home) if home is not None else default_home()
    h.mkdir(mode=0o700, parents=True, exist_ok=True)
    return h


def _fail(exc: FederationError) -> None:
    print_error(Console(stderr=True), f"{exc.code} {exc}")
    raise typer.Exit(2)


@fed.command("keygen")
def keygen(home: Path = HOME) -> None:
    """Create (once) this party's signing key and print its public half for the partner. 生成密钥。"""
    key = keys.load_or_create(_home(home))
    typer.echo(keys.public_hex(key.public_key()))


@fed.command("serve")
def serve(
    role: str = typer.Option(..., "--role", help="guest (label holder) or host (feature holder)."),
    peer: str = typer.Option("", "--peer", help="The partner's URL (for requests this node makes)."),
    peer_key: str = PEER_KEY,
    data: str = DATA,
    id_column: str = ID_COL,
    label: str = typer.Option(None, "--label", help="Guest only: the 0/1 label column."),
    listen: str = typer.Option("127.0.0.1:8470", "--listen", help="host:port to listen on."),
    psi_workers: int = typer.Option(1, "--psi-workers"),
    home: Path = HOME,
) -> None:
    """Answer the partner: training steps (host) and partial-points requests (both). 启动联邦节点。"""
    h = _home(home)
    try:
        node = PartyNode(role=role, home=h, key=keys.load_or_create(h), peer=keys.parse_public(peer_key),
                         data=read_party_data(data, id_column, label if role == "guest" else None),
                         psi_workers=psi_workers)
    except FederationError as exc:
        _fail(exc)
        return
    addr, _, port = listen.rpartition(":")
    server = make_server(addr or "127.0.0.1", int(port), node.answer)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    bound_host, bound_port = server.server_address[0], server.server_address[1]
    Console(stderr=True).print(f"federate {role} listening on {bound_host!s}:{bound_port}"
                               f" (pid {os.getpid()}, partner {peer or '-'})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _settings(options: list[str], min_iv: float, tol: float, max_iter: int) -> FedSettings:
    binning: dict[str, Any] = {}
    for opt in options:
        name, _, value = opt.partition("=")
        if name not in BINNING_KEYS:
            raise typer.BadParameter(f"--binning {name}: use one of {', '.join(BINNING_KEYS)}")
        binning[name] = json.loads(value) if value not in ("auto", "ascending", "descending", "peak", "valley",
                                                            "none") else value
    return FedSettings(binning=binning, min_iv=min_iv, tol=tol, max_iter=max_iter)


@fed.command("train")
def train(
    peer: str = typer.Option(..., "--peer", help="The host's URL."),
    peer_key: str = PEER_KEY,
    data: str = DATA,
    id_column: str = ID_COL,
    label: str = typer.Option("default", "--label", help="The 0/1 label column."),
    binning: list[str] = typer.Option([], "--binning", help="OptimalBinning setting NAME=VALUE (repeatable)."),
    min_iv: float = typer.Option(0.005, "--min-iv"),
    tol: float = typer.Option(1e-7, "--tol"),
    max_iter: int = typer.Option(300, "--max-iter"),
    psi_workers: int = typer.Option(1, "--psi-workers"),
    paillier_bits: int = typer.Option(2048, "--paillier-bits"),
    home: Path = HOME,
) -> None:
    """Train the joint scorecard as the guest (label holder) with the host at --peer. 联邦训练。"""
    h = _home(home)
    console = Console()
    try:
        node = PartyNode(role="guest", home=h, key=keys.load_or_create(h), peer=keys.parse_public(peer_key),
                         data=read_party_data(data, id_column, label), psi_workers=psi_workers)
        settings = _settings(binning, min_iv, tol, max_iter)
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            tasks: dict[str, Any] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(t(f"federate.phase.{phase}"), total=total)
                bar.update(tasks[phase], completed=done, total=total)

            outcome, out = node.train(http_sender(peer), settings, paillier_bits=paillier_bits, progress=progress)
    except FederationError as exc:
        _fail(exc)
        return
    card = outcome.card
    table = Table(title=t("federate.summary"))
    table.add_column("")
    table.add_column("")
    for k, v in [("model id", card.model_id), ("common firms / 共同企业", outcome.n_common),
                 ("own features / 本方特征", len(card.features)),
                 ("partner features / 合作方特征", card.partner_features),
                 ("iterations / 迭代", outcome.iterations), ("base points / 基础分", card.base_points),
                 ("bytes sent / 发送字节", card.metadata["bytes_sent"]),
                 ("bytes received / 接收字节", card.metadata["bytes_received"]),
                 ("transcript sha256 / 记录哈希", out.transcript_sha256), ("ledger leaf / 账本叶子", out.ledger_index),
                 ("card / 评分卡", str(out.card_path))]:
        table.add_row(k, str(v))
    for phase, secs in outcome.timings.items():
        table.add_row(f"{phase} (s)", f"{secs:.1f}")
    console.print(table)


@fed.command("score")
def score(
    model: str = typer.Option(..., "--model", help="The federated model id (session)."),
    firm: list[str] = typer.Option(..., "--firm", help="Enterprise id to score (repeatable)."),
    role: str = typer.Option("guest", "--role"),
    peer: str = typer.Option(..., "--peer"),
    peer_key: str = PEER_KEY,
    data: str = DATA,
    id_column: str = ID_COL,
    label: str = typer.Option(None, "--label", help="Ignored label column of the data file, if any."),
    output: str = typer.Option("table", "--output", help="table or json"),
    home: Path = HOME,
) -> None:
    """Score firms jointly: own points + the partner's partial points + base points. 联合评分。"""
    h = _home(home)
    try:
        node = PartyNode(role=role, home=h, key=keys.load_or_create(h), peer=keys.parse_public(peer_key),
                         data=read_party_data(data, id_column, label))
        res = node.score(http_sender(peer), model, list(firm))
    except FederationError as exc:
        _fail(exc)
        return
    if output == "json":
        typer.echo(res.frame.to_json(orient="records", force_ascii=False))
        return
    table = Table(title=t("federate.summary"))
    for c in ("firm", "score", "own_points", "partner_points", "reasons"):
        table.add_column(c)
    for rec in res.frame.to_dict(orient="records"):
        reasons = "; ".join(f"{r['text_zh']} / {r['text_en']} −{r['points_lost']}" for r in rec["reasons"])
        table.add_row(str(rec["firm"]), str(rec["score"]), str(rec["own_points"]), str(rec["partner_points"]), reasons)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(fed, name="federate")
