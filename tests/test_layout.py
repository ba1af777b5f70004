"""The source tree shows the pipeline: one package per stage, no import circles, small modules."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import networkx as nx

import argmap

SRC = Path(argmap.__file__).resolve().parent
STAGES = {
    "readers": "read_threads",
    "segment": "segment",
    "topics": "cluster",
    "link": "link",
    "analysis": "analyse",
    "render": None,
    "exports": "export_map",
    "evaluation": "evaluate",
    "corpus": "run_batch",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> nx.DiGraph:
    """Module-level imports between argmap modules, ``TYPE_CHECKING`` blocks included (a
    circle there is still two modules that cannot be read apart); imports inside functions
    are left out."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        body = ast.parse(path.read_text(encoding="utf-8")).body
        body += [n for node in body if isinstance(node, ast.If) for n in node.body]
        for node in body:
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolve against this module's package
                    package = name.split(".")[: len(name.split(".")) - node.level
                                               + (path.name == "__init__.py")]
                    base = ".".join([*package, *([base] if base else [])])
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                # a package importing its own child is how __init__ exports the stage
                if target in modules and target != name and not target.startswith(name + "."):
                    graph.add_edge(name, target)
    return graph


def test_layout_each_stage_is_a_package_that_says_what_it_does() -> None:
    for package, function in STAGES.items():
        module = importlib.import_module(f"argmap.{package}")
        assert module.__file__.endswith("__init__.py"), package
        assert module.__doc__ and len(module.__doc__.split()) >= 8, f"{package} needs a docstring"
        if function:
            assert callable(getattr(module, function)), f"argmap.{package}.{function}"


def test_layout_public_api_is_unchanged() -> None:
    for name in ("read_threads", "build_map", "analyse", "render_map", "export_map",
                 "write_outputs", "map_inputs", "demo", "evaluate", "train", "run_batch"):
        assert callable(getattr(argmap, name)), name


def test_layout_has_no_import_circle() -> None:
    cycles = list(nx.simple_cycles(_import_graph()))
    assert cycles == [], f"import circles: {cycles[:5]}"


def test_layout_no_module_over_500_lines() -> None:
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}


def test_layout_tests_mirror_the_packages() -> None:
    tests = Path(__file__).resolve().parent
    for package in STAGES:
        assert (tests / package).is_dir(), f"tests/{package}/ is missing"
        assert list((tests / package).glob("test_*.py")), f"tests/{package}/ has no tests"
