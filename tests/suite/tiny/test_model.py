import pytest
import torch

from suite.tiny.model import (
    TinyGPT, TinyGPTConfig, generate, load_checkpoint, save_checkpoint, seeded_uniform, to_hf_gpt2,
)
from suite.tiny.task import make_tokenizer

EOS, PAD = 2, 0


def _model(seed=0, value_head=False, vocab=40):
    torch.manual_seed(seed)
    m = TinyGPT(TinyGPTConfig(vocab_size=vocab, block_size=64, n_layer=2, n_head=4, n_embd=32), value_head=value_head)
    with torch.no_grad():  # large random weights: greedy decoding of a default-init model is a constant
        for name, p in m.named_parameters():
            if p.dim() >= 2:
                p.normal_(0.0, 0.5)
    return m.eval()


def _uncached_greedy(m, prompt, n):
    seq = prompt.clone()
    for _ in range(n):
        seq = torch.cat([seq, m(seq)[:, -1].argmax(-1, keepdim=True)], 1)
    return seq[:, prompt.size(1):]


def test_kv_cached_greedy_generation_equals_uncached_argmax_decoding():
    m = _model()
    prompt = torch.randint(4, 40, (4, 7), generator=torch.Generator().manual_seed(1))
    out = generate(m, prompt, max_new_tokens=25, eos_id=-1, pad_id=PAD, temperature=0.0)
    assert torch.equal(out.tokens, _uncached_greedy(m, prompt, 25))
    assert any(len(set(row.tolist())) > 3 for row in out.tokens)


def test_left_padding_does_not_change_a_prompts_continuation_and_forward_with_mask_matches():
    m = _model()
    p = torch.randint(4, 40, (1, 5), generator=torch.Generator().manual_seed(2))
    padded = torch.cat([torch.full((1, 3), PAD), p], 1)
    a = generate(m, p, max_new_tokens=12, eos_id=-1, pad_id=PAD, temperature=0.0)
    b = generate(m, padded, max_new_tokens=12, eos_id=-1, pad_id=PAD, temperature=0.0)
    assert torch.equal(a.tokens, b.tokens)
    full = torch.cat([padded, b.tokens], 1)
    mask = full != PAD
    logits_padded = m(full, attention_mask=mask)[0, 3:]
    assert torch.allclose(logits_padded, m(torch.cat([p, a.tokens], 1))[0], atol=1e-5)


def test_a_seeded_sample_does_not_depend_on_the_other_samples_in_its_batch():
    m = _model()
    g = torch.Generator().manual_seed(3)
    p = torch.randint(4, 40, (3, 6), generator=g)
    q = torch.randint(4, 40, (3, 6), generator=g)
    q[0] = p[0]
    kw = dict(max_new_tokens=20, eos_id=EOS, pad_id=PAD, temperature=1.0, top_p=0.9)
    a = generate(m, p, seeds=[11, 12, 13], **kw)
    b = generate(m, q, seeds=[11, 99, 98], **kw)
    c = generate(m, p, seeds=[12, 12, 13], **kw)
    assert torch.equal(a.tokens[0], b.tokens[0]) and torch.equal(a.logprobs[0], b.logprobs[0])
    assert not torch.equal(a.tokens[0], c.tokens[0])


def test_seeded_uniforms_are_in_the_open_unit_interval_and_look_uniform():
    u = torch.cat([seeded_uniform(torch.arange(1000), t) for t in range(20)])
    assert 0 < float(u.min()) and float(u.max()) < 1
    assert abs(float(u.mean()) - 0.5) < 0.01 and abs(float(u.var()) - 1 / 12) < 0.005


def test_eos_length_finished_and_padding_semantics():
    m = _model()
    prompt = torch.randint(4, 40, (6, 5), generator=torch.Generator().manual_seed(4))
    free = generate(m, prompt, max_new_tokens=30, eos_id=-1, pad_id=PAD, temperature=1.0, seeds=range(6))
    eos = int(free.tokens[0, 3])  # declare a token that row 0 emits at step 3 to be EOS
    out = generate(m, prompt, max_new_tokens=30, eos_id=eos, pad_id=PAD, temperature=1.0, seeds=range(6))
    for i in range(6):
        row = out.tokens[i].tolist()
        if out.finished[i]:
            n = row.index(eos) + 1
            assert int(out.lengths[i]) == n
            assert all(t == PAD for t in row[n:]) and torch.all(out.logprobs[i, n:] == 0)
            assert torch.all(out.logprobs[i, :n] < 0)
        else:
            assert int(out.lengths[i]) == 30 and eos not in row
    assert bool(out.finished[0]) and int(out.lengths[0]) <= 4


def test_logprobs_are_those_of_the_sampled_tokens_under_the_tempered_model():
    m = _model()
    prompt = torch.randint(4, 40, (2, 5), generator=torch.Generator().manual_seed(5))
    out = generate(m, prompt, max_new_tokens=10, eos_id=-1, pad_id=PAD, temperature=0.7, seeds=[1, 2])
    logits = m(torch.cat([prompt, out.tokens], 1))[:, 4:-1] / 0.7
    ref = torch.log_softmax(logits, -1).gather(2, out.tokens[:, :, None]).squeeze(2)
    assert torch.allclose(out.logprobs, ref, atol=1e-4)


def test_top_p_truncation_never_samples_outside_the_nucleus():
    m = _model()
    prompt = torch.randint(4, 40, (16, 5), generator=torch.Generator().manual_seed(6))
    out = generate(m, prompt, max_new_tokens=1, eos_id=-1, pad_id=PAD, temperature=1.0, top_p=1e-6,
                   seeds=range(16))
    assert torch.equal(out.tokens[:, 0], m(prompt)[:, -1].argmax(-1))


def test_banned_tokens_are_never_generated():
    m = _model()
    prompt = torch.randint(4, 40, (8, 5), generator=torch.Generator().manual_seed(7))
    greedy = generate(m, prompt, max_new_tokens=10, eos_id=-1, pad_id=PAD, temperature=0.0)
    banned = sorted(set(greedy.tokens.flatten().tolist()))[:3]
    out = generate(m, prompt, max_new_tokens=10, eos_id=-1, pad_id=PAD, temperature=0.0, banned_ids=banned)
    assert not any(t in banned for t in out.tokens.flatten().tolist())


def test_value_head_returns_one_value_per_position():
    m = _model(value_head=True)
    logits, values = m(torch.randint(0, 40, (3, 9)))
    assert logits.shape == (3, 9, 40) and values.shape == (3, 9)


def test_values_skip_the_lm_head_and_give_forwards_bits_and_gradients():
    from suite.tiny.rl.rollout import score_tokens

    m = _model(value_head=True)
    idx = torch.randint(1, 40, (4, 12))
    mask = torch.ones_like(idx)
    mask[:2, :3] = 0  # left padding on two rows
    assert torch.equal(m.values(idx, mask), m(idx, attention_mask=mask)[1])
    scored = score_tokens(m, idx[:, :5], mask[:, :5], idx[:, 5:])
    whole = m(idx[:, :-1], attention_mask=mask[:, :-1])[1]
    assert set(scored) == {"values"} and torch.equal(scored["values"], whole[:, 4:])
    grads = []
    for fn in (lambda: m.values(idx, mask), lambda: m(idx, attention_mask=mask)[1]):
        m.zero_grad(set_to_none=True)
        fn().square().sum().backward()
        grads.append({k: p.grad.clone() for k, p in m.named_parameters() if p.grad is not None})
    assert grads[0].keys() == grads[1].keys() and all(torch.equal(grads[0][k], grads[1][k]) for k in grads[0])
    with pytest.raises(ValueError, match="value_head"):
        _model().values(idx)


def test_checkpoint_round_trip_restores_weights_tokenizer_and_extra(tmp_path):
    tok = make_tokenizer()
    m = _model(vocab=tok.vocab_size, value_head=True)
    save_checkpoint(tmp_path / "ck", m, tok, {"step": 7})
    m2, tok2, extra = load_checkpoint(tmp_path / "ck")
    x = torch.randint(0, tok.vocab_size, (2, 8))
    assert torch.equal(m(x)[0], m2(x)[0]) and tok2 == tok and extra == {"step": 7}


def test_the_hugging_face_gpt2_view_computes_the_same_logits():
    m = _model()
    x = torch.randint(0, 40, (2, 11))
    assert torch.allclose(to_hf_gpt2(m)(x).logits, m(x), atol=1e-5)


def test_a_prompt_longer_than_the_context_is_refused():
    with pytest.raises(AssertionError):
        generate(_model(), torch.ones(1, 60, dtype=torch.long), max_new_tokens=10, eos_id=EOS, pad_id=PAD)
