"""The `long_indep` chain trace: verification by an independent route (docs/tiny_world.md)."""

import random

from suite.tiny import task
from suite.tiny.task import make_split, trace, verify


def _passes(words):
    """Split a long_indep trace into its passes: lists of (a, op, n, c) steps and the pass's `so v` value."""
    passes, steps, i = [], [], 0
    while i < len(words):
        if words[i] == "so":
            passes.append((steps, int(words[i + 1])))
            steps = []
            i += 2
        elif i + 4 < len(words) and words[i + 1] in "+-" and words[i + 3] == "=":
            steps.append((int(words[i]), words[i + 1], int(words[i + 2]), int(words[i + 4])))
            i += 5
        else:
            i += 1
    return passes


def test_independent_route_traces_verify_as_correct_encode_cleanly_and_fit_the_generation_budget():
    tok = task.make_tokenizer()
    rng = random.Random(11)
    for p in make_split("chain", "train", 300, seed=0):
        tr = trace(p, "long_indep", rng, slip_rate=0.5)
        assert verify(p, tr.text), tr.text
        assert tok.unk_id not in tok.encode(p.prompt + " " + tr.text)
        assert len(tr.words) == len(tr.weights)
        assert len(tr.words) + 1 <= 192  # the completion plus EOS fits the largest generation budget used


def test_every_clean_step_of_either_route_is_correct_arithmetic_and_every_pass_has_k_steps():
    rng = random.Random(12)
    for p in make_split("chain", "train", 200, seed=0):
        tr = trace(p, "long_indep", rng, slip_rate=0.0)
        passes = _passes(tr.words)
        assert len(passes) == 2  # no slip: the first check agrees
        for steps, v in passes:
            assert len(steps) == p.difficulty
            assert all((a + n if op == "+" else a - n) == c for a, op, n, c in steps)
            assert all(0 <= x <= task.NMAX for s in steps for x in (s[0], s[2], s[3]))
            assert v == int(p.answer)


def test_the_check_route_has_intermediate_values_that_differ_from_the_first_pass_so_it_cannot_be_copied():
    rng = random.Random(13)
    n_diff_steps = n_steps = same_values = 0
    for p in make_split("chain", "train", 300, seed=0):
        tr = trace(p, "long_indep", rng, slip_rate=0.0)
        (first, _), (second, _) = _passes(tr.words)
        assert first != second  # never the same sequence of steps
        same_values += [s[3] for s in first[:-1]] == [s[3] for s in second[:-1]]
        n_steps += len(first)
        n_diff_steps += sum(s not in first for s in second)
    # most check steps (all but the last `start +/- D`, which can coincide) appear nowhere in the first pass
    assert n_diff_steps / n_steps > 0.8
    assert same_values / 300 < 0.05  # (2% measured) identical intermediate values only by rare coincidence


def test_consecutive_passes_alternate_routes_and_the_long_style_is_unchanged():
    rng_a, rng_b = random.Random(14), random.Random(14)
    p = task.Problem("chain", "chain 12 + 7 - 3 + 5 - 6 ?", "15", 4, (("+", 7), ("-", 3), ("+", 5), ("-", 6)), 12)
    tr = trace(p, "long_indep", rng_a, slip_rate=0.0)
    assert " ".join(tr.words) == ("12 + 7 = 19 , 19 - 3 = 16 , 16 + 5 = 21 , 21 - 6 = 15 , so 15 check "
                                  "7 + 5 = 12 , 3 + 6 = 9 , 12 - 9 = 3 , 12 + 3 = 15 , so 15 = 15 ok "
                                  "answer \\boxed{ 15 }")
    old = trace(p, "long", rng_b, slip_rate=0.0)
    assert old.words[old.words.index("check") + 1 : old.words.index("check") + 3] == ("12", "+")


def test_slips_in_either_route_are_caught_retried_by_the_other_route_and_masked_from_the_loss():
    rng = random.Random(15)
    slipped_first = slipped_check = 0
    for p in make_split("chain", "train", 300, seed=0):
        tr = trace(p, "long_indep", rng, slip_rate=0.5)
        zero = [i for i, w in enumerate(tr.weights) if w == 0.0]
        assert len(zero) <= 2
        if zero:
            after = tr.words[zero[0]:]
            assert "X" in after and "wait" in after  # exposed by the comparison, then retried
            if "check" in tr.words[: zero[0]]:
                slipped_check += 1
            else:
                slipped_first += 1
        passes = _passes(tr.words)
        assert passes[-1][1] == passes[-2][1] == int(p.answer)  # ends on two agreeing passes with the right value
        for j in range(1, len(passes)):  # consecutive passes are by different routes
            assert passes[j][0] != passes[j - 1][0] or passes[j][1] != passes[j - 1][1]
        assert all(tr.words[i] not in ("X", "wait", "ok", "check", "answer") for i in zero)  # only numbers masked
    assert slipped_first > 30 and slipped_check > 30


def test_long_indep_falls_back_to_the_long_trace_for_other_families_and_unknown_styles_still_fail():
    rng_a, rng_b = random.Random(16), random.Random(16)
    p = make_split("solve", "train", 1, seed=0)[0]
    assert trace(p, "long_indep", rng_a) == trace(p, "long", rng_b)
    try:
        trace(p, "longer", rng_a)
    except ValueError as e:
        assert "long_indep" in str(e)
    else:
        raise AssertionError("unknown style accepted")
