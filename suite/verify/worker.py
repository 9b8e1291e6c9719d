"""Entry point of one grading worker process (`python -m suite.verify.worker`), driven by `suite.verify.timeout`.

Protocol on stdin/stdout: 8-byte big-endian length, then a pickle. Request `(fn, items, timeout_s, default)`,
reply `list` of results (see `suite.verify.timeout._run_batch`). The worker exits when stdin closes. Its address
space is capped at `LONGCOT_GRADER_MEMORY_GB` (default 4).
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import sys
import warnings

from suite.verify import equivalence  # noqa: F401 - import sympy and math-verify once, before the first batch
from suite.verify.timeout import _HEADER, _run_batch


MEMORY_LIMIT_GB = float(os.environ.get("LONGCOT_GRADER_MEMORY_GB", "4"))


def main() -> None:
    # A runaway big-integer or expansion fails with MemoryError (scored as not equivalent) instead of swapping the host.
    limit = int(MEMORY_LIMIT_GB * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    logging.disable(logging.WARNING)  # math-verify warns that its own (signal) timeout is disabled: we impose ours
    warnings.simplefilter("ignore")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints from graded code must not corrupt the protocol
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(header)
        fn, items, timeout_s, default = pickle.loads(stdin.read(size))
        payload = pickle.dumps(_run_batch(fn, items, timeout_s, default))
        stdout.write(_HEADER.pack(len(payload)) + payload)
        stdout.flush()


if __name__ == "__main__":
    main()
