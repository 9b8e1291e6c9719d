"""TinyGPT: a tiny decoder-only transformer, its KV-cached batched sampler, and checkpoints — one file, top to bottom.

The architecture is GPT-2's (pre-LN blocks, learned absolute positions, GELU MLP of width 4x, weight-tied LM head),
written the way karpathy/nanoGPT `model.py` writes it, so that `to_hf_gpt2` maps the weights one-to-one onto a
Hugging Face `GPT2LMHeadModel` (used to compare against HF `generate`, and the path for the `gpu` tier).

Shapes in comments: B batch, T time, C channels (n_embd), H heads, hs head size, V vocabulary, P prompt length.

Padding conventions.
- Training batches are right-padded; attention is causal, so pad positions never influence real ones (mask them in
  the loss). `forward(idx)` needs no mask for that.
- Prompts of different lengths are LEFT-padded with `pad_id` to a common length P. `generate` derives the attention
  mask (`prompt_ids != pad_id`) and per-sample positions (0 at the first real token) itself; to score the same
  sequences later (RL), call `forward(idx, attention_mask=idx_mask)` with the mask of real tokens, so logits match
  the sampler's. A prompt must therefore not contain `pad_id` as a real token.

Randomness of `generate`. With `seeds`, sample i draws its uniforms from a counter-based hash of (seeds[i], step), so
its tokens do not depend on which other samples share its batch (exactly, as long as the logits of its row are the
same, which holds on CPU for equal batch shapes). With `generator` (or neither), one torch generator draws (B,) uniforms
per step. Sampling is inverse-CDF on the temperature-scaled, top-p-truncated distribution; temperature 0 is greedy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn as nn
from torch.nn import functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, config: TinyGPTConfig):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)  # q, k, v for all heads in one matmul
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head, self.n_embd, self.dropout = config.n_head, config.n_embd, config.dropout

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None, cache: tuple | None = None) -> torch.Tensor:
        """x (B,T,C); mask (B,1,T,Tk) bool, True = may attend (None = plain causal); cache = (k_buf, v_buf, start)."""
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, H, T, hs)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, H, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, H, T, hs)
        if cache is not None:  # write this chunk into the preallocated buffers, attend to everything so far
            k_buf, v_buf, start = cache  # (B, H, Tmax, hs) each
            k_buf[:, :, start : start + T] = k
            v_buf[:, :, start : start + T] = v
            k, v = k_buf[:, :, : start + T], v_buf[:, :, : start + T]  # (B, H, Tk, hs)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=self.dropout if self.training else 0.0, is_causal=mask is None
        )  # (B, H, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # re-assemble all head outputs side by side
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config: TinyGPTConfig):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x))))  # exact GELU (HF activation_function="gelu")


class Block(nn.Module):
    def __init__(self, config: TinyGPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, eps=1e-5)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, eps=1e-5)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None, cache: tuple | None = None) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), mask, cache)
        return x + self.mlp(self.ln_2(x))


@dataclass(frozen=True)
class TinyGPTConfig:
    vocab_size: int
    block_size: int = 256  # prompt + response; the default task fits in 256 at the default difficulty
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    dropout: float = 0.0  # tiny data is generated fresh, overfitting is handled by data size, not dropout


class TinyGPT(nn.Module):
    def __init__(self, config: TinyGPTConfig, value_head: bool = False):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(config.vocab_size, config.n_embd),
                wpe=nn.Embedding(config.block_size, config.n_embd),
                drop=nn.Dropout(config.dropout),
                h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
                ln_f=nn.LayerNorm(config.n_embd, eps=1e-5),
            )
        )
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying, as GPT-2
        self.value_head = nn.Linear(config.n_embd, 1) if value_head else None  # PPO critic on the same trunk
        self.apply(self._init_weights)
        for name, p in self.named_parameters():  # GPT-2's scaled init of the residual projections
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, idx: torch.Tensor, attention_mask: torch.Tensor | None = None):
        """idx (B,T) -> logits (B,T,V); with a value head -> (logits, values (B,T)).

        `attention_mask` (B,T), 1 for real tokens, is only needed for LEFT-padded rows (see the module docstring):
        keys at pad positions are masked and positions count real tokens only.
        """
        x = self._hidden(idx, attention_mask)  # (B, T, C)
        logits = self.lm_head(x)  # (B, T, V)
        if self.value_head is None:
            return logits
        return logits, self.value_head(x).squeeze(-1)  # (B, T, V), (B, T)

    def values(self, idx: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """idx (B,T) -> values (B,T) of a model with a value head, without the LM head: a critic or a judge never
        reads its logits. In a PPO step of the headroom recipe that saves about 9% of the critic's forward passes,
        some 15 of ~930 ms (`benchmarks/tiny_ppo_speed.py --phases-only`). The same bits as `forward(...)[1]`: the
        values read the same final hidden state."""
        if self.value_head is None:
            raise ValueError("values() needs a model built with value_head=True")
        return self.value_head(self._hidden(idx, attention_mask)).squeeze(-1)

    def _hidden(self, idx: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
        """The trunk: embeddings, blocks and the final layer norm -> (B, T, C)."""
        B, T = idx.size()
        assert T <= self.config.block_size, f"sequence of {T} > block_size {self.config.block_size}"
        if attention_mask is None:
            pos = torch.arange(T, device=idx.device).expand(B, T)  # (B, T)
            mask = None
        else:
            valid = attention_mask.bool()
            pos = (valid.long().cumsum(1) - 1).clamp(min=0)  # (B, T)
            causal = torch.ones(T, T, dtype=torch.bool, device=idx.device).tril()
            eye = torch.eye(T, dtype=torch.bool, device=idx.device)  # a pad query attends to itself: no NaN rows
            mask = ((causal & valid[:, None, :]) | eye)[:, None]  # (B, 1, T, T)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))  # (B, T, C)
        for block in self.transformer.h:
            x = block(x, mask)
        return self.transformer.ln_f(x)  # (B, T, C)

    def _step(self, idx: torch.Tensor, pos: torch.Tensor, mask: torch.Tensor, caches: list, start: int):
        """Cached forward of a chunk: idx, pos (B,T); mask (B,1,T,start+T); returns last-position logits (B, V)."""
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)  # (B, T, C)
        for block, (k_buf, v_buf) in zip(self.transformer.h, caches):
            x = block(x, mask, (k_buf, v_buf, start))
        return self.lm_head(self.transformer.ln_f(x[:, -1]))  # (B, V)


# --- Sampling ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GenerationOutput:
    tokens: torch.Tensor  # (B, max_new_tokens) long, pad_id after EOS
    lengths: torch.Tensor  # (B,) long, generated tokens INCLUDING the EOS; = max_new_tokens when truncated
    finished: torch.Tensor  # (B,) bool, True iff EOS was produced
    logprobs: torch.Tensor  # (B, max_new_tokens) float: log softmax(logits / T) (T=1 if greedy) of the token, 0 at pads
    entropy: torch.Tensor | None = None  # (B, max_new_tokens) float: entropy of softmax(logits) (untempered), 0 at pads;
    # only with `with_entropy=True`


_M32 = 0xFFFFFFFF


def _mul32(x: torch.Tensor, m: int) -> torch.Tensor:
    """(x * m) mod 2**32 for int64 x in [0, 2**32) without int64 overflow (m split into 16-bit halves)."""
    return (x * (m & 0xFFFF) + (((x * (m >> 16)) & 0xFFFF) << 16)) & _M32


def _hash32(x: torch.Tensor) -> torch.Tensor:
    """A 32-bit integer mixer (lowbias32): an avalanche hash, good enough as a counter-based RNG for sampling."""
    x = x ^ (x >> 16)
    x = _mul32(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = _mul32(x, 0x846CA68B)
    return x ^ (x >> 16)


def seeded_uniform(seeds: torch.Tensor, step: int) -> torch.Tensor:
    """(B,) float64 uniforms in (0, 1), a pure function of (seeds[i], step): batch composition cannot change them."""
    lo, hi = seeds & _M32, (seeds >> 32) & _M32
    h = _hash32(lo ^ _hash32(hi ^ 0x5BD1E995))
    h = _hash32(h ^ _hash32(torch.full_like(h, (step * 0x9E3779B1 + 0x632BE5AB) & _M32)))
    return (h.double() + 0.5) / 2.0**32


def sample_from_logits(logits: torch.Tensor, u: torch.Tensor, temperature: float, top_p: float) -> torch.Tensor:
    """Inverse-CDF sampling of (B,V) logits with (B,) uniforms; returns token ids (B,)."""
    if temperature == 0.0:
        return logits.argmax(-1)
    probs = F.softmax(logits.double() / temperature, dim=-1)  # (B, V), float64 so the CDF is exact enough
    if top_p < 1.0:
        probs, order = probs.sort(dim=-1, descending=True, stable=True)  # (B, V)
        keep = (probs.cumsum(-1) - probs) < top_p  # the nucleus: smallest prefix with mass >= top_p
        probs = probs * keep
    else:
        order = None
    cdf = probs.cumsum(-1)  # (B, V)
    choice = torch.searchsorted(cdf, (u * cdf[:, -1]).unsqueeze(1), right=True).clamp(max=logits.size(-1) - 1)
    choice = choice.squeeze(1)  # (B,)
    return choice if order is None else order.gather(1, choice[:, None]).squeeze(1)


def seeded_uniforms(seeds: torch.Tensor, steps: int) -> torch.Tensor:
    """(steps, B) float64: row t is `seeded_uniform(seeds, t)`, all steps in one vectorised pass (integer hashing, so
    bit-identical to the per-step calls)."""
    lo, hi = (seeds & _M32)[None], ((seeds >> 32) & _M32)[None]  # (1, B)
    h = _hash32(lo ^ _hash32(hi ^ 0x5BD1E995))  # (1, B)
    t = torch.arange(steps, dtype=torch.long, device=seeds.device)[:, None]  # (steps, 1)
    h = _hash32(h ^ _hash32((t * 0x9E3779B1 + 0x632BE5AB) & _M32))  # (steps, B)
    return (h.double() + 0.5) / 2.0**32


#: `generate` drops finished rows from the decoding batch, but never below this many rows: on CPU a row's logits are
#: bit-identical across batch sizes >= 4 (tests/suite/tiny/test_fast_paths.py checks it against the full batch), not
#: for 1-3 rows, where the matmul kernels take other paths.
MIN_DECODE_ROWS = 8

#: on a GPU, `generate` looks at how many rows are still decoding every this many tokens, not after each token: the
#: look waits for the device to finish, and a decoding step of these models is shorter than that wait. Finished rows
#: only emit padding meanwhile, so the output is the same; on the CPU it looks after every token.
DEVICE_CHECK_EVERY = 8


@torch.no_grad()
def generate(
    model: TinyGPT,
    prompt_ids: torch.Tensor,
    *,
    max_new_tokens: int,
    eos_id: int,
    pad_id: int,
    temperature: float = 1.0,
    top_p: float = 1.0,
    seeds: Sequence[int] | None = None,
    generator: torch.Generator | None = None,
    banned_ids: Sequence[int] = (),
    skip_finished: bool = True,
    with_entropy: bool = False,
    check_every: int | None = None,
) -> GenerationOutput:
    """Sample continuations of LEFT-padded prompts (B,P) with a KV cache; stops early once every row has emitted EOS.

    `seeds` (one int per row) make each row's sample independent of its batch (module docstring); otherwise
    `generator` (or torch's global one) is used. `banned_ids` get zero probability (an intervention used to measure
    what a behaviour, e.g. `wait`, is worth). Puts the model in eval mode for the call and restores its mode.

    `skip_finished` (on by default): with `seeds`, rows that have emitted EOS are dropped from the decoding batch
    (caches compacted when a quarter of the active rows has finished, never below `MIN_DECODE_ROWS` rows), which
    makes generation 1.6-1.9x faster (`benchmarks/tiny_ppo_speed.py`). On the development machine it is bit-identical
    to decoding every row; that relies on the CPU's matmul kernels giving a row the same bits whatever the number of
    rows, which another machine's kernels need not do (1-3 rows already differ here), so on another machine a sample
    may differ in its last bits, as any other result may (the verdicts are built not to flip on that). With a
    `generator` every step draws B uniforms, so all rows stay in the batch.

    `check_every`: look at how many rows are still decoding (to stop, or to compact) every this many tokens; default 1
    on the CPU, DEVICE_CHECK_EVERY on a GPU. Finished rows only emit padding in between, so the tokens are the same.

    `with_entropy`: also return each generated token's next-token entropy (of the untempered distribution), what RL
    logs as the policy's entropy, so that a rollout at temperature 1 needs no second forward pass of the policy.
    """
    was_training = model.training
    model.eval()
    B, P = prompt_ids.shape
    device = prompt_ids.device
    Tmax = P + max_new_tokens
    cfg = model.config
    assert Tmax <= cfg.block_size, f"prompt {P} + max_new_tokens {max_new_tokens} > block_size {cfg.block_size}"
    hs = cfg.n_embd // cfg.n_head
    check_every = check_every or (1 if device.type == "cpu" else DEVICE_CHECK_EVERY)
    seed_t = torch.tensor(list(seeds), dtype=torch.long, device=device) if seeds is not None else None
    if seed_t is not None and seed_t.numel() != B:
        raise ValueError(f"{seed_t.numel()} seeds for a batch of {B}")
    with torch.inference_mode():
        caches = [
            (torch.zeros(B, cfg.n_head, Tmax, hs, device=device), torch.zeros(B, cfg.n_head, Tmax, hs, device=device))
            for _ in range(cfg.n_layer)
        ]
        valid = torch.zeros(B, Tmax, dtype=torch.bool, device=device)  # (B, Tmax) keys that are real tokens
        valid[:, :P] = prompt_ids != pad_id
        valid[:, P:] = True
        pos = (valid[:, :P].long().cumsum(1) - 1).clamp(min=0)  # (B, P)
        causal = torch.ones(P, P, dtype=torch.bool, device=device).tril()
        eye = torch.eye(P, dtype=torch.bool, device=device)
        mask = ((causal & valid[:, None, :P]) | eye)[:, None]  # (B, 1, P, P)
        logits = model._step(prompt_ids, pos, mask, caches, 0)  # (B, V)
        next_pos = valid[:, :P].sum(1)  # (B,) position of the first generated token
        banned = torch.tensor(list(banned_ids), dtype=torch.long, device=device)
        uniforms = seeded_uniforms(seed_t, max_new_tokens) if seed_t is not None else None  # (T, B)
        compact = skip_finished and seed_t is not None

        tokens = torch.full((B, max_new_tokens), pad_id, dtype=torch.long, device=device)
        logprobs = torch.zeros(B, max_new_tokens, device=device)
        entropy = torch.zeros(B, max_new_tokens, device=device) if with_entropy else None
        finished = torch.zeros(B, dtype=torch.bool, device=device)
        lengths = torch.full((B,), max_new_tokens, dtype=torch.long, device=device)
        rows = None  # indices of the decoding batch's rows in the full batch (None: all B rows, in order)
        r_finished = finished  # `finished` of the decoding batch's rows
        for t in range(max_new_tokens):
            logits = logits.float()
            if banned.numel():
                logits[:, banned] = float("-inf")
            if uniforms is not None:
                u = uniforms[t] if rows is None else uniforms[t, rows]
            else:
                u = torch.rand(B, generator=generator, dtype=torch.float64, device=device)
            tok = sample_from_logits(logits, u, temperature, top_p)  # (b,)
            lp_all = F.log_softmax(logits / (temperature if temperature > 0 else 1.0), dim=-1)  # (b, V)
            lp = lp_all.gather(1, tok[:, None])
            alive = ~r_finished
            if with_entropy:
                lq = lp_all if temperature in (0.0, 1.0) else F.log_softmax(logits, dim=-1)
                if banned.numel():
                    lq = lq.nan_to_num(neginf=0.0)  # a banned token has probability 0 and adds 0 (not 0 * -inf)
                ent = torch.where(alive, -(lq.exp() * lq).sum(-1), torch.zeros((), device=device))
                if rows is None:
                    entropy[:, t] = ent
                else:
                    entropy[rows, t] = ent
            new_tok = torch.where(alive, tok, torch.full_like(tok, pad_id))
            new_lp = torch.where(alive, lp.squeeze(1), torch.zeros_like(lp.squeeze(1)))
            new_eos = alive & (tok == eos_id)
            if rows is None:
                tokens[:, t] = new_tok
                logprobs[:, t] = new_lp
                lengths = torch.where(new_eos, torch.full_like(lengths, t + 1), lengths)
                finished = finished | new_eos
                r_finished = finished
            else:
                tokens[rows, t] = new_tok
                logprobs[rows, t] = new_lp
                lengths[rows] = torch.where(new_eos, torch.full_like(tok, t + 1), lengths[rows])
                r_finished = r_finished | new_eos
                finished[rows] = r_finished
            if t == max_new_tokens - 1:
                break
            if t % check_every == check_every - 1:  # reading a count off a GPU waits for the GPU
                n_alive = int((~r_finished).sum())
                if n_alive == 0:
                    break
            else:
                n_alive = None
            b = r_finished.numel()
            if compact and n_alive is not None and b > MIN_DECODE_ROWS and n_alive <= 0.75 * b:
                # keep the alive rows (and, below MIN_DECODE_ROWS, some finished ones as ballast), in batch order
                keep = (~r_finished).nonzero().squeeze(1)
                if keep.numel() < MIN_DECODE_ROWS:
                    extra = r_finished.nonzero().squeeze(1)[: MIN_DECODE_ROWS - keep.numel()]
                    keep = torch.cat([keep, extra]).sort().values
                rows = keep if rows is None else rows[keep]
                caches = [(k[keep], v[keep]) for k, v in caches]
                tok, r_finished = tok[keep], r_finished[keep]
            r_valid = valid if rows is None else valid[rows]
            r_pos = next_pos if rows is None else next_pos[rows]
            step_mask = r_valid[:, None, None, : P + t + 1]  # (b, 1, 1, P+t+1)
            logits = model._step(tok[:, None], r_pos[:, None] + t, step_mask, caches, P + t)  # (b, V)
    model.train(was_training)
    # plain tensors (not inference tensors), so callers may use them in autograd (e.g. as `gather` indices)
    return GenerationOutput(tokens=tokens.clone(), lengths=lengths.clone(), finished=finished.clone(),
                            logprobs=logprobs.clone(), entropy=entropy.clone() if with_entropy else None)


# --- Checkpoints ------------------------------------------------------------------------------------------------------

def save_checkpoint(path: str | Path, model: TinyGPT, tokenizer, extra: dict | None = None) -> Path:
    """Write a checkpoint directory: config.json, model.pt (state dict), tokenizer.json, extra.json."""
    from suite.atomic import write_bytes_atomic, write_json_atomic

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path / "config.json", {**asdict(model.config), "value_head": model.value_head is not None})
    import io

    buf = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, buf)
    write_bytes_atomic(path / "model.pt", buf.getvalue())
    tokenizer.save(path / "tokenizer.json")
    write_json_atomic(path / "extra.json", extra or {})
    return path


def load_checkpoint(path: str | Path):
    """Inverse of `save_checkpoint`: returns (model in eval mode, tokenizer, extra)."""
    from suite.tiny.tokenizer import TinyTokenizer

    path = Path(path)
    cfg = json.loads((path / "config.json").read_text())
    value_head = bool(cfg.pop("value_head", False))
    model = TinyGPT(TinyGPTConfig(**cfg), value_head=value_head)
    model.load_state_dict(torch.load(path / "model.pt", map_location="cpu", weights_only=True))
    model.eval()
    return model, TinyTokenizer.load(path / "tokenizer.json"), json.loads((path / "extra.json").read_text())


# --- Hugging Face view ------------------------------------------------------------------------------------------------

def to_hf_gpt2(model: TinyGPT, *, bos_id: int | None = None, eos_id: int | None = None, pad_id: int | None = None):
    """The same network as a `transformers.GPT2LMHeadModel` (weights copied; HF Conv1D stores them transposed)."""
    from transformers import GPT2Config, GPT2LMHeadModel

    c = model.config
    hf_cfg = GPT2Config(
        vocab_size=c.vocab_size, n_positions=c.block_size, n_embd=c.n_embd, n_layer=c.n_layer, n_head=c.n_head,
        activation_function="gelu", resid_pdrop=c.dropout, embd_pdrop=c.dropout, attn_pdrop=c.dropout,
        layer_norm_epsilon=1e-5, bos_token_id=bos_id, eos_token_id=eos_id, pad_token_id=pad_id,
    )
    hf = GPT2LMHeadModel(hf_cfg)
    sd = {}
    for k, v in model.state_dict().items():
        if k.startswith("value_head"):
            continue
        if any(k.endswith(s) for s in ("c_attn.weight", "c_proj.weight", "c_fc.weight")):
            v = v.t().contiguous()  # nn.Linear (out, in) -> Conv1D (in, out)
        sd[k] = v
    missing, unexpected = hf.load_state_dict(sd, strict=False)
    assert not unexpected and all(m.endswith("attn.bias") or m.endswith("masked_bias") for m in missing), (
        missing, unexpected)
    return hf.eval()
