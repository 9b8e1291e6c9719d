"""The `gpu` scale: every finding's tiny-scale experiment, larger, on a CUDA device (experiments/_gpu_recipes.py).

On a machine without CUDA the same recipes run end to end on the CPU when told to (`--device cpu`, shrunk further
than `--smoke`), and asking for the CUDA recipes there is refused before any job starts, with exit code 2. The
`gpu`-marked test runs the smoke variant on the device itself.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch

from suite import verdicts
from suite.cli import main
from suite.recipes import recipe_hash
from suite.registry import discover
from suite.errors import UserError
from suite.runner import plan_run, read_summary
from suite.tiny.recipes import SMOKE_OVERRIDES, OnDevice, TinyJudgeRecipe, TinyRLRecipe, TinySFTRecipe

EXPS = discover()
GPU = [e for e in EXPS.values() if e.status("gpu") == verdicts.IMPLEMENTED]
HAS_CUDA = torch.cuda.is_available()

#: on the CPU: the smoke variant shrunk further for a 0.8M-parameter model on one core: 4 prompts a step instead of
#: 32, 4 iterations, SFT of 10 steps of 16
CPU_SHRINK = ["--device", "cpu", "--set", "rl.prompts_per_step=4", "--set", "rl.train_batch_size=16",
              "--set", "rl.steps=4", "--set", "rl.eval_every=2", "--set", "init.sft.steps=10",
              "--set", "init.sft.eval_every=10", "--set", "init.sft.batch_size=16"]


def test_every_finding_is_declared_at_the_gpu_scale():
    assert {e.id for e in GPU} == set(EXPS)


def _stages(recipe, path="arm"):
    """(path, recipe) of the recipe and every recipe nested in it (its SFT start, a base model, a judge)."""
    yield path, recipe
    for name in ("init", "judge"):
        inner = getattr(recipe, name, None)
        if isinstance(inner, OnDevice):
            yield from _stages(inner, f"{path}.{name}")


@pytest.mark.parametrize("exp", GPU, ids=[e.id for e in GPU])
def test_a_gpu_recipe_is_its_tiny_recipe_scaled_up_on_cuda_and_judged_by_the_same_checks(exp):
    tiny, gpu = exp.scales["tiny"], exp.scales["gpu"]
    assert [c.name for c in gpu.checks] == [c.name for c in tiny.checks]
    assert set(gpu.recipes) == set(tiny.recipes) and len(gpu.seeds) > len(tiny.seeds)
    for arm in gpu.recipes:
        g, t = dict(_stages(gpu.recipes[arm])), dict(_stages(tiny.recipes[arm]))
        assert g.keys() == t.keys(), arm  # the same stages: the same experiment
        for path, r in g.items():
            small = t[path]
            assert type(r) is type(small) and r.device == "cuda", path
            assert recipe_hash(r) != recipe_hash(small)
            if isinstance(r, TinyRLRecipe):  # same world, same reward, same prompts; a larger rollout
                assert r.rl.reward == small.rl.reward and r.rl.max_new_tokens == small.rl.max_new_tokens
                assert r.rl.rollout_batch_size > small.rl.rollout_batch_size and r.rl.steps == small.rl.steps
                assert (r.verifier, r.filtered, r.prompt_pool) == (small.verifier, small.filtered, small.prompt_pool)
            elif isinstance(r, TinySFTRecipe):  # a larger model, on the same kind of data
                assert r.sft.n_embd * r.sft.n_layer > small.sft.n_embd * small.sft.n_layer
                assert (r.sft.style, r.sft.families, r.sft.web_pool) == (small.sft.style, small.sft.families,
                                                                          small.sft.web_pool)
            else:  # the 5.2 judge: a verifier, not the policy; only its device moves
                assert isinstance(r, TinyJudgeRecipe) and replace(r, device="cpu") == small


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
    assert "runs on 'cuda'" in err and "--device cpu" in err and "Traceback" not in err
    assert not (tmp_path / "run").exists()  # nothing written: no run.json, no recipe.json, no job


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


#: the smoke overrides shrunk further, for recipes of every kind at once (each applied where its field exists, as
#: --smoke applies its own): the gpu model on one core in seconds
CPU_SMOKE = {**SMOKE_OVERRIDES, "rl.prompts_per_step": "4", "rl.train_batch_size": "16", "rl.steps": "4",
             "rl.eval_every": "2",
             **{f"{p}sft.{k}": v for p in ("", "init.", "init.init.")
                for k, v in (("steps", "10"), ("eval_every", "10"), ("batch_size", "16"))}}


def test_a_finding_of_section_6_runs_at_the_gpu_scale_on_the_cpu_every_stage_moved_by_device(tmp_path):
    # section 6 has the deepest recipes: RL from SFT from a base model, each stage a recipe with its own device
    from suite.runner import run as run_suite

    exp = EXPS["section-6"]
    summary, errors = run_suite([exp], "gpu", tmp_path / "run", seeds=(0,), jobs=2, smoke=CPU_SMOKE, device="cpu",
                                progress=False)
    assert not errors
    s = summary.experiments["section-6"]
    assert s.status == verdicts.RAN and set(s.arms) == set(exp.scales["gpu"].recipes)
    assert len(s.checks) == len(exp.scales["gpu"].checks)
    recipes = [json.loads(p.read_text()) for p in (tmp_path / "run").glob("jobs/*/recipe.json")]
    assert len(recipes) == 4 and "cuda" not in json.dumps(recipes)  # base, SFT, direct RL, SFT + RL: all on the CPU
    assert {r["sft"]["n_embd"] for r in recipes if r["__kind__"] == "tiny-sft"} == {128}  # the gpu model
    assert json.loads((tmp_path / "run" / "run.json").read_text())["device"] == "cpu"


def test_device_names_every_stage_and_is_refused_where_a_recipe_has_none(tmp_path, capsys):
    from experiments._gpu_recipes import scale_up
    from experiments._tiny_recipes import RL_NOISY_TINY, SFT_RL_FROM_BASE
    from suite.recipes import field_paths

    assert sorted(field_paths(scale_up(SFT_RL_FROM_BASE), "device")) == ["device", "init.device", "init.init.device"]
    assert sorted(field_paths(RL_NOISY_TINY["filtered_model"], "device")) == ["device", "init.device", "judge.device"]
    assert main(["run", "--scale", "paper", "--only", "takeaway-4.1", "--device", "cpu", "--out",
                 str(tmp_path / "p"), "--no-progress"]) == 2
    assert "--device: moves only the recipes this suite runs" in capsys.readouterr().err
    with pytest.raises(UserError, match="has no device: --device applies to the tiny engine's recipes"):
        plan_run([EXPS["takeaway-4.1"]], "paper", device="cpu")  # the planner refuses it too
    assert main(["run", "--smoke", "--only", "takeaway-4.1", "--device", "tpu", "--out", str(tmp_path / "t"),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "--device: device must be 'cpu', 'cuda' or 'cuda:N', got 'tpu'" in err and "Traceback" not in err
