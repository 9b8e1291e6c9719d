"""Test-suite setup: make the synthetic experiments importable without shadowing the real `suite` package.

`tests/suite/` mirrors the package layout and has no `__init__.py`, so `tests/` must come *after* the repository root
on sys.path, or `import suite` would find the mirror as a namespace package.
"""

import os
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for p in (str(TESTS), str(ROOT)):
    while p in sys.path:
        sys.path.remove(p)
sys.path[:0] = [str(ROOT), str(TESTS)]

# Nothing in the test suite may reach a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
