"""Takeaway 5.2's machinery in the tiny world: the noisy prompt pool and its filter, the rule-based verifier, the judge,
and RL graded by a noisy verifier (suite.tiny.verifiers, suite.tiny.judge, suite.tiny.rl.train)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import torch

from suite.errors import UserError
from suite.metrics import names
from suite.tiny import task, traces
from suite.tiny.verifiers import (
    FORMS,
    JudgeConfig,
    NoisyPool,
    build_pool,
    draw_prompts,
    pool_statistics,
    reference_solution,
    rule_verify,
    short_form,
)

SMALL_POOL = NoisyPool(per_family=300)


def test_the_pool_is_data_the_same_draw_whatever_is_asked_of_it():
    a, b = build_pool(SMALL_POOL), build_pool(replace(SMALL_POOL))
    assert [(e.problem.prompt, e.problem.reference, e.kept) for e in a] == \
        [(e.problem.prompt, e.problem.reference, e.kept) for e in b]
    other = build_pool(replace(SMALL_POOL, seed=1))
    assert [e.problem.reference for e in other] != [e.problem.reference for e in a]
    assert all(task.split_of(e.problem) == "train" for e in a)  # never a held-out problem


def test_reference_forms_follow_their_rates_and_say_what_they_say():
    pool = NoisyPool(stated_rate=0.3, none_rate=0.1, wrong_rate=0.3)
    rng = random.Random(0)
    refs = [reference_solution(task.sample_problem("seek", rng), rng, pool) for _ in range(3000)]
    share = {f: sum(r.form == f for r in refs) / len(refs) for f in FORMS}
    assert share["stated"] == pytest.approx(0.3, abs=0.03) and share["none"] == pytest.approx(0.1, abs=0.02)
    for r in refs:
        words = r.reference.split()
        if r.form == "boxed":
            assert short_form(r.reference) == r.intended
        else:  # the rule finds nothing to compare with
            assert short_form(r.reference) is None
        if r.form == "stated":
            assert words[-2:] == ["so", r.intended]
        if r.form == "none":
            assert r.intended == r.answer
    wrong = [r for r in refs if r.form != "none" and r.intended != r.answer]
    assert len(wrong) / sum(r.form != "none" for r in refs) == pytest.approx(0.3, abs=0.03)


def test_the_filter_keeps_exactly_the_prompts_with_a_boxed_answer_a_teacher_response_agrees_with():
    entries = build_pool(SMALL_POOL)
    for e in entries:
        short = short_form(e.problem.reference)
        answers = [task.extract(t.text) for t in e.teacher]
        agreeing = [i for i, a in enumerate(answers) if short is not None and a is not None and int(a) == int(short)]
        assert e.kept == bool(agreeing) and list(e.agreeing) == agreeing
    stats = pool_statistics(SMALL_POOL)
    assert 0 < stats["kept_prompts"] < stats["pool_prompts"]
    # what the filter is for: the rule is far less often unable to pass a correct response on kept prompts
    assert stats["rule_misleading_filtered"] < 0.1 < 0.4 < stats["rule_misleading_unfiltered"]
    assert stats["wrong_reference_filtered"] < stats["wrong_reference_unfiltered"]


def test_the_rule_passes_a_response_exactly_when_both_boxed_answers_exist_and_match():
    rng = random.Random(3)
    p = task.sample_problem("seek", rng)
    for _ in range(200):
        ref = reference_solution(p, rng, NoisyPool())
        right = traces.trace(p, "long", rng).text
        wrong = traces.noisy_answer(traces.trace(p, "long", rng), rng, 1.0).text
        cut = " ".join(right.split()[:-4])  # no answer: ran out of tokens
        expected_right = ref.form == "boxed" and ref.intended == p.answer
        assert rule_verify(ref, right) == expected_right
        assert rule_verify(ref, cut) is False
        assert rule_verify(ref, wrong) == (ref.form == "boxed" and task.extract(wrong) == ref.intended)


def test_drawing_more_prompts_than_the_filtered_pool_holds_is_a_clear_error():
    kept = sum(e.kept for e in build_pool(SMALL_POOL))
    assert len(draw_prompts(SMALL_POOL, kept, filtered=True, seed=0)) == kept
    with pytest.raises(UserError, match="filtered pool"):
        draw_prompts(SMALL_POOL, kept + 1, filtered=True, seed=0)
    a = draw_prompts(SMALL_POOL, 50, filtered=False, seed=1)
    assert len({p.key for p in a}) == 50 and a == draw_prompts(SMALL_POOL, 50, filtered=False, seed=1)


def test_sft_on_the_filtered_pool_trains_on_the_agreeing_teacher_responses_only():
    from suite.tiny.sft import build_dataset
    from suite.tiny.sft_config import HEADROOM_SFT

    cfg = replace(HEADROOM_SFT, families=SMALL_POOL.families, n_train=0, web_pool=SMALL_POOL)
    tok = task.make_tokenizer(cfg.vocabulary_families)
    data = build_dataset(cfg, tok, seed=0)
    assert len(data) == pool_statistics(SMALL_POOL)["kept_responses"]
    entries = {e.problem.prompt: e for e in build_pool(SMALL_POOL) if e.kept}
    for ex in data:
        text = tok.decode(ex.ids)
        prompt, _, completion = text.partition(" ? ")
        e = entries[prompt + " ?"]
        assert int(task.extract(completion)) == int(short_form(e.problem.reference))
    with pytest.raises(UserError, match="web_pool.families"):
        replace(cfg, families=("seek",))


def test_recipes_refuse_a_verifier_without_what_it_grades_against():
    from experiments._tiny_recipes import JUDGE, RL_NOISY_TINY

    rule = RL_NOISY_TINY["filtered_rule"]
    with pytest.raises(UserError, match="needs a judge"):
        replace(rule, verifier="model")
    with pytest.raises(UserError, match="needs a judge"):
        replace(rule, judge=JUDGE)
    with pytest.raises(UserError, match="prompt_pool"):
        replace(rule, prompt_pool=None, filtered=False)
    with pytest.raises(UserError, match="'truth', 'rule' or 'model'"):
        replace(rule, verifier="symeval")
    with pytest.raises(UserError, match="RL families"):
        replace(rule, rl_families=("seek",))
    assert set(RL_NOISY_TINY["unfiltered_model"].dependencies()) == {"init", "judge"}


# --- the judge ----------------------------------------------------------------------------------------------------------

QUICK_JUDGE = JudgeConfig(pool=SMALL_POOL, steps=30, eval_pairs=64, log_every=10)


def test_judge_training_is_deterministic_and_its_checkpoint_grades_as_its_error_profile_says(tmp_path):
    from suite.tiny.judge import JUDGE_DIR, JudgeVerifier, _problems, error_profile, judge_pair, train_judge

    a = train_judge(QUICK_JUDGE, 0, tmp_path / "a")
    b = train_judge(QUICK_JUDGE, 0, tmp_path / "b")
    assert a == b
    assert train_judge(QUICK_JUDGE, 1, None) != a
    assert a["curves"]["judge_loss"]["step"] == [10, 20, 30]
    assert all(k in names.CATALOG for k in a["scalars"])
    judge = JudgeVerifier(tmp_path / "a" / JUDGE_DIR)
    rng = random.Random("judge-heldout")
    draw = _problems(SMALL_POOL.families, "heldout", rng)
    pairs = [judge_pair(draw(), rng, QUICK_JUDGE) for _ in range(64)]
    batch = judge.batch([p["ref"] for p in pairs], [p["response"] for p in pairs])
    assert batch == [judge(p["ref"], p["response"]) for p in pairs]  # one row alone = the same row in a batch
    profile = error_profile(judge.model, judge.tok, QUICK_JUDGE, pairs)
    acc = sum(g == p["label"] for g, p in zip(batch, pairs)) / len(pairs)
    assert profile["judge_accuracy"] == pytest.approx(acc)


def test_judge_pairs_label_agreement_with_the_reference_not_the_truth():
    from suite.tiny.judge import judge_pair

    rng = random.Random(0)
    pairs = [judge_pair(task.sample_problem("chain", rng), rng, JudgeConfig()) for _ in range(2000)]
    for p in pairs:
        got = task.extract(p["response"])
        assert p["label"] == (got is not None and int(got) == int(p["ref"].intended))
    # wrong references make the two differ: a correct response graded against a wrong reference
    assert any(p["truth"] and not p["label"] for p in pairs) and any(p["label"] and not p["truth"] for p in pairs)


# --- RL graded by a noisy verifier ---------------------------------------------------------------------------------

def test_rl_with_a_noisy_reward_logs_how_it_disagreed_with_the_truth():
    from suite.determinism import configure_torch
    from suite.rewards.settings import SPEC_CLASSIC
    from suite.tiny import model as tiny_model
    from suite.tiny.rl.config import RLConfig
    from suite.tiny.rl.train import critic_from_policy, reward_agreement, rl_loop

    assert reward_agreement([True, True, False, False], [True, False, True, False]) == {
        names.REWARD_FALSE_POSITIVE_RATE: 0.5, names.REWARD_FALSE_NEGATIVE_RATE: 0.5,
        names.TRAIN_ACCURACY_TRUE: 0.5}
    assert reward_agreement([True], [False])[names.REWARD_FALSE_NEGATIVE_RATE] is None

    configure_torch()
    tok = task.make_tokenizer()
    torch.manual_seed(0)
    policy = tiny_model.TinyGPT(tiny_model.TinyGPTConfig(tok.vocab_size, block_size=48, n_layer=1, n_head=2,
                                                         n_embd=16)).eval()
    train = draw_prompts(SMALL_POOL, 8, filtered=False, seed=0)
    heldout = task.make_split("seek", "heldout", 4, seed=0)
    cfg = RLConfig(prompts_per_step=2, samples_per_prompt=2, train_batch_size=2, max_new_tokens=16, steps=2,
                   eval_every=2, eval_size=4, reward=SPEC_CLASSIC)

    def always(problem, text):  # passes everything: every wrong response is a false positive
        return True

    out = rl_loop(cfg, 0, policy, tok, tiny_model.generate, train, heldout, task.verify,
                  lambda t, p: [t.bos_id, *t.encode(p.prompt)], make_critic=critic_from_policy, reward_verify=always)
    c = out["curves"]
    assert c[names.TRAIN_ACCURACY]["value"] == [1.0, 1.0]  # what the reward said
    assert c[names.TRAIN_ACCURACY_TRUE]["value"] == [0.0, 0.0]  # a random model is never right
    assert c[names.REWARD_FALSE_POSITIVE_RATE]["value"] == [1.0, 1.0]
    assert c[names.HELDOUT_ACCURACY_CURVE]["value"] == [0.0, 0.0]  # held-out is graded by the truth
