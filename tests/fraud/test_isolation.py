"""Honest measurement starts with isolation: no detector may see how the synthetic fraud was planted."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

import firmscore.fraud

FORBIDDEN = ("firmscore.synth", "firmscore.datasets", "firmscore.benchmark")


def test_no_fraud_module_imports_the_generator_even_indirectly() -> None:
    graph = grimp.build_graph("firmscore")
    reached = graph.find_upstream_modules("firmscore.fraud", as_package=True)
    leaks = sorted(m for m in reached if m.startswith(FORBIDDEN))
    assert leaks == [], f"fraud/ reaches {leaks}"


def test_no_fraud_module_names_the_truth_files() -> None:
    """Not even by path: no code string names the truth folder, the planting configuration or its columns."""
    root = Path(firmscore.fraud.__file__).parent
    modules = sorted(root.glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        strings = [n.value for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]
        for s in strings:
            for word in ("truth", "fraud_truth", "plant", "fraud_ring_id"):
                assert word not in s.lower(), f"{path.name} mentions {word!r}: {s[:60]!r}"
