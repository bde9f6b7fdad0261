"""The ``firmscore`` command line: a thin face over the library.

Each stage contributes its commands from its own ``commands`` module (a ``register(app)``
function), so that this file stays a list and no stage's options live here.
"""

from __future__ import annotations

import importlib

import typer

from firmscore.store.permissions import use_private_umask

app = typer.Typer(
    name="firmscore",
    help="Enterprise credit scoring for SMEs: ingest, prove, score, explain. 企业信用评分。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

#: Modules that add commands. Order is the order of ``firmscore --help``.
COMMAND_MODULES: tuple[str, ...] = (
    "firmscore.synth.commands",
    "firmscore.ingest.commands",
    "firmscore.store.commands",
    "firmscore.ledger.commands",
    "firmscore.witness.commands",
    "firmscore.features.commands",
    "firmscore.graph.commands",
    "firmscore.fraud.commands",
    "firmscore.scoring.commands",
    "firmscore.trust.commands",
    "firmscore.service.commands",
    "firmscore.decide.commands",
    "firmscore.benchmark.commands",
    "firmscore.admin.commands",
    "firmscore.federate.commands",
)



@app.callback()
def _private_files() -> None:
    """Every file and folder a command writes is private to its user (0600 / 0700)."""
    use_private_umask()


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Entry point of the ``firmscore`` script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
