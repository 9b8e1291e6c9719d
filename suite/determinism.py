"""One place that makes a job process deterministic: seeds and torch's CPU settings.

Same seed, same machine -> bit-identical metrics (docs/ARCHITECTURE.md, "Determinism"). Parallelism is across
processes, so each process runs torch on one thread: on CPU that also fixes the order of every reduction.
"""

from __future__ import annotations

import random

#: Seeds are non-negative and fit numpy's 32-bit seeding (torch, numpy and the backends all take them).
MAX_SEED = 2**32 - 1


def seed_everything(seed: int) -> None:
    """Seed Python's, numpy's and torch's global generators from `seed` and configure torch (`configure_torch`).

    Engines still draw from their own seeded generators wherever they can; the globals are seeded so that a stray
    draw is reproducible too."""
    random.seed(seed)
    import numpy as np

    np.random.seed(seed % 2**32)
    import torch

    torch.manual_seed(seed)
    configure_torch()


def configure_torch() -> None:
    """One torch thread per process and deterministic kernels; cheap enough to call at the start of every job.

    `torch.use_deterministic_algorithms(True)` also sets the flag of torch's compiler (`torch._inductor.config`),
    and importing that module costs seconds per process (1.4 s warm on the project's 2-core machine, more when
    cold). Nothing here compiles, so the kernel flag is set directly; if the compiler is already loaded (someone
    uses `torch.compile` in this process) the public call sets both.
    """
    import sys

    import torch

    torch.set_num_threads(1)
    set_kernels = getattr(torch._C, "_set_deterministic_algorithms", None)
    if set_kernels is None or "torch._inductor.config" in sys.modules:
        torch.use_deterministic_algorithms(True)
    else:
        set_kernels(True)
