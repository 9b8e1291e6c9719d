import random

import pytest

from suite.tiny import task, traces
from suite.tiny.task import FAMILIES, Problem, make_split, verify
from suite.tiny.traces import STYLES, trace


def _problems(n=60):
    rng = random.Random(0)
    return [task.sample_problem(f, rng) for f in FAMILIES for _ in range(n)]


def test_verifier_accepts_the_right_boxed_answer_and_rejects_wrong_or_missing_ones():
    p = Problem("chain", "chain 12 + 7 - 3 ?", "16", 2)
    assert verify(p, "12 + 7 = 19 , 19 - 3 = 16 , answer \\boxed{16}")
    assert verify(p, "so 15 X wait ... answer \\boxed{ 16 }")
    assert not verify(p, "answer \\boxed{15}")
    assert not verify(p, "the result is 16")
    assert not verify(p, "answer \\boxed{16} wait answer \\boxed{17}")  # the last boxed answer counts
    assert not verify(p, "answer \\boxed{1 6}")


@pytest.mark.parametrize("style", STYLES)
def test_every_trace_style_ends_with_the_correct_answer_and_encodes_without_unknown_words(style):
    tok = task.make_tokenizer()
    rng = random.Random(1)
    for p in _problems():
        tr = trace(p, style, rng, slip_rate=0.5)
        assert verify(p, tr.text), tr.text
        assert tok.unk_id not in tok.encode(p.prompt + " " + tr.text)
        assert len(tr.words) == len(tr.weights)


def test_emergent_long_traces_contain_slips_that_are_caught_corrected_and_masked_from_the_loss():
    rng = random.Random(2)
    saw_slip = 0
    for p in _problems():
        tr = trace(p, "long", rng, slip_rate=0.5)
        zero = [i for i, w in enumerate(tr.weights) if w == 0.0]
        if zero:
            saw_slip += 1
            after = tr.words[zero[0]:]
            assert "X" in after and "wait" in after  # the slip is exposed, then retried
        assert verify(p, tr.text)
    assert saw_slip > 20


def test_solve_long_traces_search_with_alternatively_pivots():
    rng = random.Random(3)
    probs = make_split("solve", "train", 100, seed=0)
    pivots = [trace(p, "long", rng).words.count("alternatively,") for p in probs]
    assert sum(x > 0 for x in pivots) > 50


def test_constructed_traces_carry_no_search_keywords_and_match_long_trace_lengths_on_average():
    rng_l, rng_c = random.Random(4), random.Random(5)
    probs = make_split("chain", "train", 200, seed=0)
    longs = [len(trace(p, "long", rng_l).words) for p in probs]
    cons = [trace(p, "constructed", rng_c) for p in probs]
    assert all(not set(c.words) & {"wait", "alternatively,", "X", "check"} for c in cons)
    mean_l, mean_c = sum(longs) / len(longs), sum(len(c.words) for c in cons) / len(cons)
    assert abs(mean_l - mean_c) / mean_l < 0.15


def test_heldout_and_train_splits_are_disjoint_and_deterministic():
    for fam in FAMILIES:
        tr = make_split(fam, "train", 300, seed=0)
        he = make_split(fam, "heldout", 50, seed=0)
        assert not {p.key for p in tr} & {p.key for p in he}
        assert all(task.split_of(p) == "heldout" for p in he)
        assert make_split(fam, "heldout", 50, seed=0) == he


def test_default_difficulty_fits_the_context_with_room_for_generation():
    """256 tokens for the first world's families; the headroom world's recipe gives its searches 384."""
    from suite.tiny.sft_config import HEADROOM_SFT

    tok = task.make_tokenizer()
    rng = random.Random(6)
    for p in _problems(200):
        block = HEADROOM_SFT.block_size if p.family in task.SEEK_FAMILIES else 256
        assert 1 + len(tok.encode(p.prompt)) + len(trace(p, "long", rng).words) + 1 <= block


def test_noisy_answer_makes_the_trace_wrong_at_the_given_rate():
    rng = random.Random(7)
    probs = make_split("chain", "train", 400, seed=0)
    wrong = sum(not verify(p, traces.noisy_answer(trace(p, "short", rng), rng, 0.25).text) for p in probs)
    assert 60 <= wrong <= 140


def test_an_evaluation_of_solve_draws_at_most_128_of_its_160_held_out_problems():
    from suite.tiny.task import eval_size, make_split

    assert eval_size("solve", 512) == 128 and eval_size("seek", 512) == 512 and eval_size("solve", 64) == 64
    assert len(make_split("solve", "heldout", eval_size("solve", 512), seed=12345)) == 128
    with pytest.raises(ValueError, match="could not draw 512 distinct solve/heldout problems"):
        make_split("solve", "heldout", 512, seed=12345)
