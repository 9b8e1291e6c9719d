"""The headroom-world study's measurements on a small untrained checkpoint: every property is computed from samples
it can count, and the clustered standard error treats problems, not samples, as the independent units."""

import statistics

import pytest
import torch

from studies import headroom_world as H
from suite.tiny import task
from suite.tiny.model import TinyGPT, TinyGPTConfig, save_checkpoint


def test_the_clustered_standard_error_the_study_uses_treats_problems_as_units():
    groups = [[1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]
    mean, se = H.clustered_accuracy(groups)
    assert mean == 5 / 8
    assert se == pytest.approx(statistics.stdev([1.0, 0.0, 0.5, 1.0]) / 2)
    # the same outcomes spread as if every sample were its own problem give a smaller (wrong) SE
    assert H.clustered_accuracy([[x] for g in groups for x in g])[1] < se


def test_measure_reports_each_property_with_its_sample_counts(tmp_path):
    tok = task.make_tokenizer(("seek", "seekswap"))
    torch.manual_seed(0)
    model = TinyGPT(TinyGPTConfig(vocab_size=tok.vocab_size, block_size=384, n_layer=1, n_head=2, n_embd=16))
    save_checkpoint(tmp_path / "ckpt", model, tok)
    r = H.measure(tmp_path / "ckpt", n_problems=6, samples=2, ood_problems=4)
    assert r["as_trained"]["n_samples"] == 12 and r["as_trained"]["n_problems"] == 6
    assert r["ood_seekswap"]["n"] == 4 and 0 < r["ood_seekswap"]["chance_uniform_guess"] < 1
    assert sorted(r["budget_forced_by_tries"], key=int) == [str(k) for k in H.FORCE_AFTER_TRIES]
    for k, cell in r["budget_forced_by_tries"].items():
        assert cell["budget_tokens"] == int(k) * H.TRY_TOKENS and cell["n_samples"] == 12
    assert sum(n for _, n in r["by_tries_as_trained"].values()) == 12
    assert 0.0 <= r["would_exceed_if_never_giving_up"] <= 1.0
    # an untrained model rambles: giving up banned and no limit, most samples run past the exceed point
    assert r["give_up_banned_unbounded"]["mean_length"] > r["as_trained"]["mean_length"] * 0.9
