"""Hard wall-clock timeouts for grading, from any thread: work runs in worker *processes* that can be killed.

Two layers, because sympy can hang in two ways:

- *soft*: inside a worker, `signal.setitimer` interrupts Python-level loops (most sympy blow-ups) after `timeout_s`;
  the item scores the default and the worker lives on. Signals work there because the worker runs each task on its
  main thread, unlike the caller's thread (which is why math-verify's own `signal.alarm` timeout fails off the main
  thread).
- *hard*: the caller waits for a batch at most `timeout_s + SLACK_S + BATCH_S_PER_ITEM * n_items` (a fresh
  worker first proves it has started, within `STARTUP_S`, so start-up never eats into an item's budget). A worker stuck
  in C code that never returns to the interpreter (e.g. a huge integer power) is killed (SIGKILL) and restarted, and
  the stuck batch is retried one item at a time, so only the culprit scores the default.

Workers are plain `python -m suite.verify.worker` subprocesses speaking length-prefixed pickles over pipes, not
`multiprocessing` children: they never re-import the caller's `__main__` (a script without an
`if __name__ == "__main__"` guard, a notebook or lm-eval all work) and they are safe when the caller has threads.

`TimeoutPool.map(fn, items, default)` returns one result per item, in order; `fn` must be a module-level function of
one picklable argument.
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

DEFAULT_TIMEOUT_S = 5.0
BATCH_S_PER_ITEM = 0.5  # a healthy item takes milliseconds; this only bounds how long a stuck batch goes unnoticed
STARTUP_S = 60.0  # a fresh worker imports sympy and math-verify (~1-3 s; much more on a loaded machine)
SLACK_S = 1.0  # pickling and pipe transfer on top of the per-item timeout
_HEADER = struct.Struct("!Q")


class _SoftTimeout(Exception):
    pass


def _raise_soft_timeout(signum, frame):  # noqa: ARG001
    raise _SoftTimeout()


def _run_batch(fn: Callable[[Any], Any], items: Sequence[Any], timeout_s: float, default: Any) -> list[Any]:
    """Worker side: apply fn to each item under a per-item interval timer; any failure scores the default."""
    signal.signal(signal.SIGALRM, _raise_soft_timeout)
    out = []
    for item in items:
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout_s)
            try:
                out.append(fn(item))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException:  # noqa: BLE001 - includes the soft timeout and RecursionError
            out.append(default)
    return out


class _WorkerDied(Exception):
    pass


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            raise _WorkerDied
        buf += chunk
    return bytes(buf)


class _Worker:
    """One grading subprocess; `run` returns the batch's results or raises TimeoutError / _WorkerDied."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                           os.environ.get("PYTHONPATH", "")]))
        env.setdefault("OMP_NUM_THREADS", "1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "suite.verify.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )

    def run(self, fn, items, timeout_s, default, budget_s) -> list[Any]:
        payload = pickle.dumps((fn, list(items), timeout_s, default))
        try:
            self.proc.stdin.write(_HEADER.pack(len(payload)) + payload)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerDied from exc
        deadline = time.monotonic() + budget_s
        fd = self.proc.stdout.fileno()
        (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
        return pickle.loads(_read_exact(fd, size, deadline))

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001 - already gone
            pass


class TimeoutPool:
    """`workers` grading subprocesses whose every call finishes within its budget (see module docstring)."""

    def __init__(self, workers: int = 1, timeout_s: float = DEFAULT_TIMEOUT_S):
        if workers < 1 or timeout_s <= 0:
            raise ValueError("TimeoutPool needs workers >= 1 and timeout_s > 0")
        self.workers, self.timeout_s = workers, timeout_s
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self.hard_kills = 0  # how many times a stuck worker was killed (reported by the benchmarks)

    def _checkout(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        worker = _Worker()
        try:  # an empty batch: returns once the worker has imported everything
            worker.run(str, [], self.timeout_s, None, STARTUP_S)
        except (TimeoutError, _WorkerDied, EOFError) as exc:
            worker.kill()
            raise RuntimeError("a grading worker process failed to start (python -m suite.verify.worker)") from exc
        return worker

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def _run(self, fn, items: Sequence[Any], default: Any, budget_s: float) -> list[Any] | None:
        """One batch on one worker; None when the worker hung or died (it is then killed, never reused)."""
        worker = self._checkout()
        try:
            result = worker.run(fn, items, self.timeout_s, default, budget_s)
        except (TimeoutError, _WorkerDied, EOFError, pickle.UnpicklingError):
            with self._lock:
                self.hard_kills += 1
            worker.kill()
            return None
        self._checkin(worker)
        return result

    def _batch(self, fn, chunk: Sequence[Any], default: Any) -> list[Any]:
        result = self._run(fn, chunk, default, self.timeout_s + SLACK_S + BATCH_S_PER_ITEM * len(chunk))
        if result is not None:
            return result
        if len(chunk) == 1:
            return [default]
        return [self.call(fn, item, default) for item in chunk]  # find the culprit; the others still get graded

    def call(self, fn: Callable[[Any], Any], item: Any, default: Any) -> Any:
        result = self._run(fn, [item], default, self.timeout_s + SLACK_S)
        return default if result is None else result[0]

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any], default: Any, chunk_size: int = 64) -> list[Any]:
        items = list(items)
        chunks = [items[i : i + chunk_size] for i in range(0, len(items), chunk_size)]
        if len(chunks) <= 1 or self.workers == 1:
            results = [self._batch(fn, c, default) for c in chunks]
        else:
            with ThreadPoolExecutor(self.workers) as threads:  # one thread drives one worker process
                results = list(threads.map(lambda c: self._batch(fn, c, default), chunks))
        return [r for chunk_results in results for r in chunk_results]

    def shutdown(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


_SHARED: dict[tuple[int, float], TimeoutPool] = {}
_SHARED_LOCK = threading.Lock()


def shared_pool(workers: int = 1, timeout_s: float = DEFAULT_TIMEOUT_S) -> TimeoutPool:
    """A process-wide pool per (workers, timeout_s), created on first use and shut down at exit."""
    with _SHARED_LOCK:
        key = (workers, float(timeout_s))
        if key not in _SHARED:
            _SHARED[key] = TimeoutPool(workers, timeout_s)
        return _SHARED[key]


@atexit.register
def _shutdown_shared() -> None:
    for pool in _SHARED.values():
        pool.shutdown()
