"""suite.provenance: what every result file records about the machine that made it."""

import json

from suite import provenance


def test_simd_flags_are_read_from_cpuinfo_in_a_fixed_order_and_unknown_flags_are_ignored(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor : 0\nmodel name : Some CPU\nflags : fpu avx2 sse4_2 avx512f xyz avx\n")
    assert provenance.cpu_simd_flags(info) == ["sse4_2", "avx", "avx2", "avx512f"]
    assert provenance.cpu_simd_flags(tmp_path / "missing") == []


def test_hardware_names_the_kernel_level_torch_dispatches_to_and_is_stable_between_calls():
    import torch

    hw = provenance.hardware()
    assert hw["torch_cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert isinstance(hw["cpu_flags"], list)
    assert json.dumps(provenance.collect(), sort_keys=True) == json.dumps(provenance.collect(), sort_keys=True)


def test_hardware_records_what_picks_the_kernels_threads_and_blas_builds():
    from suite.provenance import _torch_blas, hardware

    hw = hardware()
    assert isinstance(hw["torch_threads"], int) and hw["torch_threads"] >= 1
    assert "BLAS_INFO=" in hw["torch_blas"] or hw["torch_blas"] == "unknown"
    config = "  - Build settings: BLAS_INFO=mkl, BUILD_TYPE=Release, LAPACK_INFO=mkl, TORCH_VERSION=2.13.0"
    assert _torch_blas(config) == "BLAS_INFO=mkl, LAPACK_INFO=mkl"
    assert _torch_blas("nothing here") == "unknown"


# --- Nothing written outside the run directory -------------------------------------------------------------------

import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(repo, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


def _snapshot(tree: Path) -> dict[str, tuple[int, int, bytes]]:
    return {str(p.relative_to(tree)): (p.stat().st_mtime_ns, p.stat().st_size, p.read_bytes())
            for p in sorted(tree.rglob("*")) if p.is_file()}


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "a.txt").write_text("a\n")
    _git(repo, "add", "a.txt")
    _git(repo, "commit", "-qm", "first")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    # Same content, newer mtime: a plain `git status` would refresh the index, taking .git/index.lock to rewrite it.
    time.sleep(0.01)
    stamp = time.time() + 5
    os.utime(repo / "a.txt", (stamp, stamp))
    return repo, sha


@needs_git
def test_the_commit_is_read_without_writing_anything_in_the_checkout(repo):
    repo, sha = repo
    before = _snapshot(repo / ".git")
    assert provenance.git_commit(repo) == sha  # content unchanged: clean
    assert _snapshot(repo / ".git") == before  # no index refresh, so no .git/index.lock taken
    (repo / "a.txt").write_text("b\n")
    assert provenance.git_commit(repo) == sha + "+dirty"
    assert _snapshot(repo / ".git") == before


@needs_git
def test_a_concurrent_git_commands_index_lock_is_neither_needed_nor_touched(repo):
    repo, sha = repo
    lock = repo / ".git" / "index.lock"
    lock.write_text("held by another git command\n")
    st = lock.stat()
    assert provenance.git_commit(repo) in (sha, sha + "+dirty")
    assert lock.read_text() == "held by another git command\n" and lock.stat().st_mtime_ns == st.st_mtime_ns


def test_outside_a_checkout_the_commit_is_unknown_at_once(tmp_path):
    (tmp_path / "sub").mkdir()
    t0 = time.perf_counter()
    assert provenance.git_commit(tmp_path / "sub") == "unknown"
    assert time.perf_counter() - t0 < 0.5


PLOT = """
from suite.report import plots  # the report's first import of matplotlib
fig, ax = plots.plt.subplots()
ax.plot([0, 1], [0, 1], label="arm")
ax.set_title("title")
ax.legend()
assert plots._png(fig)[:4] == b"\\x89PNG"
"""


def _plot_in_a_fresh_home(tmp_path, **env_extra) -> tuple[Path, Path]:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(parents=True)
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")}
    env.update(HOME=str(home), TMPDIR=str(tmp), PYTHONPATH=str(ROOT), **env_extra)
    done = subprocess.run([sys.executable, "-c", PLOT], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "is not a writable directory" not in done.stderr  # matplotlib's complaint when it falls back
    return home, tmp


def test_report_plotting_writes_nothing_in_the_home_directory(tmp_path):
    home, tmp = _plot_in_a_fresh_home(tmp_path)
    assert list(home.rglob("*")) == []
    cache = tmp / f"longcot-{os.getuid()}" / "matplotlib"
    assert list(cache.glob("fontlist-*.json"))  # the documented place


def test_report_plotting_uses_xdg_cache_home_or_the_users_own_mplconfigdir(tmp_path):
    home, tmp = _plot_in_a_fresh_home(tmp_path / "xdg", XDG_CACHE_HOME=str(tmp_path / "xdg" / "cache"))
    assert list(home.rglob("*")) == []
    assert list((tmp_path / "xdg" / "cache" / "longcot" / "matplotlib").glob("fontlist-*.json"))
    mine = tmp_path / "mine" / "mpl"
    home, tmp = _plot_in_a_fresh_home(tmp_path / "mine", MPLCONFIGDIR=str(mine))
    assert list(home.rglob("*")) == [] and list(mine.glob("fontlist-*.json"))


def test_a_copied_tree_reports_the_commit_its_sender_declares_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGCOT_GIT_COMMIT", "0123abcd" * 5)
    assert provenance.git_commit(tmp_path) == "0123abcd" * 5 + " (declared)"
    monkeypatch.setenv("LONGCOT_GIT_COMMIT", "not a commit; rm -rf /")
    assert provenance.git_commit(tmp_path) == "unknown"
