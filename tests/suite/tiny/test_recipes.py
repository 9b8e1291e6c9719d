"""Tiny recipes through the real runner: SFT trains once per seed, RL starts from its checkpoint, reruns are equal."""

import json
from dataclasses import replace

import pytest

from suite import runner, verdicts
from suite.checks import Trend
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M
from suite.recipes import recipe_hash
from suite.rewards.settings import SPEC_CLASSIC, SPEC_COSINE
from suite.tiny.recipes import FINAL_RESPONSES, TRAIN_TIMING, TinyRLRecipe, TinySFTRecipe, rl_problem_sets
from suite.tiny.rl.config import RLConfig
from suite.tiny.sft_config import SFTConfig

SFT = TinySFTRecipe(SFTConfig(families=("chain",), ood_families=(), style="long", n_train=40, traces_per_problem=1,
                              steps=6, batch_size=8,
                              warmup_steps=2, eval_every=1000, eval_n=4, eval_max_new_tokens=24, n_layer=1,
                              n_embd=32, n_head=2))
RL = RLConfig(reward=SPEC_CLASSIC, prompts_per_step=2, samples_per_prompt=2, train_batch_size=4, max_new_tokens=24,
              steps=2, eval_every=1, eval_size=4)
CLASSIC = TinyRLRecipe(RL, init=SFT, n_train=8)
COSINE = replace(CLASSIC, rl=replace(RL, reward=SPEC_COSINE))

EXP = Experiment(
    id="tiny-plumbing", title="tiny plumbing", claim=Claim("plumbing", "§4.2", "test"),
    arms=(Arm("classic", "classic"), Arm("cosine", "cosine")),
    metrics=(M.RESPONSE_LENGTH,),
    scales={"tiny": ScaleSpec(recipes={"classic": CLASSIC, "cosine": COSINE}, seeds=(0,),
                              checks=(Trend("length trend", M.RESPONSE_LENGTH, arm="classic"),))},
)


def test_rl_arms_share_one_sft_job_and_start_from_its_checkpoint(tmp_path):
    plan = runner.plan_run([EXP], "tiny")
    kinds = [j.recipe.kind for j in plan.jobs]
    assert kinds == ["tiny-sft", "tiny-rl", "tiny-rl"]  # the SFT dependency once, first
    summary, errors = runner.run([EXP], "tiny", tmp_path / "a", progress=False)
    assert errors == {}
    a, b = runner.RunLayout(tmp_path / "a"), runner.RunLayout(tmp_path / "b")
    sft_hash = recipe_hash(SFT)[:16]
    assert (a.workdir(sft_hash, 0) / "checkpoint" / "config.json").exists()
    assert (a.workdir(sft_hash, 0) / FINAL_RESPONSES).exists() and (a.workdir(sft_hash, 0) / TRAIN_TIMING).exists()
    e = summary.experiments["tiny-plumbing"]
    assert e.status == verdicts.RAN and e.checks[0].verdict == verdicts.INCONCLUSIVE  # 2 steps: too few points

    runner.run([EXP], "tiny", tmp_path / "b", progress=False)
    assert a.summary_json.read_bytes() == b.summary_json.read_bytes()
    h = e.arms["cosine"].recipe_hash
    assert a.metrics_json(h, 0).read_bytes() == b.metrics_json(h, 0).read_bytes()


def test_rl_problem_sets_are_disjoint_and_split_over_families():
    train, heldout = rl_problem_sets(("chain", "solve"), 40, 8)
    assert len(train) == 40 and len(heldout) == 8
    assert {p.family for p in train} == {"chain", "solve"}
    assert not {p.prompt for p in train} & {p.prompt for p in heldout}


def test_a_mistyped_override_of_a_nested_engine_field_is_refused():
    from suite.errors import UserError
    from suite.recipes import apply_overrides

    assert apply_overrides(CLASSIC, {"init.sft.steps": "9"}, where="t").init.sft.steps == 9
    with pytest.raises(UserError, match="expected int"):
        apply_overrides(CLASSIC, {"rl.steps": "lots"}, where="t")


def test_smoke_overrides_reach_each_recipe_that_has_the_field_and_only_those():
    from suite.recipes import applicable_overrides
    from suite.tiny.recipes import SMOKE_OVERRIDES

    rl_keys = applicable_overrides(CLASSIC, SMOKE_OVERRIDES)
    sft_keys = applicable_overrides(SFT, SMOKE_OVERRIDES)
    assert "init.sft.steps" in rl_keys and "rl.steps" in rl_keys and not any(k.startswith("sft.") for k in rl_keys)
    assert set(sft_keys) == {k for k in SMOKE_OVERRIDES if k.startswith("sft.")} and sft_keys
    exp = replace(EXP, id="mixed", arms=(Arm("sft", "sft"), Arm("classic", "classic")),
                  scales={"tiny": ScaleSpec(recipes={"sft": SFT, "classic": CLASSIC}, seeds=(0,), checks=())})
    plan = runner.plan_run([exp], "tiny", smoke=SMOKE_OVERRIDES)
    steps = sorted(j.recipe.sft.steps if j.recipe.kind == "tiny-sft" else j.recipe.rl.steps for j in plan.jobs)
    # the SFT arm and the RL arm's SFT start are both shrunk to the same recipe (one job), and the RL arm's steps
    assert steps == [int(SMOKE_OVERRIDES["rl.steps"]), int(SMOKE_OVERRIDES["sft.steps"])]
    # a --set the recipes lack is still refused by name, smoke or not
    from suite.errors import UserError

    with pytest.raises(UserError, match="unknown recipe field 'rl'"):
        runner.plan_run([exp], "tiny", smoke=SMOKE_OVERRIDES, overrides={"rl.steps": "3"})


def test_an_rl_recipe_trains_on_its_rl_families_and_scores_the_final_policy_on_its_eval_families(tmp_path):
    sft = replace(SFT, sft=replace(SFT.sft, ood_families=("mixchain",)))
    rl = replace(CLASSIC, init=sft, rl_families=("chain",), eval_families=("chain", "mixchain"))
    exp = replace(EXP, id="eval-families", arms=(Arm("classic", "classic"),),
                  scales={"tiny": ScaleSpec(recipes={"classic": rl}, seeds=(0,), checks=())})
    summary, errors = runner.run([exp], "tiny", tmp_path / "run", progress=False)
    assert errors == {}
    arm = summary.experiments["eval-families"].arms["classic"]
    got = json.loads(runner.RunLayout(tmp_path / "run").metrics_json(arm.recipe_hash, 0).read_text())["scalars"]
    assert {"heldout_accuracy/chain", "heldout_accuracy/mixchain", M.OOD_ACCURACY, M.FAMILY_ACCURACY_MEAN,
            M.FAMILY_ACCURACY_SPREAD} <= set(got)
    assert got[M.OOD_ACCURACY] == got["heldout_accuracy/mixchain"]  # mixchain is the one family outside the SFT's
    accs = [got["heldout_accuracy/chain"], got["heldout_accuracy/mixchain"]]
    assert got[M.FAMILY_ACCURACY_MEAN] == pytest.approx(sum(accs) / 2)
    assert got[M.FAMILY_ACCURACY_SPREAD] == pytest.approx(abs(accs[0] - accs[1]) / 2)


def test_rl_and_eval_families_are_checked_against_the_sft_models_vocabulary():
    from suite.errors import UserError

    with pytest.raises(UserError, match="unknown families"):
        replace(CLASSIC, eval_families=("algebra",))
    with pytest.raises(UserError, match="not in the SFT model's vocabulary"):
        replace(CLASSIC, rl_families=("seek",))  # the SFT saw `chain` only
    assert CLASSIC.train_families == ("chain",)  # the default: the SFT families


def test_fields_added_with_omit_at_default_leave_old_hashes_alone():
    from suite.recipes import recipe_to_dict

    plain = recipe_to_dict(CLASSIC)
    assert "rl_families" not in plain and "eval_families" not in plain
    assert "web_examples" not in plain["init"]["sft"]
    assert recipe_hash(replace(CLASSIC, eval_families=("chain",))) != recipe_hash(CLASSIC)
    assert recipe_hash(replace(SFT, sft=replace(SFT.sft, web_examples=3))) != recipe_hash(SFT)


def test_web_examples_add_unfiltered_responses_of_the_web_families_and_leave_the_clean_traces_alone():
    from suite.errors import UserError
    from suite.tiny import task
    from suite.tiny.sft import build_dataset

    base = SFTConfig(families=("seek",), style="long", n_train=30, traces_per_problem=1, web_families=("chain",
                                                                                                       "solve"))
    tok = task.make_tokenizer(("seek", "chain", "solve"))
    clean = build_dataset(base, tok, seed=0)
    mixed = build_dataset(replace(base, web_examples=20), tok, seed=0)
    assert len(clean) == 30 and len(mixed) == 50 and [e.ids for e in mixed[:30]] == [e.ids for e in clean]
    first_words = {tok.decode(e.ids[1:3]).split()[0] for e in mixed[30:]}
    assert first_words == {"chain", "solve"}
    web_only = build_dataset(replace(base, n_train=0, web_examples=20), tok, seed=0)
    assert [e.ids for e in web_only] == [e.ids for e in mixed[30:]]
    with pytest.raises(UserError, match="n_train must be >= 1"):
        replace(base, n_train=0)


def test_family_summary_is_the_mean_and_population_sd_of_per_family_accuracies():
    from suite.tiny.recipes import family_summary

    got = family_summary({"heldout_accuracy/seek": 0.8, "heldout_accuracy/chain": 0.4, M.HELDOUT_ACCURACY: 0.8,
                          M.OOD_ACCURACY: 0.4})
    assert got == {M.FAMILY_ACCURACY_MEAN: pytest.approx(0.6), M.FAMILY_ACCURACY_SPREAD: pytest.approx(0.2)}
    assert family_summary({"heldout_accuracy/seek": 0.8}) == {}


def test_keyword_statistics_give_the_share_of_responses_and_the_rate_per_token():
    from suite.tiny.sampling import keyword_statistics

    records = [{"text": "try 3 : X recheck 3 : X wait recheck 4", "length": 10},
               {"text": "answer \\boxed{ 3 }", "length": 5}, {"text": "Wait , waiting", "length": 5}]
    got = keyword_statistics(records)
    assert got[M.final_keyword_rate("recheck")] == pytest.approx(1 / 3)
    assert got[M.final_keyword_per_token("recheck")] == pytest.approx(2 / 20)
    assert got[M.final_keyword_rate("wait")] == pytest.approx(2 / 3)  # case-insensitive, whole words only
    assert got[M.final_keyword_per_token("wait")] == pytest.approx(2 / 20)
    assert got[M.final_keyword_rate("retry")] == 0.0
