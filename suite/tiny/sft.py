"""Supervised fine-tuning of TinyGPT on tiny-world traces, and the evaluation it logs.

`train_sft(config, seed, workdir)` builds the training set (problems from the `train` split of the configured families,
one trace per problem in the configured style, optional noise), trains from scratch with the loss on completion tokens
only (weighted: injected slips weigh 0), cosine LR with linear warmup, AdamW; evaluates held-out (in-domain) and OOD
accuracy every `eval_every` steps by sampling (temperature 0.7, top-p 0.95: the paper's protocol, §2.5); saves a
checkpoint to `workdir/checkpoint`; returns {"scalars", "curves", "timing"}.

Determinism: same config and seed -> bit-identical "scalars" and "curves" (one CPU thread, deterministic algorithms,
all randomness from seeded generators). Wall-clock numbers live under "timing", which is not deterministic.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch.nn import functional as F

from suite.determinism import configure_torch
from suite.metrics import names as M
from suite.tiny import task, traces
from suite.tiny.guards import require_finite
from suite.tiny.model import TinyGPT, TinyGPTConfig, save_checkpoint
from suite.tiny.sampling import keyword_statistics, prompt_ids, response_statistics, sample_responses
from suite.tiny.sft_config import SFTConfig


def model_config(cfg: SFTConfig, vocab_size: int) -> TinyGPTConfig:
    return TinyGPTConfig(vocab_size=vocab_size, block_size=cfg.block_size, n_layer=cfg.n_layer, n_head=cfg.n_head,
                         n_embd=cfg.n_embd)


# --- Data -------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Example:
    ids: list[int]  # [bos] + prompt + completion + [eos]
    weights: list[float]  # per position of `ids`: weight of predicting ids[i] (0 on the prompt)


def make_example(tok, problem: task.Problem, tr: traces.Trace) -> Example:
    p = prompt_ids(tok, problem)
    comp = [tok.token_to_id[w] for w in tr.words] + [tok.eos_id]
    return Example(p + comp, [0.0] * len(p) + list(tr.weights) + [1.0])


def build_dataset(cfg: SFTConfig, tok, seed: int) -> list[Example]:
    rng = random.Random(f"sft-data|{seed}")
    examples = []
    for fam in cfg.families:
        # the problem set depends on the family and size only (seed 0): seeds vary traces, init and order
        for p in task.make_split(fam, "train", min(cfg.n_train, task.TRAIN_POOL.get(fam, cfg.n_train)), seed=0):
            for _ in range(cfg.traces_per_problem):
                tr = traces.trace(p, cfg.style, rng, slip_rate=cfg.slip_rate, give_up_rate=cfg.give_up_rate,
                                  recheck_rate=cfg.recheck_rate)
                tr = traces.noisy_answer(tr, rng, cfg.wrong_answer_rate)
                examples.append(make_example(tok, p, tr))
    if cfg.web_pool is not None:  # the filtered pool's agreeing teacher responses (fixed data: the pool's own draw)
        from suite.tiny.verifiers import build_pool

        for e in build_pool(cfg.web_pool):
            examples += [make_example(tok, e.problem, e.teacher[i]) for i in e.agreeing]
    n_web = round(cfg.web_fraction * len(examples))
    for fam_i in range(n_web):
        fam = cfg.web_families[fam_i % len(cfg.web_families)]
        p = task.sample_problem(fam, rng)
        if task.split_of(p) == "train":
            examples.append(make_example(tok, p, traces.web_like(p, rng)))
    # a fixed number of web-like examples: training-split problems of the web families in turn, drawn with their own
    # generator (so the clean traces above do not depend on it), one unfiltered response each
    web_rng = random.Random(f"sft-web|{seed}")
    for i in range(cfg.web_examples):
        fam = cfg.web_families[i % len(cfg.web_families)]
        p = task.sample_problem(fam, web_rng)
        while task.split_of(p) != "train":
            p = task.sample_problem(fam, web_rng)
        examples.append(make_example(tok, p, traces.web_like(p, web_rng)))
    return examples


def collate(batch: Sequence[Example], pad_id: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded inputs x (B,T), targets y (B,T) and loss weights w (B,T) for next-token prediction."""
    T = max(len(e.ids) for e in batch) - 1
    x = torch.full((len(batch), T), pad_id, dtype=torch.long)
    y = torch.full((len(batch), T), pad_id, dtype=torch.long)
    w = torch.zeros(len(batch), T)
    for i, e in enumerate(batch):
        n = len(e.ids) - 1
        x[i, :n] = torch.tensor(e.ids[:-1])
        y[i, :n] = torch.tensor(e.ids[1:])
        w[i, :n] = torch.tensor(e.weights[1:])
    return x, y, w


# --- Evaluation -------------------------------------------------------------------------------------------------------

def eval_sets(cfg: SFTConfig) -> dict[str, list[task.Problem]]:
    """Fixed evaluation problems (independent of the training seed): held-out in-domain and OOD families."""
    return {f: task.eval_problems(f, cfg.eval_n, seed=12345) for f in cfg.families + cfg.ood_families}


def evaluate_families(model, tok, cfg: SFTConfig, sets: dict, seed: int) -> dict[str, list[dict]]:
    """One sampled response per evaluation problem, per family: {family: `sample_responses` records}."""
    return {f: sample_responses(model, tok, probs, temperature=cfg.eval_temperature, top_p=cfg.eval_top_p,
                                max_new_tokens=cfg.eval_max_new_tokens, seed=seed)
            for f, probs in sets.items()}


# --- Training ---------------------------------------------------------------------------------------------------------

def adamw(model, lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW as tiny models train with it: weight decay on matrices only (not on biases, norms' gains), betas
    (0.9, 0.95)."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.95))


def lr_at(step: int, cfg: SFTConfig) -> float:
    """Linear warmup to cfg.lr, then cosine decay to cfg.lr * min_lr_ratio at the last step."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    frac = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))


def initial_model(cfg: SFTConfig, tok, seed: int, init_checkpoint: str | Path | None) -> TinyGPT:
    """A fresh TinyGPT drawn from `seed` (on the CPU), or the weights of `init_checkpoint` (SFT from a base model,
    §6.4), which must have the architecture `cfg` names and the same vocabulary."""
    from suite.errors import UserError
    from suite.tiny.model import load_checkpoint

    torch.manual_seed(seed)
    if init_checkpoint is None:
        return TinyGPT(model_config(cfg, tok.vocab_size))
    model, init_tok, _ = load_checkpoint(init_checkpoint)
    if model.config != model_config(cfg, tok.vocab_size):
        raise UserError(f"the SFT start {init_checkpoint} has architecture {model.config}, but the SFT config asks for "
                        f"{model_config(cfg, tok.vocab_size)}", where="SFT init")
    if init_tok != tok:
        raise UserError(f"the SFT start {init_checkpoint} has another vocabulary than the SFT data's families",
                        where="SFT init")
    return model


def train_sft(cfg: SFTConfig, seed: int, workdir: str | Path, *,
              progress: Callable[[int, dict], None] | None = None, device: str = "cpu",
              init_checkpoint: str | Path | None = None) -> dict:
    """Train and evaluate on `device` ("cpu", or "cuda" for the `gpu` scale); the initial weights, the data and every
    sampling seed are the same on every device, so a device changes the arithmetic only. With `init_checkpoint`,
    training starts from that model's weights instead of a fresh draw."""
    configure_torch(device)
    t0 = time.perf_counter()
    workdir = Path(workdir)
    tok = task.make_tokenizer(cfg.vocabulary_families)
    data = build_dataset(cfg, tok, seed)
    sets = eval_sets(cfg)
    model = initial_model(cfg, tok, seed, init_checkpoint).to(device)  # on the CPU, then moved
    opt = adamw(model, cfg.lr, cfg.weight_decay)
    order_rng = random.Random(f"sft-order|{seed}")
    order: list[int] = []
    curves: dict[str, dict[str, list]] = {}

    def log(name: str, step: int, value: float) -> None:
        c = curves.setdefault(name, {"step": [], "value": []})
        c["step"].append(step)
        c["value"].append(value)

    def run_eval(step: int) -> dict[str, dict]:
        res = evaluate_families(model, tok, cfg, sets, seed=seed + 7919 * step)
        summ = {f: response_statistics(r) for f, r in res.items()}
        in_dom = [summ[f] for f in cfg.families]
        log(M.HELDOUT_ACCURACY_CURVE, step, sum(s["accuracy"] for s in in_dom) / len(in_dom))
        log(M.RESPONSE_LENGTH, step, sum(s["length"] for s in in_dom) / len(in_dom))
        log(M.WAIT_COUNT, step, sum(s["wait"] for s in in_dom) / len(in_dom))
        log(M.ALTERNATIVELY_CURVE, step, sum(s["alternatively"] for s in in_dom) / len(in_dom))
        if cfg.ood_families:
            log(M.OOD_ACCURACY_CURVE, step, sum(summ[f]["accuracy"] for f in cfg.ood_families) / len(cfg.ood_families))
        if progress:
            progress(step, summ)
        return res

    train_tokens = 0
    t_train = 0.0
    for step in range(cfg.steps):
        if step % cfg.eval_every == 0 and step > 0:
            run_eval(step)
        ts = time.perf_counter()
        batch = []
        while len(batch) < cfg.batch_size:
            if not order:
                order = list(range(len(data)))
                order_rng.shuffle(order)
            batch.append(data[order.pop()])
        x, y, w = collate(batch, tok.pad_id)
        train_tokens += int((x != tok.pad_id).sum())
        x, y, w = x.to(device), y.to(device), w.to(device)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, cfg)
        model.train()
        logits = model(x)  # (B, T, V)
        nll = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="none")
        loss = (nll * w.reshape(-1)).sum() / w.sum().clamp(min=1.0)
        require_finite(loss, "SFT loss", step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        if step % cfg.log_every == 0 or step == cfg.steps - 1:
            log(M.SFT_LOSS, step, float(loss.detach()))  # a device sync, so inside the timed part
        t_train += time.perf_counter() - ts
    final = run_eval(cfg.steps)
    summ = {f: response_statistics(r) for f, r in final.items()}
    in_dom = [summ[f] for f in cfg.families]
    scalars = {
        M.HELDOUT_ACCURACY: sum(s["accuracy"] for s in in_dom) / len(in_dom),
        M.OOD_ACCURACY: (sum(summ[f]["accuracy"] for f in cfg.ood_families) / len(cfg.ood_families)
                         if cfg.ood_families else float("nan")),
        M.MEAN_LENGTH_FINAL: sum(s["length"] for s in in_dom) / len(in_dom),
        M.KEYWORD_RATE: sum(s["keyword_rate"] for s in in_dom) / len(in_dom),
        M.ALTERNATIVELY_COUNT: sum(s["alternatively"] for s in in_dom) / len(in_dom),
        M.SFT_TRAIN_TOKENS: float(train_tokens),
    }
    for f, s in summ.items():
        scalars[f"heldout_accuracy/{f}"] = s["accuracy"]
    scalars.update(keyword_statistics([r for f in cfg.families for r in final[f]]))  # in-domain responses
    wall = time.perf_counter() - t0
    save_checkpoint(workdir / "checkpoint", model, tok,
                    {"sft_config": asdict(cfg), "seed": seed, "scalars": scalars})
    return {
        "scalars": scalars,
        "curves": curves,
        "timing": {M.WALL_TIME: wall, "train_time_s": t_train, "train_tokens_per_s": train_tokens / max(t_train, 1e-9)},
        "records": {f: r for f, r in final.items()},
    }

