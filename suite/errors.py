"""The one user-facing error type.

A `UserError` is bad input: an unknown experiment id, a malformed recipe or reference file, a missing metric. The CLI
prints its message (no traceback) and exits with code 2. Messages name *where* (file, field) and *what was expected*.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input, reported to the user as one clear message.

    >>> str(UserError("expected a number", where="reference_results/paper/x.json: metrics.sft.math500.mean"))
    'reference_results/paper/x.json: metrics.sft.math500.mean: expected a number'
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)
