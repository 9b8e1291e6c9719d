"""`longcot run --jobs 2` killed with SIGKILL: nothing of the run outlives it, no result is written after it, and a
rerun leaves no temporary file and gives byte-identical results."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from suite.atomic import TEMP_NAME

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/proc/self/environ").exists(),
                                reason="finds a run's processes through /proc")

ROOT = Path(__file__).resolve().parents[3]
ENV = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
MARK = "LONGCOT_KILL_TEST"  # inherited by every process of the run (workers, manager, resource tracker)
GONE_WITHIN_S = 3.0


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def run_processes(marker: str) -> list[int]:
    """Live processes (zombies excluded) whose environment carries this run's marker."""
    needle = f"{MARK}={marker}".encode()
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            env = Path(f"/proc/{d}/environ").read_bytes()
        except OSError:
            continue
        if needle in env.split(b"\0") and _state(int(d)) not in (None, "Z", "X"):
            found.append(int(d))
    return found


def command(out: Path) -> list[str]:
    (out.parent / "refs" / "tiny").mkdir(parents=True, exist_ok=True)  # no reference: checks only, no promotion
    return [sys.executable, "-m", "suite.cli", "run", "--experiments", "synthetic_experiments", "--only",
            "synth-length", "--scale", "tiny", "--jobs", "2", "--set", "sleep_s=0.05", "--no-progress",
            "--references", str(out.parent / "refs"), "--out", str(out)]


def start(out: Path, marker: str) -> subprocess.Popen:
    return subprocess.Popen(command(out), env={**ENV, MARK: marker}, cwd=out.parent, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def rerun(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command(out), env=ENV, cwd=out.parent, capture_output=True, text=True, timeout=120)


def results(out: Path) -> dict[str, bytes]:
    files = sorted(out.glob("jobs/*/seed-*/metrics.json")) + [out / "summary.json"]
    return {str(p.relative_to(out)): p.read_bytes() for p in files if p.exists()}


def temp_files(out: Path) -> list[Path]:
    return [p for p in out.rglob(".*.tmp") if TEMP_NAME.fullmatch(p.name)]


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean") / "run"
    done = rerun(out)
    assert done.returncode == 0, done.stderr
    return results(out)


def _wait_for(cond, timeout=60.0):
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline, "the run never reached the kill point"
        time.sleep(0.01)


KILL_POINTS = {
    "0.3s": lambda out: time.sleep(0.3),  # still importing: no pool yet
    "jobs running": lambda out: _wait_for(lambda: any(out.glob("jobs/*/seed-*/work"))),  # workers mid-recipe
    "one seed done": lambda out: _wait_for(lambda: any(out.glob("jobs/*/seed-*/metrics.json"))),  # third queued
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_killed_run_leaves_no_process_and_its_rerun_no_temp_file_and_the_same_results(point, clean, tmp_path):
    out, marker = tmp_path / "run", uuid.uuid4().hex
    parent = start(out, marker)
    try:
        KILL_POINTS[point](out)
        parent.send_signal(signal.SIGSTOP)  # no process can be started between the count and the kill
        time.sleep(0.05)
        started = len(run_processes(marker))
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        killed_at = time.time()
        finished = results(out)
        while run_processes(marker) and time.time() < killed_at + GONE_WITHIN_S:
            time.sleep(0.02)
        left = run_processes(marker)
        gone_after = time.time() - killed_at
        assert left == [], f"{len(left)} of {started} processes outlived the runner"
        time.sleep(0.3)  # 6 steps of a recipe: an orphaned worker would have gone on
        assert results(out) == finished, "a result was written after the runner was killed"
        print(f"[{point}] {started} processes at the kill, all gone after {gone_after:.2f} s; "
              f"{len(finished)} result(s), {len(temp_files(out))} temp file(s) left by the kill")
    finally:
        for pid in run_processes(marker):  # only on failure: do not leak this run's processes into the session
            os.kill(pid, signal.SIGKILL)
    # What a kill in the middle of a checkpoint write leaves (the SFT recipe's model.pt); the writer is dead.
    work = out / "jobs" / "x" / "seed-0" / "work"
    work.mkdir(parents=True, exist_ok=True)
    (work / f".model.pt.{parent.pid}.k2x_9abq.tmp").write_bytes(b"partial")
    (work / ".model.pt.k2x_9abq.tmp").write_bytes(b"partial")  # the older name, without a pid
    (work / "keep.tmp").write_bytes(b"not ours")
    again = rerun(out)
    assert again.returncode == 0, again.stderr
    assert "temporary file(s) left by an interrupted run" in again.stderr
    assert temp_files(out) == [] and (work / "keep.tmp").exists()
    assert (out / "summary.json").exists()
    assert results(out) == clean


CHILD = """
import sys, time
from pathlib import Path
from suite.runner import lifeline
if sys.argv[2] == "poll":  # as where prctl is unavailable (not Linux)
    lifeline._set_pdeathsig = lambda sig: False
lifeline.die_with_parent(int(sys.argv[1]))
Path(sys.argv[3]).write_text("ready")
time.sleep(60)
"""

MIDDLE = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], str(os.getpid()), sys.argv[2], sys.argv[3]])
print(child.pid, flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("mode", ["prctl", "poll"])
def test_a_process_tied_to_its_parent_dies_within_a_second_of_a_sigkill_to_it(mode, tmp_path):
    ready = tmp_path / "ready"
    middle = subprocess.Popen([sys.executable, "-c", MIDDLE, CHILD, mode, str(ready)], env=ENV,
                              stdout=subprocess.PIPE, text=True)
    child = int(middle.stdout.readline())
    try:
        _wait_for(ready.exists, timeout=30)
        assert _state(child) not in (None, "Z", "X")
        middle.kill()
        middle.wait()
        t0 = time.time()
        while _state(child) not in (None, "Z", "X") and time.time() < t0 + 5:
            time.sleep(0.01)
        assert _state(child) in (None, "Z", "X"), "the child outlived its parent"
        assert time.time() - t0 < 1.0
    finally:
        if _state(child) not in (None, "Z", "X"):
            os.kill(child, signal.SIGKILL)


ORPHAN = """
import sys
from pathlib import Path
from suite import runner
from suite.registry import discover, select
from suite.runner import RunLayout, lifeline
from suite.runner.execute import execute_job
job = runner.plan_run(select(discover("synthetic_experiments"), ["synth-length"], "tiny"), "tiny").jobs[0]
layout = RunLayout(Path(sys.argv[1]))
lifeline._parent_pid = -1  # as in a pool worker whose runner is gone
execute_job(job, layout)
print("wrote a result", flush=True)
"""


def test_a_worker_whose_runner_is_gone_writes_no_result(tmp_path):
    done = subprocess.run([sys.executable, "-c", ORPHAN, str(tmp_path)], env=ENV, capture_output=True, text=True,
                          timeout=120)
    from suite.runner.lifeline import ORPHAN_EXIT

    assert done.returncode == ORPHAN_EXIT, done.stderr
    assert "wrote a result" not in done.stdout
    assert list(tmp_path.glob("jobs/*/seed-*/work/checkpoint.json"))  # the recipe ran ...
    assert not list(tmp_path.glob("jobs/*/seed-*/*.json"))  # ... but neither timing.json nor metrics.json followed
