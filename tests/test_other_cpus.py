"""The same bytes on another CPU, with the real kernels another CPU would run (issue 13).

Why: the demo once differed on an AMD machine because a float decision flipped. The noise tests
in test_determinism.py simulate last-bit differences at each decision; this file runs the
*real* alternative code paths instead. OpenBLAS (numpy's and scipy's builds are DYNAMIC_ARCH)
picks its kernels by CPU at load time and ``OPENBLAS_CORETYPE`` forces another CPU's set;
numpy dispatches its SIMD loops (sum, exp, log, sort ...) by CPU and
``NPY_DISABLE_CPU_FEATURES`` turns the dispatched targets off, down to numpy's baseline. So an
old SSE-only CPU, a Sandy Bridge and a Haswell are run here whatever this machine is, and each
must give the committed demo outputs byte for byte, and the same map and corpus tables as this
machine's own kernels.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import OUTPUTS, REPO, load_script, run_cli

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz dot")


def _numpy_dispatch_targets() -> str:
    """Every SIMD target numpy dispatches to above its build baseline on this CPU, as the
    value of NPY_DISABLE_CPU_FEATURES that turns them all off (names differ between numpy
    versions, so they are asked of the installed numpy rather than written here)."""
    code = ("from numpy._core._multiarray_umath import __cpu_dispatch__ as d, "
            "__cpu_features__ as f; print(' '.join(t for t in d if f.get(t)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


# Each: the CPU whose kernels run, as environment variables for a fresh interpreter.
CPUS = {
    "sse3-baseline": {"OPENBLAS_CORETYPE": "Prescott", "NPY_DISABLE_CPU_FEATURES": None},
    "sandybridge": {"OPENBLAS_CORETYPE": "SandyBridge"},
    "haswell": {"OPENBLAS_CORETYPE": "Haswell"},
}


def _environment(cpu: str) -> dict[str, str]:
    env = dict(CPUS[cpu])
    if "NPY_DISABLE_CPU_FEATURES" in env:
        env["NPY_DISABLE_CPU_FEATURES"] = _numpy_dispatch_targets()
    return {key: value for key, value in env.items() if value}


def _kernels_in_use(env: dict[str, str]) -> str:
    """What OpenBLAS says it loaded under ``env`` (OPENBLAS_VERBOSE=2 prints 'Core: ...')."""
    result = subprocess.run([sys.executable, "-c", "import numpy, scipy.linalg"],
                            env={**os.environ, **env, "OPENBLAS_VERBOSE": "2"},
                            capture_output=True, text=True, check=False)
    return result.stdout + result.stderr


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
@needs_dot
@pytest.mark.parametrize("cpu", sorted(CPUS))
def test_other_cpus_demo_outputs_are_the_committed_bytes(cpu, tmp_path):
    """``argmap demo`` under another CPU's BLAS and SIMD kernels writes outputs/ exactly."""
    env = _environment(cpu)
    assert "Core:" in _kernels_in_use(env)  # the variable reached OpenBLAS
    out = tmp_path / "demo"
    result = run_cli("demo", "-o", str(out), "-q", env=env)
    assert result.returncode == 0, result.stderr.decode()
    got, committed = _files(out), _files(OUTPUTS)
    assert sorted(got) == sorted(committed)
    changed = [name for name in committed if got[name] != committed[name]]
    assert not changed, f"{cpu} kernels changed {changed}"


@pytest.fixture(scope="module")
def heated_thread(tmp_path_factory) -> Path:
    """A 600-post heated thread and, in a second file, the same posts as 12 interleaved
    threads (offline text: no download)."""
    corpus = load_script("benchmarks/make_corpus.py", "make_corpus")
    folder = tmp_path_factory.mktemp("cpus")
    documents = corpus.offline_documents(3)
    corpus.write_corpus(corpus.build_thread(600, "heated", 3, documents), folder / "heated.jsonl")
    corpus.write_corpus(corpus.build_posts(1500, 3, documents), folder / "corpus.jsonl")
    return folder


def _map_and_batch(folder: Path, out: Path, env: dict[str, str]) -> dict[str, bytes]:
    mapped = run_cli("map", str(folder / "heated.jsonl"), "-o", str(out / "map"), "-q",
                     "--export", "json,summary,dot", env=env)
    assert mapped.returncode == 0, mapped.stderr.decode()
    batched = run_cli("batch", str(folder / "corpus.jsonl"), "-o", str(out / "batch"), "-q",
                      "--jobs", "2", "--tables", "csv", env=env)
    assert batched.returncode == 0, batched.stderr.decode()
    files = _files(out / "map")
    files.update({f"batch/{k}": v for k, v in _files(out / "batch" / "csv").items()})
    return files


@pytest.mark.slow
@needs_dot
def test_other_cpus_give_the_same_map_and_corpus_tables(heated_thread, tmp_path):
    """A 600-post thread's map (JSON, DOT, summary) and a 1,500-post corpus's tables are the
    same bytes under this machine's kernels and under an SSE3-era CPU's."""
    native = _map_and_batch(heated_thread, tmp_path / "native", {})
    other = _map_and_batch(heated_thread, tmp_path / "other", _environment("sse3-baseline"))
    assert len(native) >= 8 and sorted(native) == sorted(other)
    changed = [name for name in native if native[name] != other[name]]
    assert not changed, f"SSE3-era kernels changed {changed}"


def test_other_cpus_the_variables_change_the_kernels():
    """The test above proves something only if the variables really swap the kernels: OpenBLAS
    reports another core, and numpy reports its dispatched targets off."""
    env = _environment("sse3-baseline")
    native, forced = _kernels_in_use({}), _kernels_in_use(env)
    assert "Core:" in forced and forced != native
    targets = env.get("NPY_DISABLE_CPU_FEATURES", "")
    if targets:
        code = ("from numpy._core._multiarray_umath import __cpu_features__ as f; "
                f"print(any(f[t] for t in {targets.split()!r}))")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                env={**os.environ, **env}, cwd=REPO, check=True)
        assert result.stdout.strip() == "False"
