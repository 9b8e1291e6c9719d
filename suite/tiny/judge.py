"""The model-based verifier of the tiny world (Takeaway 5.2): a small judge trained to read the end of a reference
solution and the end of a response and say whether the response's final answer agrees with the reference.

App. E.6's judge (an instruction-tuned 7B model) reads the last 20 lines of the response and the reference solution,
and answers `Judgement: correct/wrong/not_found`. Here the judge is a TinyGPT trunk with a scalar head: its input is
`<bos> <ref> <last tail words of the reference> <resp> <last tail words of the response> <eos>`, its output the
logit of "the response's final answer agrees with the reference" read at the last position, trained with binary
cross-entropy on pairs drawn from the world (training-split problems; a reference in one of the pool's forms, a
response of the teacher or of a web-like style, sometimes wrong, sometimes cut before its answer). The label is
agreement with the reference's intended answer (`verifiers.ReferencedProblem.intended`), as the paper's judge is asked
about the reference, not about the truth; the error profile is measured both ways on pairs of held-out problems.

It is a real verifier, not a simulated one: where the rule reads only `\\boxed{}`, the judge can read a stated answer
(`so 7`) or the last check of a reasoning that never states one, and it errs where a small model errs.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F

from suite.determinism import configure_torch
from suite.tiny import task, traces
from suite.tiny.model import TinyGPT, TinyGPTConfig, load_checkpoint, save_checkpoint
from suite.tiny.sft import adamw
from suite.tiny.tokenizer import TinyTokenizer
from suite.tiny.verifiers import FORMS, JudgeConfig, ReferencedProblem, reference_solution, teacher_response

REF, RESP = "<ref>", "<resp>"
JUDGE_DIR = "judge"  # in a judge job's workdir: the checkpoint


def judge_tokenizer() -> TinyTokenizer:
    """Every word of every family, and the two markers."""
    return TinyTokenizer([*task.vocabulary(), REF, RESP])


def encode_pair(tok: TinyTokenizer, reference: str, response: str, tail: int) -> list[int]:
    """`<bos> <ref> reference tail <resp> response tail <eos>`, each tail left-padded to `tail` words, so that the
    ends of both texts (where a final answer is) sit at the same positions in every row."""
    def last(text: str) -> list[int]:
        ids = tok.encode(text)[-tail:]
        return [tok.pad_id] * (tail - len(ids)) + ids

    return [tok.bos_id, tok.token_to_id[REF], *last(reference), tok.token_to_id[RESP], *last(response), tok.eos_id]


def judge_pair(problem: task.Problem, rng: random.Random, cfg: JudgeConfig) -> dict:
    """One (reference, response) pair: {"ref": ReferencedProblem, "response": text, "label": agrees with the
    reference's intended answer, "truth": the response is correct}."""
    ref = reference_solution(problem, rng, cfg.pool)
    tr = (teacher_response(problem, rng, cfg.pool) if rng.random() < 0.7
          else traces.trace(problem, rng.choice(("direct", "short", "long")), rng))
    words = list(traces.noisy_answer(tr, rng, cfg.wrong_rate).words)
    if rng.random() < cfg.truncated_rate:  # ran out of tokens before the answer
        words = words[: rng.randint(0, max(0, len(words) - 4))]
    response = " ".join(words)
    got = task.extract(response)
    return {"ref": ref, "response": response, "label": task.same_answer(got, ref.intended),
            "truth": task.same_answer(got, problem.answer)}


def judge_logits(model: TinyGPT, tok: TinyTokenizer, rows: Sequence[list[int]]) -> torch.Tensor:
    """The judge's logit for each row (`encode_pair` rows, all of one length), read at the last token."""
    return model.values(torch.tensor(rows, device=next(model.parameters()).device))[:, -1]


def _problems(families: Sequence[str], split: str, rng: random.Random) -> Callable[[], task.Problem]:
    """A sampler of problems of `split` (training pairs from training problems, the error profile from held-out)."""
    def draw() -> task.Problem:
        while True:
            p = task.sample_problem(rng.choice(families), rng)
            if task.split_of(p) == split:
                return p
    return draw


@torch.no_grad()
def error_profile(model: TinyGPT, tok: TinyTokenizer, cfg: JudgeConfig, pairs: Sequence[dict]) -> dict[str, float]:
    """Accuracy, false-positive and false-negative rates against the label (agreement with the reference), the same
    against the truth, and accuracy per reference form."""
    model.eval()
    preds = []
    for s in range(0, len(pairs), 256):
        chunk = pairs[s: s + 256]
        rows = [encode_pair(tok, p["ref"].reference, p["response"], cfg.tail) for p in chunk]
        preds += (torch.sigmoid(judge_logits(model, tok, rows)) > cfg.threshold).tolist()

    def rates(key: str) -> tuple[float, float, float]:
        pos = [pr for pr, p in zip(preds, pairs) if p[key]]
        neg = [pr for pr, p in zip(preds, pairs) if not p[key]]
        acc = sum(pr == p[key] for pr, p in zip(preds, pairs)) / len(pairs)
        return acc, sum(neg) / max(1, len(neg)), sum(not x for x in pos) / max(1, len(pos))

    acc, fpr, fnr = rates("label")
    acc_t, fpr_t, fnr_t = rates("truth")
    out = {"judge_accuracy": acc, "judge_false_positive_rate": fpr, "judge_false_negative_rate": fnr,
           "judge_accuracy_vs_truth": acc_t, "judge_false_positive_rate_vs_truth": fpr_t,
           "judge_false_negative_rate_vs_truth": fnr_t}
    for form in FORMS:
        idx = [i for i, p in enumerate(pairs) if p["ref"].form == form]
        if idx:
            out[f"judge_accuracy/{form}"] = sum(preds[i] == pairs[i]["label"] for i in idx) / len(idx)
    return out


def train_judge(cfg: JudgeConfig, seed: int, workdir: str | Path | None, *,
                progress: Callable[[int, dict], None] | None = None, device: str = "cpu") -> dict:
    """Train the judge; return {"scalars": error profile on held-out pairs, "curves": {"judge_loss": ...}} and, with a
    workdir, save the checkpoint to `workdir/judge`. Deterministic for a seed on one machine."""
    configure_torch(device)
    t0 = time.perf_counter()
    tok = judge_tokenizer()
    torch.manual_seed(seed)
    block = 2 * cfg.tail + 4
    model = TinyGPT(TinyGPTConfig(tok.vocab_size, block_size=block, n_layer=cfg.n_layer, n_head=cfg.n_head,
                                  n_embd=cfg.n_embd), value_head=True).to(device)
    opt = adamw(model, cfg.lr, cfg.weight_decay)
    data_rng = random.Random(f"judge-data|{seed}")
    draw = _problems(cfg.pool.families, "train", data_rng)
    curve: dict[str, list] = {"step": [], "value": []}
    window: list[float] = []
    for step in range(cfg.steps):
        lr = cfg.lr * min(1.0, (step + 1) / max(1, cfg.warmup_steps))
        lr *= 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, step / cfg.steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        pairs = [judge_pair(draw(), data_rng, cfg) for _ in range(cfg.batch_size)]
        rows = [encode_pair(tok, p["ref"].reference, p["response"], cfg.tail) for p in pairs]
        model.train()
        logits = judge_logits(model, tok, rows)
        loss = F.binary_cross_entropy_with_logits(logits, torch.tensor([float(p["label"]) for p in pairs],
                                                                        device=logits.device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        window.append(loss.item())
        if (step + 1) % cfg.log_every == 0 or step + 1 == cfg.steps:
            curve["step"].append(step + 1)
            curve["value"].append(sum(window) / len(window))
            window = []
        if progress is not None:
            progress(step + 1, {})
    eval_rng = random.Random("judge-heldout")  # the same held-out pairs for every seed
    draw_eval = _problems(cfg.pool.families, "heldout", eval_rng)
    held = [judge_pair(draw_eval(), eval_rng, cfg) for _ in range(cfg.eval_pairs)]
    scalars = error_profile(model, tok, cfg, held)
    scalars["judge_label_positive_rate"] = sum(p["label"] for p in held) / len(held)
    if workdir is not None:
        out = Path(workdir)
        save_checkpoint(out / JUDGE_DIR, model.cpu(), tok, {"judge_config": asdict(cfg), "seed": seed})
        (out / "judge_timing.json").write_text(json.dumps({"wall_time_s": time.perf_counter() - t0}) + "\n")
    return {"scalars": scalars, "curves": {"judge_loss": curve}}


class JudgeVerifier:
    """The trained judge as a reward: `verify(problem, response_text) -> bool` for a `ReferencedProblem`, with a
    batched form `batch(problems, texts)` that the RL rollout uses (one forward pass per rollout)."""

    def __init__(self, checkpoint: str | Path, device: str = "cpu"):
        model, tok, extra = load_checkpoint(checkpoint)
        self.model, self.tok = model.to(device).eval(), tok
        cfg = extra["judge_config"]
        self.tail, self.threshold = int(cfg["tail"]), float(cfg["threshold"])

    @torch.no_grad()
    def batch(self, problems: Sequence[ReferencedProblem], texts: Sequence[str]) -> list[bool]:
        rows = [encode_pair(self.tok, p.reference, t, self.tail) for p, t in zip(problems, texts)]
        return (torch.sigmoid(judge_logits(self.model, self.tok, rows)) > self.threshold).tolist()

    def __call__(self, problem: ReferencedProblem, response_text: str) -> bool:
        return self.batch([problem], [response_text])[0]
