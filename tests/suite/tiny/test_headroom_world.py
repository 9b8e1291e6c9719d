"""The headroom world: the `seek` families, their split, the `search` traces with slips and rechecks, and the settings
scaled to its horizon (docs/tiny_world.md, "The headroom world")."""

import random
import re

import pytest

from suite.rewards.settings import rescale_gamma
from suite.tiny import task
from suite.tiny.recipes import rl_problem_sets
from suite.tiny.traces import GIVE_UP, SEEK_PATIENCE, parse_search, trace

# a try or a recheck: word, guess, multiplier, product, offset, sum, relation, target
STEP = re.compile(r"(try|recheck) (\d+) : \2 \* (\d+) = (\d+) , \4 \+ (\d+) = (\d+) , \6 ([=<>]) (\d+)")


@pytest.fixture(scope="module")
def problems():
    return task.make_split("seek", "train", 600, seed=0)


def test_the_first_worlds_vocabulary_is_unchanged_and_seek_extends_it():
    """Models of the chain/solve world keep their exact vocabulary (so their results do not move); `seek` adds its two
    words and the numbers up to NUM_MAX after them."""
    old = task.vocabulary(("chain", "solve", "mixchain"))
    assert len(old) == 4 + len(task.WORDS) + task.NMAX + 1 and old[-1] == str(task.NMAX)
    new = task.vocabulary(("seek",))
    assert new[: 4 + len(task.WORDS)] == old[: 4 + len(task.WORDS)]
    assert "recheck" in new and "recheck" not in old and new[-1] == str(task.NUM_MAX)
    assert task.vocabulary() == new  # the default (every family) is the superset
    with pytest.raises(ValueError, match="unknown families"):
        task.vocabulary(("nope",))


def test_seek_problems_state_their_range_and_fit_the_number_tokens():
    rng = random.Random(1)
    for fam in task.SEEK_FAMILIES:
        for _ in range(500):
            p = task.sample_problem(fam, rng)
            a, b, t = p.ops
            x = int(p.answer)
            assert 0 <= x < p.difficulty and p.difficulty in task.SEEK_RANGES and a in task.SEEK_A
            assert t == x * a + b <= task.NUM_MAX
            assert f"seek x < {p.difficulty} :" in p.prompt
            eq = f"{b} + {a} * x" if fam == "seekswap" else f"x * {a} + {b}"
            assert p.prompt.endswith(f"{eq} = {t} ?")
            assert all(w in task.vocabulary(("seek",)) for w in p.prompt.split())


def test_held_out_equations_are_never_trained_on_under_any_range_or_surface():
    held = {p.ops for f in task.SEEK_FAMILIES for p in task.make_split(f, "heldout", 600, seed=3)}
    train = {p.ops for f in task.SEEK_FAMILIES for p in task.make_split(f, "train", 2000, seed=4)}
    assert len(held) > 300 and not held & train


def test_search_traces_compute_correctly_except_slips_which_carry_no_loss_and_a_recheck_catches(problems):
    rng = random.Random(5)
    seen = {"caught": 0, "uncaught": 0, "recheck": 0}
    for p in problems:
        a, b, t = p.ops
        x = int(p.answer)
        tr = trace(p, "search", rng, give_up_rate=0.15, slip_rate=0.2, recheck_rate=0.3)
        words = list(tr.words)
        steps = list(STEP.finditer(" ".join(words)))
        assert steps and len(steps) == words.count("try") + words.count("recheck"), tr.text
        zero = [i for i, w in enumerate(tr.weights) if w == 0.0]
        slipped = 0
        for m in steps:
            kind, g, a_w, prod, b_w, r, rel, t_w = m.groups()
            g, prod, r = int(g), int(prod), int(r)
            assert (int(a_w), int(b_w), int(t_w)) == (a, b, t) and r == prod + b
            assert rel == ("=" if r == t else "<" if r < t else ">")
            if prod != g * a:  # a slip: only in a try, on a wrong guess, faking success, with weight 0
                assert kind == "try" and g != x and r == t
                slipped += 1
            else:
                seen["recheck"] += kind == "recheck"
        assert len(zero) == slipped
        text = " ".join(words)
        seen["caught"] += text.count("X wait")
        if slipped > text.count("X wait"):  # an uncaught slip ends the trace with the wrong, 'verified' guess
            seen["uncaught"] += 1
            assert not task.verify(p, tr.text) and words[-5:-3] == ["V", "answer"]
        elif GIVE_UP not in words:
            assert task.verify(p, tr.text)
        assert len(words) <= SEEK_PATIENCE + 45
        info = parse_search(tr.text, p)
        assert info["rechecks"] == words.count("recheck") and info["caught_slips"] == text.count("X wait")
    assert min(seen.values()) > 10, seen  # every case happened


def test_the_teacher_searches_longer_on_wider_ranges_and_without_giving_up_is_right_unless_it_slipped():
    probs = task.make_split("seek", "heldout", 400, seed=1)
    rng = random.Random(2)
    length: dict[int, list[int]] = {}
    for p in probs:
        tr = trace(p, "search", rng, give_up_rate=0.0, slip_rate=0.0, recheck_rate=0.0)
        assert task.verify(p, tr.text)
        length.setdefault(p.difficulty, []).append(len(tr.words))
    means = [sum(v) / len(v) for _, v in sorted(length.items())]
    assert means == sorted(means) and means[-1] > 1.5 * means[0]


def test_rescaled_gamma_keeps_the_fraction_of_the_response_over_which_a_reward_fades():
    assert rescale_gamma(1.0, 160) == 1.0
    assert rescale_gamma(0.99, 14336) == pytest.approx(0.99)
    g = rescale_gamma(0.99, 160)
    assert g == pytest.approx(0.99 ** 89.6) and g ** 160 == pytest.approx(0.99 ** 14336)
    assert rescale_gamma(0.999, 160) > g
    for bad in ((1.5, 160), (0.9, 0)):
        with pytest.raises(ValueError):
            rescale_gamma(*bad)


def test_rl_prompts_are_capped_at_500_per_family_except_seek():
    train, held = rl_problem_sets(("solve",), 1000, 64)
    assert len(train) == 500 and len(held) == 64
    train, _ = rl_problem_sets(("seek",), 2000, 64)
    assert len(train) == 2000


def test_every_family_has_its_held_out_accuracy_metric():
    from suite.metrics import names

    assert names.TINY_FAMILIES == task.FAMILIES
