"""The `gpu` scale: the tiny engine's headroom-world recipes, larger, on a CUDA device (experiments/_gpu_recipes.py).

On a machine without CUDA the same recipes run end to end on the CPU when told to (`--set device=cpu --set
init.device=cpu`, shrunk further than `--smoke`), and asking for the CUDA recipes there is refused before any job
starts, with exit code 2. The `gpu`-marked test runs the smoke variant on the device itself.
"""

from __future__ import annotations

import json

import pytest
import torch

from suite import verdicts
from suite.cli import main
from suite.recipes import recipe_hash
from suite.registry import discover
from suite.runner import read_summary
from suite.tiny.recipes import TinyRLRecipe

EXPS = discover()
GPU = [e for e in EXPS.values() if e.status("gpu") == verdicts.IMPLEMENTED]
HAS_CUDA = torch.cuda.is_available()

#: on the CPU: the smoke variant shrunk further for a 0.8M-parameter model on one core: 2 prompts a step instead of
#: 32, 4 iterations, SFT of 10 steps of 16
CPU_SHRINK = ["--set", "device=cpu", "--set", "init.device=cpu", "--set", "rl.prompts_per_step=2",
              "--set", "rl.train_batch_size=16", "--set", "rl.steps=4", "--set", "rl.eval_every=2",
              "--set", "init.sft.steps=10", "--set", "init.sft.eval_every=10", "--set", "init.sft.batch_size=16"]


def test_at_least_two_findings_are_declared_at_the_gpu_scale():
    assert {"takeaway-4.1", "takeaway-4.2"} <= {e.id for e in GPU}


@pytest.mark.parametrize("exp", GPU, ids=[e.id for e in GPU])
def test_a_gpu_recipe_is_its_tiny_recipe_scaled_up_on_cuda_and_judged_by_the_same_checks(exp):
    tiny, gpu = exp.scales["tiny"], exp.scales["gpu"]
    assert [c.name for c in gpu.checks] == [c.name for c in tiny.checks]
    assert set(gpu.recipes) == set(tiny.recipes) and len(gpu.seeds) > len(tiny.seeds)
    for arm, r in gpu.recipes.items():
        t = tiny.recipes[arm]
        assert isinstance(r, TinyRLRecipe) and r.device == "cuda" and r.init.device == "cuda"
        assert r.rl.reward == t.rl.reward and r.rl.max_new_tokens == t.rl.max_new_tokens  # same world, same reward
        assert r.rl.rollout_batch_size > t.rl.rollout_batch_size and r.rl.eval_size > t.rl.eval_size
        assert r.init.sft.n_embd * r.init.sft.n_layer > t.init.sft.n_embd * t.init.sft.n_layer  # a larger model
        assert recipe_hash(r) != recipe_hash(t)


def test_the_device_field_at_its_default_leaves_a_tiny_recipe_hash_as_stored_in_the_reference():
    ref = json.loads(open("reference_results/tiny/takeaway-4.1.json").read())
    stored = ref["provenance"]["recipe_hashes"]["classic"]
    assert recipe_hash(EXPS["takeaway-4.1"].scales["tiny"].recipes["classic"]).startswith(stored)


def test_a_bad_device_name_is_refused_with_the_field_named(capsys):
    assert main(["run", "--smoke", "--scale", "gpu", "--only", "takeaway-4.1", "--set", "device=gpu0",
                 "--out", "/tmp/never-written", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "device must be 'cpu', 'cuda' or 'cuda:N', got 'gpu0'" in err and "Traceback" not in err


@pytest.mark.skipif(HAS_CUDA, reason="checks the refusal on a machine without CUDA")
def test_cuda_recipes_without_cuda_are_refused_before_any_job_starts(tmp_path, capsys):
    assert main(["run", "--smoke", "--scale", "gpu", "--only", "takeaway-4.1", "--out", str(tmp_path / "run"),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "runs on 'cuda'" in err and "--set device=cpu --set init.device=cpu" in err and "Traceback" not in err
    assert not list((tmp_path / "run").glob("jobs/*/seed-*"))  # no job started


def _smoke(tmp_path, extra):
    out = tmp_path / "run"
    assert main(["run", "--smoke", "--scale", "gpu", "--only", "takeaway-4.2", "--out", str(out), "--no-progress",
                 "--jobs", "2", *extra]) == 0
    s = read_summary(out).experiments["takeaway-4.2"]
    spec = EXPS["takeaway-4.2"].scales["gpu"]
    assert s.status == verdicts.RAN and set(s.arms) == set(spec.recipes)
    assert len(s.checks) == len(spec.checks)
    assert all(c.verdict in (verdicts.PASS, verdicts.FAIL, verdicts.INCONCLUSIVE) for c in s.checks)
    timing = [json.loads(p.read_text()) for p in out.glob("jobs/*/seed-0/work/rl_timing.json")]
    assert len(timing) == 3 and all(t["generated_tokens"] > 0 and t["generated_tokens_per_s"] > 0 for t in timing)
    return out, timing


def test_the_gpu_recipes_run_end_to_end_on_the_cpu_when_told_to(tmp_path):
    _, timing = _smoke(tmp_path, CPU_SHRINK)
    assert {t["device"] for t in timing} == {"cpu"}


@pytest.mark.gpu
@pytest.mark.skipif(not HAS_CUDA, reason="needs a CUDA device")
def test_the_gpu_smoke_variant_runs_on_the_device(tmp_path):
    out, timing = _smoke(tmp_path, [])
    assert {t["device"] for t in timing} == {"cuda"}
    metrics = [json.loads(p.read_text()) for p in out.glob("jobs/*/seed-0/metrics.json")]
    assert all(m["provenance"]["hardware"].get("gpu") for m in metrics)
