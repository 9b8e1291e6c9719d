import numpy as np
import pytest

from suite.metrics.repetition import repetition_ratio


def reference_ratio(tokens, n):
    """Independent reference: mark every token of an n-gram occurrence whose n-gram was seen at an earlier start."""
    seen, covered = set(), [False] * len(tokens)
    for start in range(len(tokens) - n + 1):
        gram = tuple(tokens[start : start + n])
        if gram in seen:
            for i in range(start, start + n):
                covered[i] = True
        seen.add(gram)
    return sum(covered) / len(tokens) if tokens else 0.0


def test_a_response_repeated_once_has_half_its_tokens_covered():
    assert repetition_ratio([1, 2, 3, 1, 2, 3], ngram_size=3) == 0.5


def test_no_repetition_gives_zero_and_short_responses_give_zero():
    assert repetition_ratio(list(range(100)), ngram_size=4) == 0.0
    assert repetition_ratio([1, 2], ngram_size=40) == 0.0
    assert repetition_ratio([], ngram_size=3) == 0.0


def test_a_constant_run_is_covered_after_its_first_ngram():
    # 10 equal tokens, n=3: starts 1..7 repeat the gram at start 0, covering tokens 1..9
    assert repetition_ratio([7] * 10, ngram_size=3) == 0.9


@pytest.mark.parametrize("seed", range(5))
def test_random_token_streams_match_the_independent_reference(seed):
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, 4, size=200).tolist()
    assert repetition_ratio(tokens, ngram_size=5) == pytest.approx(reference_ratio(tokens, 5))


def test_the_ratio_uses_the_dense_penalty_mask_itself():
    from suite.rewards import repeated_ngram_mask

    tokens = np.array([5, 6, 5, 6, 5, 6, 9])
    assert repetition_ratio(tokens, ngram_size=2) == pytest.approx(repeated_ngram_mask(tokens, 2).mean())


def test_an_ngram_size_below_one_is_rejected():
    with pytest.raises(ValueError):
        repetition_ratio([1, 2, 3], ngram_size=0)
