"""What tests share: where the repository, the demo corpora and the shared labelled data live, and
how to run the CLI as a real subprocess."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"
OUTPUTS = REPO / "outputs"
SEED = CORPORA / "000_75579187bcdd6b7a.txt"
SEED2 = CORPORA / "002_3d8d04164e2029b3.txt"


def load_script(relative: str, name: str):
    """A script of tools/ or benchmarks/ (not a package) imported by path, registered under
    ``name`` in ``sys.modules`` (dataclasses look their module up there)."""
    spec = importlib.util.spec_from_file_location(name, REPO / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


def shared_dir() -> Path | None:
    """The project's shared/ folder: beside the clone in CI, /work/shared on a dev machine."""
    for candidate in (REPO.parent / "shared", REPO.parent.parent / "shared", Path("/work/shared")):
        if (candidate / "data").is_dir():
            return candidate
    return None


def run_cli(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None):
    """Run ``python -m argmap`` as a real subprocess and return the CompletedProcess."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "argmap", *args],
        cwd=cwd or REPO,
        input=stdin,
        capture_output=True,
        env=full_env,
        timeout=300,
    )
