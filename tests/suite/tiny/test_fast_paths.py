"""The engine's speed-ups (issue #13 part 3) against plain implementations.

- `generate` decoding every row (`skip_finished=False`) is compared with `torch.equal` to the sampler as it was before
  the speed-ups, kept here verbatim. Dropping finished rows (the default) is bit-identical on the development machine
  only by a property of its matmul kernels (`generate`'s docstring); here it is held to what holds on any machine:
  the same call gives the same bits, the same tokens, and log-probabilities equal up to float rounding.
- The PPO step's shortcuts are each held to the computation they replace, up to float rounding: the sampler's
  log-probabilities and entropies vs a forward pass of the policy, scoring in length-sorted chunks vs one pass, and
  the update's gradient accumulated over length groups vs one pass over the minibatch."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from torch.nn import functional as F

from suite.determinism import configure_torch
from suite.tiny import model as tiny_model
from suite.tiny import task
from suite.tiny.model import GenerationOutput, sample_from_logits, seeded_uniform, seeded_uniforms

SFT_CKPT = Path(__file__).resolve().parents[3] / "evidence" / "tiny" / "search" / "sft_search"


@torch.no_grad()
def _reference_generate(model, prompt_ids, *, max_new_tokens, eos_id, pad_id, temperature=1.0, top_p=1.0,
                        seeds=None, generator=None, banned_ids=()):
    """`suite.tiny.model.generate` before the speed-ups (every row decoded to the end, per-step uniforms)."""
    was_training = model.training
    model.eval()
    B, P = prompt_ids.shape
    device = prompt_ids.device
    Tmax = P + max_new_tokens
    cfg = model.config
    hs = cfg.n_embd // cfg.n_head
    caches = [(torch.zeros(B, cfg.n_head, Tmax, hs), torch.zeros(B, cfg.n_head, Tmax, hs)) for _ in range(cfg.n_layer)]
    valid = torch.zeros(B, Tmax, dtype=torch.bool, device=device)
    valid[:, :P] = prompt_ids != pad_id
    valid[:, P:] = True
    pos = (valid[:, :P].long().cumsum(1) - 1).clamp(min=0)
    causal = torch.ones(P, P, dtype=torch.bool).tril()
    eye = torch.eye(P, dtype=torch.bool)
    mask = ((causal & valid[:, None, :P]) | eye)[:, None]
    logits = model._step(prompt_ids, pos, mask, caches, 0)
    next_pos = valid[:, :P].sum(1)
    seed_t = torch.tensor(list(seeds), dtype=torch.long) if seeds is not None else None
    banned = torch.tensor(list(banned_ids), dtype=torch.long)
    tokens = torch.full((B, max_new_tokens), pad_id, dtype=torch.long)
    logprobs = torch.zeros(B, max_new_tokens)
    finished = torch.zeros(B, dtype=torch.bool)
    lengths = torch.full((B,), max_new_tokens, dtype=torch.long)
    for t in range(max_new_tokens):
        logits = logits.float()
        if banned.numel():
            logits[:, banned] = float("-inf")
        u = seeded_uniform(seed_t, t) if seed_t is not None else torch.rand(B, generator=generator,
                                                                               dtype=torch.float64)
        tok = sample_from_logits(logits, u, temperature, top_p)
        lp = F.log_softmax(logits / (temperature if temperature > 0 else 1.0), dim=-1).gather(1, tok[:, None])
        alive = ~finished
        tokens[:, t] = torch.where(alive, tok, torch.full_like(tok, pad_id))
        logprobs[:, t] = torch.where(alive, lp.squeeze(1), torch.zeros_like(lp.squeeze(1)))
        new_eos = alive & (tok == eos_id)
        lengths = torch.where(new_eos, torch.full_like(lengths, t + 1), lengths)
        finished = finished | new_eos
        if bool(finished.all()) or t == max_new_tokens - 1:
            break
        step_mask = valid[:, None, None, : P + t + 1]
        logits = model._step(tok[:, None], next_pos[:, None] + t, step_mask, caches, P + t)
    model.train(was_training)
    return GenerationOutput(tokens=tokens, lengths=lengths, finished=finished, logprobs=logprobs)


def _assert_same(a: GenerationOutput, b: GenerationOutput):
    for f in ("tokens", "lengths", "finished", "logprobs"):
        assert torch.equal(getattr(a, f), getattr(b, f)), f


def test_vectorised_seeded_uniforms_equal_the_per_step_ones():
    seeds = torch.tensor([0, 1, 2**40 + 5, (3 << 32) + (7 << 12) + 63])
    u = seeded_uniforms(seeds, 200)
    assert all(torch.equal(u[t], seeded_uniform(seeds, t)) for t in range(200))


def _random_model(seed=0, vocab=40, block=160):
    torch.manual_seed(seed)
    return tiny_model.TinyGPT(tiny_model.TinyGPTConfig(vocab_size=vocab, block_size=block)).eval()


@pytest.mark.parametrize("temperature,top_p,banned", [(1.0, 1.0, ()), (0.7, 0.95, (5, 6)), (0.0, 1.0, ())])
def test_generate_is_bit_identical_to_the_reference(temperature, top_p, banned):
    configure_torch()
    model = _random_model()  # ~40 tokens: EOS (id 3) at ~1/40 per step, rows finish all along the 120 steps
    g = torch.Generator().manual_seed(1)
    B, P = 64, 9
    ids = torch.randint(4, 40, (B, P), generator=g)
    for i in range(0, B, 3):  # ragged prompts, left-padded with pad id 0
        ids[i, : i % P] = 0
    kw = dict(max_new_tokens=120, eos_id=3, pad_id=0, temperature=temperature, top_p=top_p, banned_ids=banned,
              seeds=[(11 << 32) + i for i in range(B)])
    ref = _reference_generate(model, ids, **kw)
    new = tiny_model.generate(model, ids, **kw, skip_finished=False)
    assert 0 < int(ref.finished.sum()) < B or temperature == 0.0
    _assert_same(new, ref)
    skipping = tiny_model.generate(model, ids, **kw)  # the default drops finished rows
    _assert_same(skipping, tiny_model.generate(model, ids, **kw))  # deterministic
    for f in ("tokens", "lengths", "finished"):
        assert torch.equal(getattr(skipping, f), getattr(ref, f)), f
    torch.testing.assert_close(skipping.logprobs, ref.logprobs, rtol=0, atol=1e-5)
    for row in range(B):  # after EOS only padding, and EOS exactly at the recorded length
        n = int(skipping.lengths[row])
        assert (skipping.tokens[row, n:] == 0).all()
        assert bool(skipping.finished[row]) == (int(skipping.tokens[row, n - 1]) == 3)
    # the generator path is untouched
    ref_g = _reference_generate(model, ids, **{**kw, "seeds": None, "generator": torch.Generator().manual_seed(5)})
    new_g = tiny_model.generate(model, ids, **{**kw, "seeds": None, "generator": torch.Generator().manual_seed(5)})
    _assert_same(new_g, ref_g)


@pytest.mark.skipif(not (SFT_CKPT / "model.pt").exists(), reason="no search-world SFT checkpoint")
def test_generate_on_the_sft_policy_at_the_recipe_shape_is_bit_identical():
    configure_torch()
    from suite.tiny.rl.rollout import left_pad
    from suite.tiny.sampling import prompt_ids

    policy, tok, _ = tiny_model.load_checkpoint(SFT_CKPT)
    probs = task.make_split("solve", "train", 8, seed=2)
    ids, _ = left_pad([prompt_ids(tok, p) for p in probs for _ in range(8)], tok.pad_id)
    kw = dict(max_new_tokens=112, eos_id=tok.eos_id, pad_id=tok.pad_id, seeds=[(3 << 32) + i for i in range(64)])
    _assert_same(tiny_model.generate(policy, ids, **kw, skip_finished=False), _reference_generate(policy, ids, **kw))


@pytest.mark.skipif(not (SFT_CKPT / "model.pt").exists(), reason="no search-world SFT checkpoint")
@pytest.mark.parametrize("check_every", [3, 8, 200])
def test_looking_at_the_finished_rows_less_often_gives_the_same_bits(check_every):
    """What a GPU does (`DEVICE_CHECK_EVERY`): stop and compact only every few tokens; rows that finished meanwhile
    emit padding, so every output is the same as looking after each token (200 > the limit: it never looks)."""
    configure_torch()
    from suite.tiny.rl.rollout import left_pad
    from suite.tiny.sampling import prompt_ids

    policy, tok, _ = tiny_model.load_checkpoint(SFT_CKPT)
    probs = task.make_split("solve", "train", 8, seed=2)
    ids, _ = left_pad([prompt_ids(tok, p) for p in probs for _ in range(8)], tok.pad_id)
    kw = dict(max_new_tokens=112, eos_id=tok.eos_id, pad_id=tok.pad_id, seeds=[(5 << 32) + i for i in range(64)],
              with_entropy=True)
    every, sparse = tiny_model.generate(policy, ids, **kw), tiny_model.generate(policy, ids, **kw,
                                                                                  check_every=check_every)
    for f in dataclasses.fields(GenerationOutput):
        assert torch.equal(getattr(every, f.name), getattr(sparse, f.name)), f.name
    assert 1 < len(set(every.lengths.tolist())) and int(every.lengths.min()) < 100  # rows end early, and apart


def _rollout_fixture():
    """A random model and a rollout of 16 rows at temperature 1 that finish at different steps."""
    from suite.tiny.rl.rollout import left_pad

    configure_torch()
    torch.manual_seed(0)
    tok = task.make_tokenizer()
    mcfg = tiny_model.TinyGPTConfig(vocab_size=tok.vocab_size, block_size=96, n_layer=2, n_head=2, n_embd=16)
    policy = tiny_model.TinyGPT(mcfg).eval()
    with torch.no_grad():  # make EOS likely so rows finish at different steps
        policy.lm_head.weight[tok.eos_id] *= 0.0
        policy.lm_head.weight[tok.eos_id] += policy.lm_head.weight.mean(0)
    probs = task.make_split("solve", "train", 4, seed=0) + task.make_split("chain", "train", 4, seed=0)
    ids, mask = left_pad([[tok.bos_id, *tok.encode(p.prompt)] for p in probs for _ in range(2)], tok.pad_id)
    out = tiny_model.generate(policy, ids, max_new_tokens=48, eos_id=tok.eos_id, pad_id=tok.pad_id,
                              seeds=list(range(16)), with_entropy=True)
    assert 1 < len(set(out.lengths.tolist())), "rows should end at different lengths"
    return policy, tok, ids, mask, out


def test_the_samplers_logprobs_and_entropy_are_the_policys():
    from suite.tiny.rl.rollout import length_mask, score_tokens

    policy, _, ids, mask, out = _rollout_fixture()
    m = length_mask(out.lengths, out.tokens.shape[1])
    with torch.no_grad():
        ref = score_tokens(policy, ids, mask, out.tokens, with_entropy=True)
    torch.testing.assert_close(out.logprobs * m, ref["logp"] * m, rtol=0, atol=1e-5)
    torch.testing.assert_close(out.entropy * m, ref["entropy"] * m, rtol=0, atol=1e-5)
    assert float((out.entropy * m).sum()) > 1.0  # not a vacuous comparison of zeros


def test_scoring_in_length_sorted_chunks_equals_one_pass():
    from suite.tiny.rl.rollout import length_mask, score_rollout, score_tokens
    from suite.tiny.rl.train import critic_from_policy

    policy, _, ids, mask, out = _rollout_fixture()
    critic = critic_from_policy(policy)
    m = length_mask(out.lengths, out.tokens.shape[1])
    for model, key in ((policy, "logp"), (critic, "values")):
        with torch.no_grad():
            whole = score_tokens(model, ids, mask, out.tokens)[key] * m
        chunked = score_rollout(model, ids, mask, out.tokens, out.lengths, chunk=3)[key] * m
        torch.testing.assert_close(chunked, whole, rtol=0, atol=1e-5)


def test_the_update_gradient_over_length_groups_equals_one_pass():
    from suite.tiny.rl.losses import policy_loss
    from suite.tiny.rl.rollout import length_mask, score_tokens
    from suite.tiny.rl.train import _length_groups

    policy, _, ids, mask, out = _rollout_fixture()
    m = length_mask(out.lengths, out.tokens.shape[1])
    adv = torch.randn(m.shape, generator=torch.Generator().manual_seed(3))
    old = out.logprobs + 0.1 * torch.randn(m.shape, generator=torch.Generator().manual_seed(4))
    by_length = torch.argsort(out.lengths, stable=True)
    mb = torch.cat([by_length[-4:], by_length[:4]])  # a minibatch of the 4 longest and the 4 shortest rows

    def grads(parts):
        policy.zero_grad(set_to_none=True)
        for rows, w in parts:
            logp = score_tokens(policy, ids[rows], mask[rows], out.tokens[rows, :w])["logp"]
            loss, _ = policy_loss(logp, old[rows, :w], adv[rows, :w], m[rows, :w], 0.2)
            (loss * (len(rows) / len(mb))).backward()
        return [p.grad.clone() for p in policy.parameters()]

    groups = _length_groups(mb, out.lengths)
    assert len(groups) == 2 and sorted(torch.cat([g for g, _ in groups]).tolist()) == sorted(mb.tolist())
    assert groups[0][1] <= groups[1][1] and groups[0][1] < out.tokens.shape[1]  # the short half is cut
    one = grads([(mb, out.tokens.shape[1])])
    for a, b in zip(grads(groups), one):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
    assert any(float(g.abs().sum()) > 0 for g in one)
