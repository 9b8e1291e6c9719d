"""Pool processes die with the runner: a worker (or the progress manager) whose parent is gone exits at once.

`longcot run --jobs N` starts its processes with `die_with_parent(os.getpid())` as their initializer. On Linux the
kernel sends them SIGKILL when the runner dies (`prctl(PR_SET_PDEATHSIG)`, even when the runner itself was
SIGKILLed); elsewhere a daemon thread polls the parent pid every `POLL_S` seconds. `parent_gone()` is what a worker
asks right before it writes a result: an orphan's result is never written.

PR_SET_PDEATHSIG fires when the *thread* that started the process ends: the runner starts its pool processes from the
thread that calls `execute`, which waits for all of them. (A pool with `max_tasks_per_child` would start replacements
from the executor's own thread: do not use one.)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

POLL_S = 0.2
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
ORPHAN_EXIT = 70  # exit status of a process that stopped because its parent was gone

_parent_pid: int | None = None  # set in a process started with die_with_parent; None in the runner itself


def _set_pdeathsig(sig: int) -> bool:
    """Ask the kernel to send `sig` to this process when its parent dies (Linux); False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the global namespace, libc included
        return libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(sig), ctypes.c_ulong(0), ctypes.c_ulong(0),
                          ctypes.c_ulong(0)) == 0
    except (OSError, AttributeError):
        return False


def parent_gone() -> bool:
    """True in a process started with `die_with_parent` whose parent no longer runs (it was re-parented)."""
    return _parent_pid is not None and os.getppid() != _parent_pid


def exit_if_orphaned() -> None:
    """Exit this process at once (no cleanup, no result) when its parent is gone."""
    if parent_gone():
        os._exit(ORPHAN_EXIT)


def _watch() -> None:
    while True:
        time.sleep(POLL_S)
        exit_if_orphaned()


def die_with_parent(parent_pid: int) -> None:
    """Initializer of a pool process: tie its life to `parent_pid` (the runner that started it); see the module."""
    global _parent_pid
    _parent_pid = parent_pid
    if not _set_pdeathsig(signal.SIGKILL):
        threading.Thread(target=_watch, name="longcot-lifeline", daemon=True).start()
    exit_if_orphaned()  # the parent may have died before the kernel was asked to watch it
