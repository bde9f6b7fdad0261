"""``firmscore witness init|trust|pubkey|serve``: run a witness (its own process, key and state)."""

from __future__ import annotations

import signal
from pathlib import Path

import typer
from rich.console import Console

from firmscore.i18n import t
from firmscore.witness import messages as _messages  # noqa: F401  (registers the witness's messages)
from firmscore.witness.server import WitnessServer
from firmscore.witness.state import WitnessState, default_witness_home

witness_app = typer.Typer(
    help="A transparency-log witness (C2SP tlog-witness): cosigns consistent checkpoints. 见证方。",
    no_args_is_help=True,
)
STATE = typer.Option(None, "--state", help="Witness folder (default $FIRMSCORE_WITNESS_HOME or ./firmscore-witness).")


def _state(folder: Path | None, name: str | None = None) -> WitnessState:
    return WitnessState(folder or default_witness_home(), name)


@witness_app.command("init")
def init(
    state: Path = STATE, name: str = typer.Option(None, "--name", help="Witness name (a schema-less URL).")
) -> None:
    """Create the witness key (if needed) and print its cosigner key. 创建见证方密钥。"""
    ws = _state(state, name)
    typer.echo(ws.cosigner.verifier.encode())
    ws.close()


@witness_app.command("pubkey")
def pubkey(state: Path = STATE) -> None:
    """Print the witness's cosigner key (give it to the ledger: firmscore ledger witness-add). 打印公钥。"""
    ws = _state(state)
    typer.echo(ws.cosigner.verifier.encode())
    ws.close()


@witness_app.command("trust")
def trust(
    keyring: Path = typer.Argument(..., help="A log's published keyring file (firmscore ledger pubkey > FILE)."),
    state: Path = STATE,
) -> None:
    """Witness a log: trust the keys of its published keyring. 信任一个账本的公钥。"""
    ws = _state(state)
    try:
        origins = ws.trust_log(keyring.read_text(encoding="utf-8"))
    finally:
        ws.close()
    Console().print(t("witness.trusted", origins=", ".join(origins)))


@witness_app.command("serve")
def serve(
    state: Path = STATE,
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8787, "--port", help="TCP port (0: any free port; the URL is printed)."),
) -> None:
    """Serve add-checkpoint (and the list of cosigned checkpoints) over HTTP until stopped. 启动见证服务。"""
    ws = _state(state)
    server = WitnessServer(ws, host, port)
    signal.signal(signal.SIGTERM, _stop)  # a service manager's stop is a clean shutdown too
    Console(stderr=True).print(t("witness.serving", url=server.url, vkey=ws.cosigner.verifier.encode()),
                               soft_wrap=True)
    print(server.url, flush=True)  # first stdout line: the URL, for scripts
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
        ws.close()


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def register(app: typer.Typer) -> None:
    app.add_typer(witness_app, name="witness")
