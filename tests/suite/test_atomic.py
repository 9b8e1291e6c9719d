"""suite.atomic: whole-or-nothing writes, and the cleanup of the temporary files a killed writer leaves behind."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from suite import atomic
from suite.atomic import TEMP_NAME, remove_stale_temp_files, write_bytes_atomic, write_json_atomic


def _dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "d" / "metrics.json"
    write_json_atomic(target, {"b": 1, "a": [1.5]})
    write_json_atomic(target, {"a": 2})
    assert target.read_text() == '{\n  "a": 2\n}\n'
    assert sorted(p.name for p in target.parent.iterdir()) == ["metrics.json"]


def test_the_temporary_file_is_named_after_the_target_and_the_writing_process(tmp_path, monkeypatch):
    seen = []

    def failing_replace(src, dst):
        seen.append(Path(src).name)
        assert Path(src).read_bytes() == b"new"  # complete and flushed before it would take the target's place
        raise OSError("disk gone")

    (tmp_path / "model.pt").write_bytes(b"old")
    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk gone"):
        write_bytes_atomic(tmp_path / "model.pt", b"new")
    m = TEMP_NAME.fullmatch(seen[0])
    assert m and m["target"] == "model.pt" and int(m["pid"]) == os.getpid()
    assert seen[0].startswith(".") and seen[0].endswith(".tmp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]  # a failed write cleans up after itself
    assert (tmp_path / "model.pt").read_bytes() == b"old"


def test_stale_temporary_files_are_removed_only_when_ours_and_only_under_the_root(tmp_path):
    run, outside = tmp_path / "run", tmp_path / "elsewhere"
    work = run / "jobs" / "abc" / "seed-0" / "work"
    work.mkdir(parents=True)
    outside.mkdir()
    dead = _dead_pid()
    stale = [
        work / ".model.pt.k2x_9abq.tmp",  # the older form, without a pid: a killed SFT checkpoint write
        work.parent / f".metrics.json.{dead}.a1b2c3d4.tmp",  # its writer has exited
        run / f".summary.json.{dead}.zzzzzzzz.tmp",
    ]
    kept = [
        work.parent / f".metrics.json.{os.getpid()}.a1b2c3d4.tmp",  # a live writer (this process) is mid-write
        work / "notes.tmp", work / ".hidden", work / "model.pt.k2x_9abq.tmp", work / ".x.tmp",
        work / ".model.pt.tmp.png", work / ".model.pt.short.tmp", work / "model.pt",
        outside / ".model.pt.k2x_9abq.tmp",  # not in the run directory
    ]
    for p in stale + kept:
        p.write_bytes(b"partial")
    link = run / ".link.json.abcdefgh.tmp"
    link.symlink_to(outside / ".model.pt.k2x_9abq.tmp")
    removed = remove_stale_temp_files(run)
    assert sorted(removed) == sorted(stale)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept) and link.is_symlink()
    assert remove_stale_temp_files(run) == []
    assert remove_stale_temp_files(tmp_path / "missing") == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_zombie_writer_counts_as_gone(tmp_path):
    p = subprocess.Popen([sys.executable, "-c", "pass"])  # exits, and stays a zombie until waited for
    try:
        deadline = time.time() + 30
        while Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.time() < deadline
            time.sleep(0.02)
        f = tmp_path / f".metrics.json.{p.pid}.abcdefgh.tmp"
        f.write_bytes(b"x")
        assert remove_stale_temp_files(tmp_path) == [f]
    finally:
        p.wait()
