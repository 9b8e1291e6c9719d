"""One place that makes a job process deterministic: seeds and torch's CPU (and CUDA) settings.

Same seed, same machine -> bit-identical metrics on CPU (docs/ARCHITECTURE.md, "Determinism"). Parallelism is across
processes, so each process runs torch on one thread: on CPU that also fixes the order of every reduction. On a CUDA
device (the `gpu` scale) torch's deterministic kernels are asked for as far as they exist (`configure_torch`).
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


def configure_torch(device: str = "cpu") -> None:
    """One torch thread per process and deterministic kernels; cheap enough to call at the start of every job.

    On a CUDA `device`, also: cuBLAS's fixed workspace (`CUBLAS_WORKSPACE_CONFIG`, which must be set before the first
    cuBLAS call, so call this before the model moves to the device), no TF32, and deterministic kernels where torch has
    them, with a warning rather than an error where it has none (`warn_only`): on CUDA bit-identity is measured, not
    promised (docs/gpu_tier.md).

    `torch.use_deterministic_algorithms(True)` also sets the flag of torch's compiler (`torch._inductor.config`),
    and importing that module costs seconds per process (1.4 s warm on the project's 2-core machine, more when
    cold). Nothing here compiles, so the kernel flag is set directly; if the compiler is already loaded (someone
    uses `torch.compile` in this process) the public call sets both.
    """
    import os
    import sys

    import torch

    torch.set_num_threads(1)
    if device.startswith("cuda"):
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = False
        # attention through the plain (math) kernels: the fused memory-efficient kernel's backward is not
        # deterministic (a smoke run twice on an H200 gave 3 of 4 jobs different metrics with it)
        torch.backends.cuda.enable_flash_sdp(False)
        torch.backends.cuda.enable_mem_efficient_sdp(False)
        if hasattr(torch.backends.cuda, "enable_cudnn_sdp"):
            torch.backends.cuda.enable_cudnn_sdp(False)
        torch.backends.cuda.enable_math_sdp(True)
        torch.use_deterministic_algorithms(True, warn_only=True)
        return
    set_kernels = getattr(torch._C, "_set_deterministic_algorithms", None)
    if set_kernels is None or "torch._inductor.config" in sys.modules:
        torch.use_deterministic_algorithms(True)
    else:
        set_kernels(True)
