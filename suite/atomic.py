"""Atomic file writes: a result file is either the old version or the complete new one, never half-written.

Write to a temporary file in the same directory, flush and fsync it, then `os.replace` it over the target (atomic on
POSIX and Windows within one filesystem).

The temporary file is `.<name>.<pid>.<random>.tmp` beside the target (`TEMP_NAME`), `<pid>` being the writing process.
A process killed mid-write leaves it behind; `remove_stale_temp_files` deletes those whose writer is gone (the runner
calls it on the run directory before any job starts).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()

#: A temporary file of `write_bytes_atomic`: `.<target name>.<writer pid>.<8 random chars of mkstemp>.tmp`. Files of
#: the older form without the pid (`.<target>.<random>.tmp`) match too, with no pid: their writer is always gone.
TEMP_NAME = re.compile(r"\.(?P<target>.+?)\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}\.tmp")


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; results are meant to be shared like any file
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and a trailing newline: equal objects give byte-equal files."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=True) + "\n"


def write_json_atomic(path: str | os.PathLike, obj: Any) -> Path:
    return write_text_atomic(path, canonical_json(obj))


def _process_alive(pid: int) -> bool:
    """Whether process `pid` exists on this machine and is not a zombie (a zombie writes nothing more)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: alive
    except (OSError, OverflowError):
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux) or it went meanwhile: assume alive, keep its file
    return state not in ("Z", "X")


def is_stale_temp_file(name: str) -> bool:
    """True for a `write_bytes_atomic` temporary file (`TEMP_NAME`) whose writing process no longer runs."""
    m = TEMP_NAME.fullmatch(name)
    if m is None:
        return False
    return m.group("pid") is None or not _process_alive(int(m.group("pid")))


def remove_stale_temp_files(root: str | os.PathLike) -> list[Path]:
    """Delete, under `root` (recursively, symlinks not followed), the temporary files of `write_bytes_atomic` left by
    writers that are gone (killed mid-write). A live writer's file, and any file not named like ours, stays. Returns
    the paths removed."""
    removed = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if is_stale_temp_file(name):
                p = Path(dirpath) / name
                try:
                    if p.is_symlink() or not p.is_file():
                        continue
                    p.unlink()
                except FileNotFoundError:
                    continue  # removed meanwhile (its writer was not gone after all, or another cleaner)
                removed.append(p)
    return removed
