"""Jobs on a Ray cluster: `longcot run --executor ray [--address ADDR]`.

The same jobs as the local executor, with the same run directory, cache and resume: each job is one Ray task that
calls `execute.execute_job` (seeded, writing its `metrics.json` and `timing.json` atomically), waves by dependency as
locally. What Ray adds is placement: a task takes one CPU (and an eighth of a GPU, for a recipe whose `device` is CUDA) anywhere
in the cluster, and a task whose worker process dies (killed, out of memory, its node lost) is run again, up to
`MAX_RETRIES` times. A job that raises is not retried: its error is the job's result, as locally.

The run directory must be a path every node sees (a shared filesystem): RL jobs read their SFT job's checkpoint from
it, as verl and OpenRLHF read theirs. Without `--address`, `ray.init()` starts a local instance with one CPU per
`--jobs` and the driver's import path, so the experiments package and the suite import in its workers as they do here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

from suite.errors import UserError

#: times Ray re-runs a task whose worker process died (a job that raised is not retried)
MAX_RETRIES = 3


def _job_task(job, root: str) -> tuple[str, str | None]:
    """One job in a Ray worker: the local executor's `execute_job`, one torch thread."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    from suite.runner.execute import execute_job
    from suite.runner.layout import RunLayout

    return execute_job(job, RunLayout(Path(root)))


def connect(address: str | None, jobs: int) -> None:
    """Join the cluster at `address`, or start a local instance with `jobs` CPUs; a no-op if this process has joined
    one already. Missing Ray, or a cluster that cannot be reached, is a UserError."""
    try:
        import ray
    except ImportError:
        raise UserError("the Ray executor needs the Python package 'ray' (pip install -e '.[scale]')",
                        where="--executor ray") from None
    if ray.is_initialized():
        return
    path = os.pathsep.join(p for p in sys.path if p and Path(p).is_dir())
    env = {"PYTHONPATH": path, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    try:
        if address:
            ray.init(address=address, runtime_env={"env_vars": env}, log_to_driver=False)
        else:
            ray.init(num_cpus=jobs, runtime_env={"env_vars": env}, include_dashboard=False, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise UserError(f"cannot join a Ray cluster: {exc}", where=f"--address {address}" if address else
                        "--executor ray") from None


#: the share of a GPU one CUDA job asks for: a tiny-engine job leaves a GPU mostly idle, so eight share one (as
#: `longcot run --scale gpu --jobs 8` does on one machine)
GPU_SHARE = 0.125


def _resources(job) -> dict:
    device = getattr(job.recipe, "device", "cpu")
    return {"num_cpus": 1, "num_gpus": GPU_SHARE} if str(device).startswith("cuda") else {"num_cpus": 1}


def run_wave(wave, layout, bar, settle: Callable[[str, str | None], None]) -> None:
    """Run one dependency wave as Ray tasks and settle each job as it finishes."""
    import ray
    from ray.exceptions import RayError

    task = ray.remote(max_retries=MAX_RETRIES, retry_exceptions=False)(_job_task)
    refs = {}
    for j in wave:
        refs[task.options(**_resources(j)).remote(j, str(layout.root))] = j
        bar.start(j.key, j.label())
    pending = list(refs)
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        for ref in done:
            j = refs[ref]
            try:
                key, err = ray.get(ref)
            except RayError as exc:  # its worker died MAX_RETRIES + 1 times, or the cluster went away
                key, err = j.key, f"Ray task failed after {MAX_RETRIES} retries: {type(exc).__name__}: " + \
                    str(exc).splitlines()[0][:300]
            settle(key, err)
