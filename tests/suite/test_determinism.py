"""suite.determinism: the one helper that makes a job process deterministic, and cheaply."""

import random
import subprocess
import sys

import numpy as np
import torch

from suite.determinism import configure_torch, seed_everything


def test_seeding_twice_with_the_same_seed_replays_every_global_generator_and_another_seed_does_not():
    def draws(seed):
        seed_everything(seed)
        return random.random(), float(np.random.rand()), float(torch.rand(1))

    assert draws(3) == draws(3)
    assert draws(3) != draws(4)


def test_torch_runs_on_one_thread_with_deterministic_kernels():
    torch.set_num_threads(2)
    configure_torch()
    assert torch.get_num_threads() == 1
    assert torch.are_deterministic_algorithms_enabled()
    assert not torch.is_deterministic_algorithms_warn_only_enabled()  # a nondeterministic kernel is an error


def test_configuring_a_fresh_process_does_not_load_torchs_compiler():
    # The public switch imports torch._inductor.config (seconds per job process); nothing in a job compiles.
    code = ("import sys; from suite.determinism import seed_everything; seed_everything(0); import torch; "
            "print(torch.are_deterministic_algorithms_enabled(), 'torch._inductor.config' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_when_the_compiler_is_already_loaded_its_flag_is_set_too():
    code = ("import torch._inductor.config as c; from suite.determinism import configure_torch; configure_torch(); "
            "import torch; print(torch.are_deterministic_algorithms_enabled(), c.deterministic)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True"]
