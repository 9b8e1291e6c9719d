"""Dense N-gram repetition penalty (App. C.2, Algorithm 1) and the sparse word-level variant (docs/rewards.md)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import suite.rewards.repetition as repetition
from suite.rewards import (
    dense_repetition_penalty,
    dense_repetition_penalty_batch,
    repeated_ngram_mask,
    sparse_repetition_penalty,
)


def algorithm_1(seq, n, p):
    """Algorithm 1 of the paper, line by line (independent of the code under test)."""
    r = [0.0] * len(seq)
    ngrams = set()
    for j in range(len(seq) - n + 1):
        ng = tuple(seq[j : j + n])
        if ng in ngrams:
            for t in range(j, j + n):
                r[t] = p
        ngrams.add(ng)
    return r


def test_hand_example_marks_only_the_second_occurrence():
    # Bigrams: (1,2) (2,3) (3,1) (1,2)* (2,3)* (3,4): the starred ones repeat, covering tokens 3, 4 and 5.
    assert repeated_ngram_mask([1, 2, 3, 1, 2, 3, 4], 2).tolist() == [False, False, False, True, True, True, False]


def test_penalty_is_set_not_summed_on_overlapping_repeats():
    # Every token after the first lies in several repeated 3-grams of a constant run; each still gets exactly P.
    assert dense_repetition_penalty([9] * 8, ngram_size=3, penalty=-0.5).tolist() == [0.0] + [-0.5] * 7


def test_paper_defaults_penalise_a_repeated_40_token_block():
    block = list(range(100, 140))
    out = dense_repetition_penalty(block + [1, 2] + block)
    assert out.tolist() == [0.0] * 42 + [-0.05] * 40


def test_a_repeat_one_token_shorter_than_n_is_not_penalised():
    block = list(range(39))
    assert not dense_repetition_penalty(block + [1000] + block).any()


def test_sequences_shorter_than_n_get_no_penalty():
    assert dense_repetition_penalty([1, 1, 1], ngram_size=4).tolist() == [0.0, 0.0, 0.0]
    assert dense_repetition_penalty([], ngram_size=4).tolist() == []


def test_works_on_token_ids_from_torch_and_large_or_negative_ids():
    ids = torch.tensor([2**40, -5, 2**40, -5, 7])
    assert repeated_ngram_mask(ids, 2).tolist() == [False, False, True, True, False]


def test_non_negative_penalty_and_bad_n_are_rejected():
    with pytest.raises(ValueError):
        dense_repetition_penalty([1, 2], penalty=0.05)
    with pytest.raises(ValueError):
        repeated_ngram_mask([1, 2], 0)
    with pytest.raises(TypeError):
        repeated_ngram_mask([0.5, 1.5], 1)


token_lists = st.lists(st.integers(0, 3), max_size=200)


@settings(max_examples=400, deadline=None)
@given(seq=token_lists, n=st.integers(1, 8), p=st.floats(-5, -1e-6))
def test_dense_penalty_equals_algorithm_1_on_random_sequences(seq, n, p):
    assert dense_repetition_penalty(seq, n, p).tolist() == algorithm_1(seq, n, p)


@settings(max_examples=200, deadline=None)
@given(seq=token_lists, n=st.integers(1, 8), p=st.floats(-5, -1e-6))
def test_values_are_only_zero_or_p(seq, n, p):
    assert set(dense_repetition_penalty(seq, n, p).tolist()) <= {0.0, p}


@settings(max_examples=200, deadline=None)
@given(seq=token_lists, n=st.integers(1, 8))
def test_first_occurrence_of_an_ngram_is_never_penalised(seq, n):
    mask = repeated_ngram_mask(seq, n)
    # The first token of a sequence only lies in the first window, which is always a first occurrence.
    assert not mask[:1].any()
    # A token none of whose covering windows is a repeat stays unpenalised.
    seen, repeat_start = set(), []
    for j in range(len(seq) - n + 1):
        repeat_start.append(tuple(seq[j : j + n]) in seen)
        seen.add(tuple(seq[j : j + n]))
    for t in range(len(seq)):
        covering = range(max(0, t - n + 1), min(t, len(seq) - n) + 1)
        if not any(repeat_start[j] for j in covering):
            assert not mask[t]


@settings(max_examples=100, deadline=None)
@given(seq=st.lists(st.integers(0, 2**20), max_size=300, unique=True), n=st.integers(1, 5))
def test_sequences_of_distinct_tokens_are_never_penalised(seq, n):
    assert not repeated_ngram_mask(seq, n).any()


@settings(max_examples=150, deadline=None)
@given(seq=token_lists, n=st.integers(1, 6))
def test_hash_collisions_fall_back_to_the_exact_answer(seq, n):
    # Base 1 makes the hash the plain sum of a window, so permuted windows collide all the time.
    original = repetition._BASE
    repetition._BASE = 1
    try:
        got = repeated_ngram_mask(seq, n).tolist()
    finally:
        repetition._BASE = original
    assert got == [v != 0.0 for v in algorithm_1(seq, n, -1.0)]


def test_a_collision_is_detected_rather_than_penalising_a_different_ngram(monkeypatch):
    # With base 1, (2, 1) hashes like the earlier (1, 2) but is a different bigram: no token may be penalised.
    calls = []
    exact = repetition._repeated_starts_exact
    monkeypatch.setattr(repetition, "_BASE", 1)
    monkeypatch.setattr(repetition, "_repeated_starts_exact", lambda t, n: calls.append(n) or exact(t, n))
    assert repeated_ngram_mask([1, 2, 2, 1], 2).tolist() == [False, False, False, False]
    assert calls == [2]


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(token_lists, min_size=1, max_size=6), n=st.integers(1, 5), pad=st.integers(0, 3))
def test_batch_equals_row_by_row_and_is_zero_beyond_each_length(rows, n, pad):
    T = max(len(r) for r in rows) + pad
    ids = np.full((len(rows), T), 3)  # padding that would form repeats if it were read
    for b, r in enumerate(rows):
        ids[b, : len(r)] = r
    lengths = [len(r) for r in rows]
    out = dense_repetition_penalty_batch(torch.tensor(ids), torch.tensor(lengths), n, -0.25)
    assert out.dtype == np.float32 and out.shape == (len(rows), T)
    for b, r in enumerate(rows):
        assert out[b].tolist() == algorithm_1(r, n, -0.25) + [0.0] * (T - len(r))


def test_batch_rejects_lengths_beyond_the_padded_width():
    with pytest.raises(ValueError):
        dense_repetition_penalty_batch(np.zeros((1, 4), dtype=int), [5], 2)


def test_sparse_penalty_matches_the_hand_computed_fraction():
    # Word bigrams of "a b a b a": (a,b) (b,a) (a,b) (b,a): 2 unique of 4 -> (1 - 1/2) * -1.
    assert sparse_repetition_penalty("a b a b a", 2, -1.0) == -0.5


def test_sparse_penalty_lowercases_and_splits_on_whitespace():
    assert sparse_repetition_penalty("Wait\nwait  WAIT", 1, -3.0) == pytest.approx(-2.0)


def test_sparse_penalty_with_fewer_words_than_n_is_zero_instead_of_a_division_by_zero():
    assert sparse_repetition_penalty("only three words", 4, -1.0) == 0.0
    assert sparse_repetition_penalty("", 1, -1.0) == 0.0


def test_sparse_penalty_without_repeats_is_zero():
    assert sparse_repetition_penalty("one two three four", 2, -1.0) == 0.0
