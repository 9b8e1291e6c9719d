"""The `search` trace style (guess, check, narrow, sometimes give up), its parser and budget forcing (docs/tiny_world.md)."""

import random
import re
from dataclasses import replace

import pytest
import torch

from suite.tiny import task
from suite.tiny.task import make_split, verify
from suite.tiny.traces import GIVE_UP, parse_search, trace

TRY = re.compile(r"try (\d+) : \1 \* (\d+) = (\d+) , \3 \+ (\d+) = (\d+) , \5 ([=<>]) (\d+) ([VX])")


def _tries(text):
    return [tuple(m.groups()) for m in TRY.finditer(text)]


@pytest.fixture(scope="module")
def problems():
    return make_split("solve", "train", 300, seed=0)


def test_every_try_is_correct_arithmetic_and_each_guess_lies_in_the_interval_the_earlier_checks_leave(problems):
    rng = random.Random(5)
    for p in problems:
        a, b, t = p.ops
        text = trace(p, "search", rng, give_up_rate=0.25).text
        tries = _tries(text)
        assert tries and text.count("try ") == len(tries), text  # every try matched the full check pattern
        lo, hi = 0, min(9, (task.NMAX - b) // a)
        for g, a_w, prod, b_w, r, rel, t_w, mark in tries:
            g, prod, r = int(g), int(prod), int(r)
            assert (int(a_w), int(b_w), int(t_w)) == (a, b, t)
            assert prod == g * a and r == prod + b
            assert rel == ("=" if r == t else "<" if r < t else ">") and mark == ("V" if r == t else "X")
            assert lo <= g <= hi, text
            lo, hi = (g + 1, hi) if r < t else (lo, g - 1) if r > t else (g, g)
        if tries[-1][-1] == "V":  # success: the verified guess is the answer
            assert verify(p, text) and GIVE_UP not in text.split()
        else:  # gave up: an unchecked guess from the interval that is still open
            assert text.split()[-3:-1] == [GIVE_UP, "answer"]
            assert lo <= int(task.extract(text)) <= hi


def test_without_giving_up_every_trace_is_correct_and_giving_up_always_stops_after_one_failed_check(problems):
    rng = random.Random(6)
    for p in problems:
        assert verify(p, trace(p, "search", rng, give_up_rate=0.0).text)
        tries = _tries(trace(p, "search", rng, give_up_rate=1.0).text)
        assert len(tries) == 1


def test_in_the_training_traces_more_tries_mean_more_correct_answers_and_giving_up_costs_accuracy(problems):
    """The design property the reward findings need: a trace that searches longer is more often right."""
    rng = random.Random(7)
    by_tries, acc = {}, {}
    for h in (0.0, 0.25, 0.5):
        ok = []
        for p in problems:
            for _ in range(4):
                text = trace(p, "search", rng, give_up_rate=h).text
                ok.append(verify(p, text))
                if h == 0.25:
                    by_tries.setdefault(min(len(_tries(text)), 3), []).append(ok[-1])
        acc[h] = sum(ok) / len(ok)
    assert acc[0.0] == 1.0 > acc[0.25] > acc[0.5]
    rates = [sum(v) / len(v) for _, v in sorted(by_tries.items())]
    assert rates == sorted(rates) and rates[-1] - rates[0] > 0.2, rates


def test_other_families_fall_back_to_the_long_style():
    p = make_split("chain", "train", 1, seed=0)[0]
    assert trace(p, "search", random.Random(1)).words == trace(p, "long", random.Random(1)).words


def test_parse_search_counts_tries_give_ups_false_verifications_and_wasted_guesses():
    p = task.Problem("solve", "solve x * 3 + 4 = 19 ?", "5", 3, (3, 4, 19))
    text = ("try 2 : 2 * 3 = 6 , 6 + 4 = 10 , 10 < 19 X alternatively, try 1 : 1 * 3 = 3 , 3 + 4 = 7 , 7 < 19 X "
            "alternatively, try 1 : 1 * 3 = 3 , 3 + 4 = 7 , 7 = 19 V answer \\boxed{1}")
    got = parse_search(text, p)
    assert got == {"tries": 3, "gave_up": False, "false_verified": True, "wasted_guesses": 2, "repeated_guesses": 1,
                   "rechecks": 0, "caught_slips": 0}
    text = "try 7 : 7 * 3 = 21 , 21 + 4 = 25 , 25 > 19 X so answer \\boxed{5}"
    assert parse_search(text, p) == {"tries": 1, "gave_up": True, "false_verified": False, "wasted_guesses": 0,
                                     "repeated_guesses": 0, "rechecks": 0, "caught_slips": 0}


def test_sft_draws_the_configured_number_of_independent_traces_per_problem():
    from suite.tiny.sft import build_dataset
    from suite.tiny.sft_config import SEARCH_SFT

    tok = task.make_tokenizer()
    cfg = replace(SEARCH_SFT, n_train=20, traces_per_problem=3)
    data = build_dataset(cfg, tok, seed=0)
    assert len(data) == 60
    assert len({tuple(e.ids) for e in data}) > 20  # guesses are random: copies of a problem differ


def test_budget_forcing_appends_the_give_up_words_exactly_at_the_budget_for_unfinished_responses():
    from suite.tiny.model import TinyGPT, TinyGPTConfig
    from suite.tiny.sampling import budget_forced

    tok = task.make_tokenizer()
    torch.manual_seed(0)
    model = TinyGPT(TinyGPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16, block_size=64))
    probs = make_split("solve", "heldout", 6, seed=1)
    out = budget_forced(model, tok, probs, seeds=list(range(6)), budget=4)
    forced = [tok.token_to_id[w] for w in (GIVE_UP, "answer", "\\boxed{")]
    assert len(out) == 6
    n_forced = 0
    for (ids, text, correct), p in zip(out, probs):
        assert correct == verify(p, text)
        if tok.eos_id not in ids[:4]:  # did not end within the budget: forced to answer right after it
            n_forced += 1
            assert ids[4:7] == forced and len(ids) <= 10
        else:
            assert len(ids) <= 4
    assert n_forced > 0  # an untrained model rarely ends within 4 tokens: the forcing path ran


@pytest.mark.parametrize("field,value", [("traces_per_problem", 0), ("give_up_rate", 1.5), ("n_train", 0)])
def test_sft_config_rejects_impossible_values_with_the_field_named(field, value):
    from suite.errors import UserError
    from suite.tiny.sft_config import SEARCH_SFT

    with pytest.raises(UserError, match=f"SFTConfig.{field}"):
        replace(SEARCH_SFT, **{field: value})
