"""The `open` scale: Takeaways 4.1-4.6 on a small open model with vLLM generation (experiments/_open_recipes.py).

Without a GPU, the default recipes are refused before any job starts; with `--device cpu --set generator=hf` and a
randomly initialised Qwen2 built here, the same recipes run end to end through the runner and every check reaches a
verdict (on numbers that mean nothing: the model is random and the run a few iterations long).
"""

from __future__ import annotations

import json

import pytest
import torch

from suite import verdicts
from suite.cli import main
from suite.openlm.recipe import OpenLMRLRecipe
from suite.recipes import recipe_hash
from suite.registry import discover
from suite.rewards.settings import GAMMA_PAIRS, rescale_gamma
from suite.runner import read_summary

pytest.importorskip("transformers")

EXPS = discover()


def test_section_4_is_declared_at_the_open_scale_with_shared_arms_and_the_limit_its_checks_read():
    open_ = {i: e.scales["open"] for i, e in EXPS.items() if "open" in e.scales}
    assert set(open_) == {"takeaway-4.1", "takeaway-4.2", "takeaway-4.3", "takeaway-4.4", "takeaway-4.5",
                          "takeaway-4.6"}
    assert all(isinstance(r, OpenLMRLRecipe) for s in open_.values() for r in s.recipes.values())
    h = {i: {a: recipe_hash(r) for a, r in s.recipes.items()} for i, s in open_.items()}
    assert h["takeaway-4.1"]["classic"] == h["takeaway-4.2"]["classic"]  # one classic run serves both findings
    assert h["takeaway-4.4"]["mid"] == h["takeaway-4.2"]["cosine_rep"]
    assert h["takeaway-4.5"] == {a: h["takeaway-4.2"][a] for a in ("cosine", "cosine_rep")}
    assert {a: r.rl.hard_from for a, r in open_["takeaway-4.2"].recipes.items()} == {
        "classic": None, "cosine": 5, "cosine_rep": 5}  # MATH level 5, logged again for 4.5
    gamma_p = rescale_gamma(0.99, 1024)
    rewards = {arm: r.rl.reward.name for arm, r in open_["takeaway-4.2"].recipes.items()}
    assert rewards == {"classic": "classic@1", "cosine": "cosine@1", "cosine_rep": f"cosine+repetition@1,{gamma_p:g}"}
    assert {a: r.rl.max_new_tokens for a, r in open_["takeaway-4.4"].recipes.items()} == {
        "small": 512, "mid": 1024, "large": 2048, "large_2x": 2048}
    assert open_["takeaway-4.4"].recipes["large_2x"].rl.steps == 2 * open_["takeaway-4.4"].recipes["large"].rl.steps
    assert {r.rl.reward.gammas for r in open_["takeaway-4.6"].recipes.values()} == {
        tuple(rescale_gamma(g, 1024) for g in pair) for pair in GAMMA_PAIRS.values()}
    # 4.1 and 4.2's checks read the open limit (0.8 x 1,024 tokens); the others' are the tiny scale's, which read no
    # tiny-world number
    assert {getattr(c, "level", None) for c in open_["takeaway-4.2"].checks} - {None} == {0.8 * 1024}
    assert {getattr(c, "limit", None) for c in open_["takeaway-4.1"].checks} - {None} == {1024}
    for i in ("takeaway-4.3", "takeaway-4.4", "takeaway-4.5", "takeaway-4.6"):
        assert open_[i].checks == EXPS[i].scales["tiny"].checks
        assert set(open_[i].recipes) == set(EXPS[i].scales["tiny"].recipes)
    assert all(s.seeds == (0, 1, 2) for s in open_.values())


def test_smoke_shrinks_the_open_recipes_to_a_few_iterations_and_a_small_evaluation():
    from suite.runner import plan_run
    from suite.tiny.recipes import SMOKE_OVERRIDES

    plan = plan_run([EXPS["takeaway-4.2"]], "open", smoke=SMOKE_OVERRIDES)
    rls = {job.recipe.rl for job in plan.jobs}
    assert len(rls) == 3 and {(r.steps, r.eval_every, r.eval_size) for r in rls} == {(8, 4, 16)}


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on a machine without CUDA")
def test_the_open_recipes_without_cuda_are_refused_before_any_job_starts(tmp_path, capsys):
    assert main(["run", "--scale", "open", "--only", "takeaway-4.2", "--out", str(tmp_path / "run"),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "runs on 'cuda'" in err and "Traceback" not in err and not (tmp_path / "run").exists()
    assert main(["run", "--scale", "open", "--only", "takeaway-4.2", "--device", "cpu", "--out",
                 str(tmp_path / "run"), "--no-progress"]) == 2
    assert "vLLM samples on a GPU" in capsys.readouterr().err


def _local_model_and_problems(tmp_path) -> dict[str, str]:
    """A random Qwen2 and 16 sums as training prompts (with MATH-style levels) and 8 of them held out as MATH-500 rows
    ({problem, answer}): the `--set` values that point the open recipes at them."""
    from suite.openlm.random_qwen2 import build_random_qwen2

    model = build_random_qwen2(tmp_path / "model")
    rows = [{"prompt": f"what is {a} + {b} ?", "answer": str(a + b), "level": 1 + (a + b) % 5} for a in range(4)
            for b in range(4)]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "math500.jsonl").write_text("".join(json.dumps({"problem": r["prompt"], "answer": r["answer"]}) + "\n"
                                                    for r in rows[:8]))
    return {"model": str(model), "prompts": str(tmp_path / "train.jsonl"), "heldout": str(tmp_path / "math500.jsonl")}


def test_the_open_recipes_run_end_to_end_on_the_cpu_with_a_local_model(tmp_path):
    shrink = {"generator": "hf", **_local_model_and_problems(tmp_path), "rl.steps": "4", "rl.prompts_per_step": "2",
              "rl.samples_per_prompt": "4", "rl.train_batch_size": "4", "rl.max_new_tokens": "24",
              "rl.eval_size": "8", "rl.eval_every": "2"}
    out = tmp_path / "run"
    args = ["run", "--scale", "open", "--only", "takeaway-4.2", "--device", "cpu", "--seeds", "0,1", "--out",
            str(out), "--no-progress", "--jobs", "2"]
    assert main(args + [a for k, v in shrink.items() for a in ("--set", f"{k}={v}")]) == 0
    s = read_summary(out).experiments["takeaway-4.2"]
    spec = EXPS["takeaway-4.2"].scales["open"]
    assert s.status == verdicts.RAN and set(s.arms) == set(spec.recipes)
    assert len(s.checks) == len(spec.checks)
    assert all(c.verdict in (verdicts.PASS, verdicts.FAIL, verdicts.INCONCLUSIVE) for c in s.checks)
    timing = [json.loads(p.read_text()) for p in out.glob("jobs/*/seed-*/work/rl_timing.json")]
    assert len(timing) == 6 and {t["generator"] for t in timing} == {"hf"} and {t["device"] for t in timing} == {"cpu"}


def _gpu_run(tmp_path, generator):
    out = tmp_path / "run"
    sets = {"generator": generator, **_local_model_and_problems(tmp_path), "rl.steps": "3", "rl.eval_every": "3",
            "rl.eval_size": "8", "rl.max_new_tokens": "32", "max_model_len": "256"}
    assert main(["run", "--scale", "open", "--only", "takeaway-4.2", "--seeds", "0", "--out", str(out),
                 "--no-progress"] + [a for k, v in sets.items() for a in ("--set", f"{k}={v}")]) == 0
    timing = [json.loads(p.read_text()) for p in out.glob("jobs/*/seed-0/work/rl_timing.json")]
    assert len(timing) == 3 and {t["device"] for t in timing} == {"cuda"}
    return timing


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_the_open_recipes_run_on_the_device_with_the_policy_s_own_sampler(tmp_path):
    _gpu_run(tmp_path, "hf")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_the_open_recipes_run_on_the_device_with_vllm(tmp_path):
    pytest.importorskip("vllm")
    _gpu_run(tmp_path, "vllm")
