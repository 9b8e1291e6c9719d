import json
import math

from suite.metrics import names as M
from suite.tiny.model import load_checkpoint
from suite.tiny.sft import SFTConfig, build_dataset, collate, lr_at, train_sft
from suite.tiny.task import make_tokenizer

TINY = SFTConfig(steps=12, batch_size=8, n_train=40, eval_every=6, eval_n=8, eval_max_new_tokens=24, warmup_steps=3,
                 n_embd=32, log_every=1)


def test_two_runs_with_the_same_seed_return_bit_identical_metrics_and_another_seed_differs(tmp_path):
    a = train_sft(TINY, 0, tmp_path / "a")
    b = train_sft(TINY, 0, tmp_path / "b")
    c = train_sft(TINY, 1, tmp_path / "c")
    # compared as serialised (what metrics.json holds): NaN (no OOD family here) equals itself there
    assert json.dumps([a["scalars"], a["curves"]]) == json.dumps([b["scalars"], b["curves"]])
    assert a["curves"][M.SFT_LOSS] != c["curves"][M.SFT_LOSS]
    for name in (*a["scalars"], *a["curves"]):
        M.lookup(name)  # every logged name is in the catalogue
    assert a["curves"][M.HELDOUT_ACCURACY_CURVE]["step"] == [6, 12]
    model, tok, extra = load_checkpoint(tmp_path / "a" / "checkpoint")
    assert extra["seed"] == 0 and tok == make_tokenizer(TINY.families + TINY.ood_families) and model.config.n_embd == 32


def test_the_loss_covers_completion_tokens_only_and_skips_injected_slips():
    tok = make_tokenizer()
    data = build_dataset(SFTConfig(families=("chain",), style="long", n_train=30, traces_per_problem=1, slip_rate=0.9),
                         tok, seed=0)
    x, y, w = collate(data[:8], tok.pad_id)
    for i, e in enumerate(data[:8]):
        n_prompt = e.weights.index(1.0)  # first weighted target follows the prompt
        assert w[i, : n_prompt - 1].sum() == 0  # no loss on predicting prompt tokens
        assert w[i, len(e.ids) - 1 :].sum() == 0  # nor on padding
        assert y[i, len(e.ids) - 2] == tok.eos_id and w[i, len(e.ids) - 2] == 1.0  # EOS is learned
    assert any(0.0 in e.weights[e.weights.index(1.0):] for e in data)  # some slipped tokens are masked


def test_learning_rate_warms_up_linearly_then_follows_a_cosine_to_the_floor():
    cfg = SFTConfig(steps=100, warmup_steps=10, lr=1.0, min_lr_ratio=0.1)
    assert math.isclose(lr_at(0, cfg), 0.1) and math.isclose(lr_at(9, cfg), 1.0)
    assert math.isclose(lr_at(10, cfg), 1.0)
    assert math.isclose(lr_at(55, cfg), 0.55)
    assert math.isclose(lr_at(100, cfg), 0.1, abs_tol=1e-9)
    assert all(lr_at(s, cfg) >= lr_at(s + 1, cfg) for s in range(10, 100))
