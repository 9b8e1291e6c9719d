"""Progress display for the runner: one overall bar plus one bar per running job (rich)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class JobProgress:
    def __init__(self, total: int, *, enabled: bool = True):
        self.enabled = enabled
        self.total = total
        self._tasks: dict[str, int] = {}
        self._progress = None

    def __enter__(self):
        if self.enabled:
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(file=sys.stderr), transient=False,
            )
            self._progress.__enter__()
            self._overall = self._progress.add_task("[bold]jobs", total=self.total)
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def start(self, key: str, label: str) -> None:
        if self._progress is not None:
            self._tasks[key] = self._progress.add_task(f"  {label}", total=None)

    def update(self, key: str, done: int, total: int) -> None:
        if self._progress is not None and key in self._tasks:
            self._progress.update(self._tasks[key], completed=done, total=total)

    def finish(self, key: str, *, ok: bool) -> None:
        if self._progress is None:
            return
        if key in self._tasks:
            self._progress.remove_task(self._tasks.pop(key))
        self._progress.advance(self._overall)
