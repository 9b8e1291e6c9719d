"""Provenance recorded in every result file: suite version, git commit, library versions, hardware.

`collect()` returns only fields that are stable on one machine, so that two runs with the same seeds write identical
summaries; the date and wall time are kept apart (`timestamp()`), in timing files.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

import suite

LIBRARIES = ("torch", "numpy", "scipy", "transformers", "tokenizers", "math-verify", "sympy", "trl", "lm_eval", "vllm")


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_commit(root: Path | None = None) -> str:
    """The checkout's commit, with "+dirty" when tracked files differ from it; "unknown" when `root` (default: the
    directory above the `suite` package) is not the top of a git checkout, e.g. an installed package. A commit named by
    the environment variable LONGCOT_GIT_COMMIT comes first, marked "(declared)": a copied tree's sender knows it.

    Read-only: `--no-optional-locks` (and GIT_OPTIONAL_LOCKS=0) stop `git status` from refreshing the index, which
    takes `.git/index.lock` and would make a git command the user runs meanwhile in the checkout fail."""
    # a copy of a checkout (e.g. a tree shipped to a GPU machine, whose .git, if any, need not be the tree's): the
    # commit its sender names
    declared = os.environ.get("LONGCOT_GIT_COMMIT", "")
    if re.fullmatch(r"[0-9a-f]{7,40}", declared):
        return f"{declared} (declared)"
    root = Path(root) if root is not None else Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():  # a directory, or a file in a worktree / submodule
        return "unknown"
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        sha = subprocess.run(["git", "--no-optional-locks", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=5, env=env)
        if sha.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=5, env=env)
        return sha.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


#: CPU features that select different float kernels (and so can change the last bits of a result).
SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
              "amx_tile", "amx_bf16", "neon", "asimd", "sve")


def cpu_simd_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> list[str]:
    """Which of SIMD_FLAGS the CPU reports, in SIMD_FLAGS order (empty where `cpuinfo` does not exist)."""
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.startswith(("flags", "Features")):
                have = set(line.split(":", 1)[1].split())
                return [f for f in SIMD_FLAGS if f in have]
    except OSError:
        pass
    return []


def hardware() -> dict[str, object]:
    """The machine as far as it can change a result: CPU model and SIMD flags, and the kernel level torch dispatches
    to (`torch.backends.cpu.get_cpu_capability()`: e.g. AVX2 vs AVX512 kernels give different last bits)."""
    hw: dict[str, object] = {
        "machine": platform.machine(),
        "system": platform.system(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpu_flags": cpu_simd_flags(),
    }
    try:
        import torch

        hw["torch_cpu_capability"] = torch.backends.cpu.get_cpu_capability()
        hw["torch_threads"] = torch.get_num_threads()  # a job runs on one (suite.determinism); reductions differ
        hw["torch_blas"] = _torch_blas(torch.__config__.show())
        if torch.cuda.is_available():
            hw["gpu"] = torch.cuda.get_device_name(0)
            hw["gpu_count"] = torch.cuda.device_count()
            hw["gpu_capability"] = ".".join(map(str, torch.cuda.get_device_capability(0)))
            hw["cuda"] = torch.version.cuda
    except Exception:  # torch missing or CUDA broken: the CPU description stands
        pass
    try:
        import numpy as np

        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        hw["numpy_blas"] = f"{blas.get('name', '?')} {blas.get('version', '?')}"
    except Exception:  # an older numpy without the dict form: versions alone stand
        pass
    return hw


def _torch_blas(config: str) -> str:
    """The BLAS / LAPACK torch was built with, from `torch.__config__.show()` ("BLAS_INFO=mkl, LAPACK_INFO=mkl")."""
    found = re.findall(r"\b((?:BLAS|LAPACK)_INFO=[^,\s]+)", config)
    return ", ".join(found) or "unknown"


def collect() -> dict[str, object]:
    return {
        "suite_version": suite.__version__,
        "git_commit": git_commit(),
        "libraries": library_versions(),
        "hardware": hardware(),
    }


def timestamp() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
