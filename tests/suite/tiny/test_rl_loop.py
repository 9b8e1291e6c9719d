"""suite.tiny.rl.train: the RL loop end to end on a tiny random TinyGPT and the real task (fast, CPU, one thread)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from suite.determinism import configure_torch
from suite.errors import UserError
from suite.metrics import names
from suite.rewards.settings import SPEC_CLASSIC, SPEC_COSINE_REP, RewardSpec
from suite.tiny import model as tiny_model
from suite.tiny import task
from suite.tiny.rl.config import RLConfig
from suite.tiny.rl.rollout import left_pad, score_tokens
from suite.tiny.rl.train import cosine_with_min_lr, critic_from_policy, rl_loop

MAX_NEW = 24


def _encode(tok, p):
    return [tok.bos_id, *tok.encode(p.prompt)]


def _world(seed: int = 0):
    tok = task.make_tokenizer()
    torch.manual_seed(seed)
    cfg = tiny_model.TinyGPTConfig(vocab_size=tok.vocab_size, block_size=48, n_layer=1, n_head=2, n_embd=16)
    policy = tiny_model.TinyGPT(cfg).eval()
    train = task.make_split("chain", "train", 8, seed=0) + task.make_split("solve", "train", 8, seed=0)
    heldout = task.make_split("chain", "heldout", 4, seed=0)
    return policy, tok, train, heldout


def _run(cfg: RLConfig, seed: int, verify=task.verify):
    configure_torch()
    policy, tok, train, heldout = _world()
    out = rl_loop(cfg, seed, policy, tok, tiny_model.generate, train, heldout, verify, _encode,
                  make_critic=critic_from_policy)
    return out, policy


SMALL = RLConfig(prompts_per_step=2, samples_per_prompt=2, train_batch_size=2, max_new_tokens=MAX_NEW, steps=3,
                 eval_every=2, eval_size=4, reward=SPEC_COSINE_REP, actor_lr=1e-3, critic_lr=1e-3)


def test_same_seed_rerun_of_three_rl_steps_gives_identical_metrics_and_another_seed_does_not():
    a, pol_a = _run(SMALL, seed=3)
    b, pol_b = _run(SMALL, seed=3)
    assert a == b
    assert all(torch.equal(x, y) for x, y in zip(pol_a.state_dict().values(), pol_b.state_dict().values()))
    c, _ = _run(SMALL, seed=4)
    assert c != a
    assert a["curves"][names.RESPONSE_LENGTH]["step"] == [1, 2, 3]
    assert a["curves"][names.HELDOUT_ACCURACY_CURVE]["step"] == [0, 2, 3]


def test_every_logged_curve_the_findings_need_is_present():
    out, _ = _run(SMALL, seed=0)
    needed = [names.REWARD_OUTCOME, names.REWARD_REPETITION, names.RESPONSE_LENGTH, names.RESPONSE_LENGTH_TERMINATED,
              names.RESPONSE_LENGTH_TERMINATED_OFFICIAL, names.RESPONSE_LENGTH_CORRECT, names.RESPONSE_LENGTH_WRONG,
              names.EXCEED_RATE, names.TRAIN_ACCURACY, names.KL, names.ENTROPY, names.REPETITION_RATIO,
              names.WAIT_COUNT, names.ALTERNATIVELY_CURVE, names.POLICY_LOSS, names.VALUE_LOSS,
              names.HELDOUT_ACCURACY_CURVE, names.HELDOUT_RESPONSE_LENGTH]
    assert not [n for n in needed if n not in out["curves"]]
    assert all(n in names.CATALOG for n in out["curves"])
    kl = out["curves"][names.KL]["value"]
    assert kl[0] == pytest.approx(0.0, abs=1e-6) and kl[-1] != 0.0  # policy starts at the reference and moves
    # a random model rarely emits EOS within 24 tokens: truncated samples are exceeded samples
    ex = out["curves"][names.EXCEED_RATE]["value"]
    tr = out["curves"][names.TRUNCATED_RATE]["value"]
    assert all(e >= t for e, t in zip(ex, tr))


@pytest.mark.parametrize("algorithm", ["grpo", "reinforce++"])
def test_critic_free_variants_train_without_a_critic(algorithm):
    # A random model is never right and never stops; so that advantages are not all zero, grade by text parity and
    # switch the length check off (exceed_penalty=None).
    no_length = RewardSpec(replace(SPEC_CLASSIC.outcome, exceed_penalty=None))
    cfg = replace(SMALL, algorithm=algorithm, reward=no_length, steps=2)
    out, policy = _run(cfg, seed=1, verify=lambda p, text: len(text) % 2 == 0)
    fresh, *_ = _world()
    assert names.VALUE_LOSS not in out["curves"]
    assert any(not torch.equal(x, y) for x, y in zip(policy.state_dict().values(), fresh.state_dict().values()))


def test_scoring_left_padded_prompts_reproduces_the_sampler_logprobs():
    configure_torch()
    policy, tok, train, _ = _world()
    prompts = [_encode(tok, p) for p in train[:4]]
    assert len({len(p) for p in prompts}) > 1  # the batch really is ragged
    ids, mask = left_pad(prompts, tok.pad_id)
    out = tiny_model.generate(policy, ids, max_new_tokens=MAX_NEW, eos_id=tok.eos_id, pad_id=tok.pad_id,
                              seeds=[1, 2, 3, 4])
    with torch.no_grad():
        logp = score_tokens(policy, ids, mask, out.tokens)["logp"]
    valid = torch.arange(MAX_NEW)[None] < out.lengths[:, None]
    assert torch.allclose(logp[valid], out.logprobs[valid], atol=1e-5)


def test_critic_starts_from_the_policy_trunk_with_a_fresh_value_head():
    policy, *_ = _world()
    critic = critic_from_policy(policy)
    sd = policy.state_dict()
    assert all(torch.equal(v, sd[k]) for k, v in critic.state_dict().items() if not k.startswith("value_head"))
    assert critic.value_head is not None


def test_lr_schedule_warms_up_over_three_percent_then_decays_to_a_tenth():
    f = cosine_with_min_lr(200, 0.03, 0.1)
    assert [f(0), f(3), f(6)] == [0.0, 0.5, 1.0]
    assert f(200) == pytest.approx(0.1) and f(103) == pytest.approx(0.55)


def test_config_rejects_unknown_algorithms_and_a_lambda_below_one_with_two_gammas():
    from suite.errors import UserError

    with pytest.raises(UserError):
        RLConfig(algorithm="dpo")
    with pytest.raises(UserError):
        RLConfig(reward=SPEC_COSINE_REP, lam=0.95)


def test_a_nan_loss_stops_the_run_with_the_step_named(monkeypatch):
    import suite.tiny.rl.train as train_mod
    from suite.tiny.guards import TrainingDiverged

    real = train_mod.policy_loss

    def nan_loss(*args, **kwargs):
        loss, clip = real(*args, **kwargs)
        return loss * float("nan"), clip

    monkeypatch.setattr(train_mod, "policy_loss", nan_loss)
    with pytest.raises(TrainingDiverged, match="policy loss is nan at step 0"):
        _run(SMALL, seed=0)


def test_non_finite_or_out_of_range_settings_are_refused_at_construction():
    from suite.errors import UserError

    for bad in (dict(actor_lr=float("nan")), dict(kl_coef=float("inf")), dict(steps=10**9), dict(eval_size=0),
                dict(top_p=1.5), dict(critic_lr=0.0)):
        with pytest.raises(UserError):
            replace(SMALL, **bad)


def test_the_format_reward_of_direct_rl_pays_by_answer_and_correctness_and_trains():
    from suite.rewards.settings import SIMPLERL_FORMAT
    from suite.tiny.rl import advantages as A

    spec = RewardSpec(SIMPLERL_FORMAT)
    got = A.outcome_scores(spec, [5, 5, 5, 24], 24, [True, False, False, False], [True, True, False, False]).tolist()
    assert got == [1.0, -0.5, -1.0, -1.0]  # no length rule: a truncated answerless sample is "no answer"
    with pytest.raises(ValueError, match="needs `answered`"):
        A.outcome_scores(spec, [5], 24, [True])
    out, _ = _run(replace(SMALL, reward=spec), seed=0)
    # a random model rarely writes a boxed answer: every sample scores -1 at first
    assert out["curves"][names.REWARD_OUTCOME]["value"][0] == pytest.approx(-1.0)


def test_keyword_curves_give_both_readings_of_each_keyword():
    from suite.metrics.keywords import KEYWORDS

    out, _ = _run(SMALL, seed=0)
    for k in KEYWORDS:
        assert names.keyword_rate_curve(k) in out["curves"] and names.keyword_per_token_curve(k) in out["curves"]
    assert names.KEYWORD_RECHECK in out["curves"]


HARD = (names.RESPONSE_LENGTH_HARD, names.REPETITION_RATIO_HARD, names.ALTERNATIVELY_CURVE_HARD,
        names.TRAIN_ACCURACY_HARD, names.HARD_SHARE)


def test_hard_problem_curves_are_measurement_only_and_read_the_hard_rows():
    plain, pol_plain = _run(SMALL, seed=5)
    every, pol_every = _run(replace(SMALL, hard_from=1), seed=5)  # every problem is hard (difficulties 2-5)
    some, _ = _run(replace(SMALL, hard_from=4), seed=5)
    none, _ = _run(replace(SMALL, hard_from=99), seed=5)
    # the trajectory does not see the field: every other curve and the policy are bit-identical
    for out in (every, some, none):
        assert {k: v for k, v in out["curves"].items() if k not in HARD} == plain["curves"]
        assert out["scalars"] == plain["scalars"]
    assert all(torch.equal(x, y) for x, y in zip(pol_plain.state_dict().values(), pol_every.state_dict().values()))
    assert not [n for n in HARD if n in plain["curves"]]
    # every row hard: the hard curves are the all-row curves; no row hard: nothing to average
    for hard, whole in ((names.RESPONSE_LENGTH_HARD, names.RESPONSE_LENGTH),
                        (names.REPETITION_RATIO_HARD, names.REPETITION_RATIO),
                        (names.ALTERNATIVELY_CURVE_HARD, names.ALTERNATIVELY_CURVE),
                        (names.TRAIN_ACCURACY_HARD, names.TRAIN_ACCURACY)):
        assert every["curves"][hard]["value"] == plain["curves"][whole]["value"]
        assert none["curves"][hard]["value"] == [None] * SMALL.steps
    assert every["curves"][names.HARD_SHARE]["value"] == [1.0] * SMALL.steps
    assert none["curves"][names.HARD_SHARE]["value"] == [0.0] * SMALL.steps
    share = some["curves"][names.HARD_SHARE]["value"]
    assert all(s in (0.0, 0.5, 1.0) for s in share)  # 2 prompts x 2 samples a step
    for s, v in zip(share, some["curves"][names.RESPONSE_LENGTH_HARD]["value"]):
        assert (v is None) == (s == 0.0)


def test_hard_from_must_be_a_difficulty():
    with pytest.raises(UserError, match="hard_from"):
        RLConfig(hard_from=0)
    with pytest.raises(UserError, match="hard_from"):
        RLConfig(hard_from="30")
