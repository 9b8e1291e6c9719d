"""`train_rl`: the tiny world's RL loop (PPO as the official fork runs it, plus GRPO- and REINFORCE++-style variants).

One step (docs/tiny_rl.md, 'One PPO step'):
1. sample `prompts_per_step` problems (an epoch-wise shuffle of the training split), `samples_per_prompt` responses each
   at the rollout temperature/top-p, with `max_new_tokens` as both the sampling limit and the reward's `max_len`;
2. grade each response with the task verifier; outcome reward (exceed rule inside) placed on the last token, dense
   repetition penalty as channel 1 when the spec has one, clamp to `reward_clip`;
3. add the k1 KL reward `-kl_coef (logp_old - logp_ref)` split equally over channels (PPO, REINFORCE++, GRPO with
   `grpo_kl_in="reward"`);
4. advantages: PPO multi-gamma Monte-Carlo returns - values (or GAE for one gamma); REINFORCE++ discounted returns;
   GRPO group-standardised sequence rewards; then (PPO, REINFORCE++) whitening over all valid tokens of the batch;
5. `ppo_epochs` passes over shuffled minibatches of `train_batch_size` samples: clipped surrogate (token mean per
   sequence, batch mean), GRPO adds `kl_coef * k3` to the loss when `grpo_kl_in="loss"`; PPO also takes a clipped
   value-loss step on a separate critic (SFT weights + fresh value head).

Determinism: `suite.determinism.configure_torch` (one torch thread, deterministic kernels), every random draw from a
generator seeded by `seed`; the returned dict holds no wall-clock values, so two same-seed runs return equal dicts.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from suite.determinism import configure_torch
from suite.metrics import names
from suite.metrics.length import exceeded
from suite.rewards.settings import FormatRewardSetting
from suite.tiny.guards import require_finite
from suite.tiny.rl import advantages as adv_mod
from suite.tiny.rl.config import RLConfig
from suite.tiny.rl.losses import k3_kl, policy_loss, value_loss
from suite.tiny.rl.rollout import (
    Rollout,
    left_pad,
    length_groups,
    length_mask,
    row_seeds,
    sample,
    score_rollout,
    score_tokens,
)
from suite.tiny.rl.step_metrics import rollout_metrics
from suite.verify.extract import extract_answer

Progress = Callable[[int, dict], None]
RL_TIMING = "rl_timing.json"  # in an RL job's workdir: wall-clock throughput (not a metric)
EVAL_SEED_STEP = 1 << 19  # row seeds of evaluations live apart from every training step's


def cosine_with_min_lr(total_steps: int, warmup_fraction: float, min_lr_ratio: float) -> Callable[[int], float]:
    """LR multiplier of HF `cosine_with_min_lr` as OpenRLHF configures it: linear warmup over ceil(3%) of the steps,
    then cosine decay from 1 to `min_lr_ratio`.

    >>> f = cosine_with_min_lr(100, 0.03, 0.1); [round(f(s), 3) for s in (0, 3, 100)]
    [0.0, 1.0, 0.1]
    """
    warmup = math.ceil(warmup_fraction * total_steps)

    def mult(step: int) -> float:
        if step < warmup:
            return step / max(1, warmup)
        progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
        return min_lr_ratio + (1.0 - min_lr_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))

    return mult


def _make_optimizer(params, lr: float, cfg: RLConfig, total: int):
    opt = torch.optim.AdamW(params, lr=lr, betas=cfg.adam_betas, weight_decay=0.0, eps=1e-8)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, cosine_with_min_lr(total, cfg.warmup_fraction, cfg.min_lr_ratio))
    return opt, sched


#: groups of rows per minibatch in the update (`rollout.length_groups`): two halves by length already leave out most
#: of the padding of a random minibatch; smaller groups cost more per row than they save on one CPU core
UPDATE_GROUPS = 2


def _length_groups(mb: torch.Tensor, lengths: torch.Tensor, groups: int = UPDATE_GROUPS) -> list:
    """A minibatch's rows in `groups` groups of similar length (the first ones one row larger when it does not divide)."""
    return length_groups(mb, lengths, -(-len(mb) // groups))


@dataclasses.dataclass(frozen=True)
class ModelOps:
    """How the loop scores a model's tokens and groups a minibatch's rows for the update. The defaults are the tiny
    engine's; the open-model path (`suite.openlm`) passes its own, sized for a large vocabulary."""

    score_tokens: Callable = score_tokens  # (model, prompt_ids, prompt_mask, tokens, with_entropy=) -> {"logp", ...}
    score_rollout: Callable = score_rollout  # the same without gradients, over a whole rollout
    update_groups: Callable = _length_groups  # (minibatch rows, lengths) -> [(rows, width), ...]


TINY_OPS = ModelOps()


class _Sampler:
    """Epoch-wise shuffled prompt order (OpenRLHF's prompt DataLoader with shuffle), from one seeded numpy RNG."""

    def __init__(self, n: int, rng: np.random.Generator):
        self.n, self.rng, self.order, self.pos = n, rng, [], 0

    def take(self, k: int) -> list[int]:
        out = []
        while len(out) < k:
            if self.pos >= len(self.order):
                self.order, self.pos = self.rng.permutation(self.n).tolist(), 0
            out.append(self.order[self.pos])
            self.pos += 1
        return out


def _rollout(policy, generate, tokenizer, problems, prompts, verify, *, max_new_tokens, temperature, top_p,
             seeds) -> Rollout:
    """Sample and grade one response per row. `prompts`: ragged prompt ids, one per row."""
    device = next(policy.parameters()).device
    prompt_ids, prompt_mask = left_pad(prompts, tokenizer.pad_id)
    prompt_ids, prompt_mask = prompt_ids.to(device), prompt_mask.to(device)
    out = sample(policy, generate, prompt_ids, max_new_tokens=max_new_tokens, eos_id=tokenizer.eos_id,
                 pad_id=tokenizer.pad_id, temperature=temperature, top_p=top_p, seeds=seeds)
    lengths, finished = out.lengths.long(), out.finished.bool()
    rows = out.tokens.tolist()  # one copy off the device
    texts = [tokenizer.decode(row[:n]) for row, n in zip(rows, lengths.tolist())]
    correct = grade(verify, problems, texts)
    return Rollout(list(problems), prompt_ids, prompt_mask, out.tokens, lengths, finished,
                   length_mask(lengths, out.tokens.shape[1]), texts, correct, out.logprobs, out.entropy)


def grade(verify: Callable, problems: Sequence, texts: Sequence[str]) -> list[bool]:
    """`verify` on every (problem, response) pair; a verifier with a `batch(problems, texts)` method (a model-based
    judge) grades them in one call."""
    batch = getattr(verify, "batch", None)
    if batch is not None:
        return [bool(c) for c in batch(list(problems), list(texts))]
    return [bool(verify(p, t)) for p, t in zip(problems, texts)]


@torch.no_grad()
def evaluate_heldout(policy, generate, tokenizer, problems, prompt_ids, verify, cfg: RLConfig, seed: int) -> dict:
    """Held-out accuracy, mean length and exceed rate: one sample per problem at the evaluation temperature/top-p,
    drawn from a generator seeded identically at every evaluation (common random numbers across checkpoints)."""
    policy.eval()
    r = _rollout(policy, generate, tokenizer, problems, prompt_ids, verify, max_new_tokens=cfg.max_new_tokens,
                 temperature=cfg.eval_temperature, top_p=cfg.eval_top_p,
                 seeds=row_seeds(seed, EVAL_SEED_STEP, len(problems)))
    margin = adv_mod.exceed_margin(cfg.reward)
    return {
        names.HELDOUT_ACCURACY_CURVE: float(np.mean(r.correct)),
        names.HELDOUT_RESPONSE_LENGTH: float(r.lengths.float().mean()),
        names.HELDOUT_EXCEED_RATE: float(exceeded(r.lengths.cpu().numpy(), cfg.max_new_tokens, margin).mean()),
    }


def rl_loop(cfg: RLConfig, seed: int, policy, tokenizer, generate: Callable, train_problems: Sequence,
            eval_problems: Sequence, verify: Callable, encode_prompt: Callable, *, make_critic: Callable | None = None,
            progress: Progress | None = None, timing: dict | None = None,
            reward_verify: Callable | None = None, ops: ModelOps = TINY_OPS) -> dict:
    """The RL loop on an already-built policy (tests pass a tiny random model). `make_critic(policy)` returns a
    TinyGPT with a value head initialised from the policy's weights (PPO only). Returns the metrics dict of
    `train_rl`. The policy is trained in place.

    `verify` is the truth (held-out evaluation); `reward_verify`, when given, grades the training rollouts instead (a
    noisy verifier: a rule against noisy references, a trained judge, Takeaway 5.2), and every step then also logs
    how often it disagreed with `verify` (`reward_false_positive_rate`, `reward_false_negative_rate`) and the true
    training accuracy.

    `ops` scores tokens and groups rows for another kind of model (`ModelOps`); a `generate` whose `exact` attribute
    is False (a sampler that is another implementation of the policy, e.g. vLLM) has the policy's log-probabilities
    and entropies recomputed by a forward pass."""
    torch.manual_seed(seed)  # the critic's fresh value head is the only draw from the global generator
    policy.eval()  # dropout is 0 in every tiny config; eval() also keeps any future dropout off during scoring
    ref = copy.deepcopy(policy).requires_grad_(False)
    critic = make_critic(policy) if cfg.algorithm == "ppo" else None
    if cfg.algorithm == "ppo" and critic is None:
        raise ValueError("PPO needs make_critic")
    total = cfg.optimizer_steps
    actor_opt, actor_sched = _make_optimizer(policy.parameters(), cfg.actor_lr, cfg, total)
    if critic is not None:
        critic_opt, critic_sched = _make_optimizer(critic.parameters(), cfg.critic_lr, cfg, total)

    device = next(policy.parameters()).device
    rng = np.random.default_rng(seed)
    sampler = _Sampler(len(train_problems), rng)
    shuffle_gen = torch.Generator().manual_seed(seed + 7_919)
    train_prompt_ids = [list(encode_prompt(tokenizer, p)) for p in train_problems]
    eval_set = list(eval_problems)[: cfg.eval_size]
    eval_prompt_ids = [list(encode_prompt(tokenizer, p)) for p in eval_set]
    spec, max_len, margin = cfg.reward, cfg.max_new_tokens, adv_mod.exceed_margin(cfg.reward)

    curves: dict[str, dict[str, list]] = {}

    def log(step: int, values: dict):
        for k, v in values.items():
            c = curves.setdefault(k, {"step": [], "value": []})
            c["step"].append(step)
            c["value"].append(v)

    def maybe_eval(step: int):
        if eval_set and (step % cfg.eval_every == 0 or step == cfg.steps):
            log(step, evaluate_heldout(policy, generate, tokenizer, eval_set, eval_prompt_ids, verify, cfg, seed))

    # At temperature 1 and top-p 1 the sampler draws from the policy itself, so the log-probabilities it computed
    # while sampling are the policy's (OpenRLHF recomputes them with a forward pass of the actor because its sampler,
    # vLLM, is another implementation; here it is the same network, and the two differ only in float rounding).
    sampler_is_policy = getattr(generate, "exact", True) and cfg.temperature == 1.0 and cfg.top_p == 1.0
    clock = timing if timing is not None else {}  # wall-clock seconds and token counts; never part of the result
    for k in ("rollout_s", "update_s", "eval_s", "generated_tokens", "trained_tokens"):
        clock.setdefault(k, 0)
    t = time.perf_counter()
    maybe_eval(0)
    clock["eval_s"] += time.perf_counter() - t
    for step in range(cfg.steps):
        t_step = time.perf_counter()
        # ---- 1-2. rollout and grading -------------------------------------------------------------------------------
        idx = [i for i in sampler.take(cfg.prompts_per_step) for _ in range(cfg.samples_per_prompt)]
        r = _rollout(policy, generate, tokenizer, [train_problems[i] for i in idx], [train_prompt_ids[i] for i in idx],
                     reward_verify or verify, max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature,
                     top_p=cfg.top_p, seeds=row_seeds(seed, step, len(idx)))
        clock["rollout_s"] += time.perf_counter() - t_step  # sampling and grading (the rollout ends with a sync)
        clock["generated_tokens"] += int(r.lengths.sum())
        t_update = time.perf_counter()
        width = max(1, int(r.lengths.max()))  # trim padding columns nobody generated
        r = dataclasses.replace(r, tokens=r.tokens[:, :width], mask=r.mask[:, :width], logp=r.logp[:, :width],
                                entropy=r.entropy[:, :width] if r.entropy is not None else None)
        tokens, mask = r.tokens, r.mask
        answered = ([extract_answer(t) is not None for t in r.texts]
                    if isinstance(spec.outcome, FormatRewardSetting) else None)
        scores = adv_mod.outcome_scores(spec, r.lengths.tolist(), max_len, r.correct, answered).to(device)
        rep = adv_mod.repetition_penalties(spec, tokens, r.lengths)
        rep = rep.to(device) if rep is not None else None
        with torch.no_grad():
            if sampler_is_policy:  # the sampler's log-probabilities are the policy's: no second forward pass
                old_logp, entropy = r.logp * mask, r.entropy * mask
            else:
                cur = ops.score_tokens(policy, r.prompt_ids, r.prompt_mask, tokens, with_entropy=True)
                old_logp, entropy = cur["logp"], cur["entropy"]
            ref_logp = ops.score_rollout(ref, r.prompt_ids, r.prompt_mask, tokens, r.lengths)["logp"] * mask
            old_values = None
            if critic is not None:
                old_values = ops.score_rollout(critic, r.prompt_ids, r.prompt_mask, tokens, r.lengths)["values"]
                old_values = old_values * mask
        kl = (old_logp - ref_logp) * mask  # k1 estimator per token
        # ---- 3-4. rewards -> advantages ---------------------------------------------------------------------------
        channels = adv_mod.reward_channels(scores, rep, mask, cfg.reward_clip)
        kl_in_reward = cfg.algorithm != "grpo" or cfg.grpo_kl_in == "reward"
        if kl_in_reward:
            channels = adv_mod.add_kl_penalty(channels, kl, mask, cfg.kl_coef)
        returns = None
        if cfg.algorithm == "ppo":
            advantages, returns = adv_mod.ppo_advantages(channels, old_values, mask, spec.gammas, cfg.lam)
            advantages = adv_mod.normalize_advantages(advantages, mask)
        elif cfg.algorithm == "reinforce++":
            returns_pp = adv_mod.reinforce_pp_advantages(channels, mask, spec.gammas)
            advantages = adv_mod.normalize_advantages(returns_pp, mask)
        else:  # GRPO: the sequence reward is the sum of all (clipped, possibly KL-penalised) per-token rewards
            advantages = adv_mod.grpo_advantages(channels.sum(dim=(1, 2)), cfg.samples_per_prompt, mask)
        # ---- 5. updates -----------------------------------------------------------------------------------------
        p_losses, v_losses, clips = [], [], []
        policy.train()
        for _ in range(cfg.ppo_epochs):
            perm = torch.randperm(len(idx), generator=shuffle_gen).to(device)  # drawn on the CPU on every device
            for mb in perm.split(cfg.train_batch_size):
                # one optimizer step per minibatch; its gradient is accumulated over groups of rows of similar length,
                # each cut to its longest response (the loss is a mean over rows, so each group's share is weighted
                # by its rows: the same gradient as one pass over the minibatch, up to float rounding)
                parts = ops.update_groups(mb, r.lengths)
                actor_opt.zero_grad(set_to_none=True)
                loss_sum, clipped = 0.0, 0.0
                for rows, w in parts:
                    logp = ops.score_tokens(policy, r.prompt_ids[rows], r.prompt_mask[rows], tokens[rows, :w])["logp"]
                    part_mask = mask[rows, :w]
                    loss, clip = policy_loss(logp, old_logp[rows, :w], advantages[rows, :w], part_mask,
                                             cfg.eps_clip)
                    if not kl_in_reward:
                        kl_term = adv_mod.masked_mean(k3_kl(logp, ref_logp[rows, :w]), part_mask, dim=-1).mean()
                        loss = loss + cfg.kl_coef * kl_term
                    loss = loss * (len(rows) / len(mb))
                    require_finite(loss, "policy loss", step)
                    loss.backward()
                    loss_sum += loss.item()
                    clipped += float(clip) * float(part_mask.sum())
                torch.nn.utils.clip_grad_norm_(policy.parameters(), cfg.max_grad_norm)
                actor_opt.step()
                actor_sched.step()
                p_losses.append(loss_sum)
                clips.append(clipped / max(1.0, float(mask[mb].sum())))
                if critic is not None:
                    critic_opt.zero_grad(set_to_none=True)
                    vloss_sum = 0.0
                    for rows, w in parts:
                        values = ops.score_tokens(critic, r.prompt_ids[rows], r.prompt_mask[rows], tokens[rows, :w])[
                            "values"]
                        vloss = value_loss(values, old_values[rows, :w], returns[rows, :w], mask[rows, :w],
                                           cfg.value_clip) * (len(rows) / len(mb))
                        require_finite(vloss, "value loss", step)
                        vloss.backward()
                        vloss_sum += vloss.item()
                    torch.nn.utils.clip_grad_norm_(critic.parameters(), cfg.max_grad_norm)
                    critic_opt.step()
                    critic_sched.step()
                    v_losses.append(vloss_sum)
        policy.eval()
        # ---- logging ----------------------------------------------------------------------------------------------
        metrics = rollout_metrics(r, max_len=max_len, margin=margin, scores=scores, repetition=rep, kl=kl,
                                  entropy=entropy, repetition_ngram_size=cfg.repetition_ngram_size,
                                  hard_from=cfg.hard_from)
        if reward_verify is not None:
            metrics.update(reward_agreement(r.correct, grade(verify, r.problems, r.texts)))
        metrics[names.POLICY_LOSS] = float(np.mean(p_losses))
        metrics[names.CLIP_FRACTION] = float(np.mean(clips))
        if v_losses:
            metrics[names.VALUE_LOSS] = float(np.mean(v_losses))
        clock["update_s"] += time.perf_counter() - t_update  # scoring, advantages, updates, logging
        clock["trained_tokens"] += cfg.ppo_epochs * int(r.lengths.sum())
        log(step + 1, metrics)
        t = time.perf_counter()
        maybe_eval(step + 1)
        clock["eval_s"] += time.perf_counter() - t
        if progress is not None:
            progress(step + 1, metrics)
    return {"scalars": _final_scalars(curves), "curves": curves}


def reward_agreement(rewarded: Sequence[bool], truth: Sequence[bool]) -> dict[str, float | None]:
    """How a noisy verifier's grades compare with the truth on one rollout: the share of wrong responses it passed,
    of correct responses it failed (None without any), and the true accuracy."""
    wrong = [g for g, t in zip(rewarded, truth) if not t]
    right = [g for g, t in zip(rewarded, truth) if t]
    return {
        names.REWARD_FALSE_POSITIVE_RATE: sum(wrong) / len(wrong) if wrong else None,
        names.REWARD_FALSE_NEGATIVE_RATE: sum(not g for g in right) / len(right) if right else None,
        names.TRAIN_ACCURACY_TRUE: sum(truth) / len(truth),
    }


def _final_scalars(curves: dict) -> dict:
    def last(name):
        c = curves.get(name)
        return c["value"][-1] if c and c["value"] else None

    return {
        names.TRAIN_ACCURACY_FINAL: last(names.TRAIN_ACCURACY),
        names.MEAN_LENGTH_FINAL: last(names.RESPONSE_LENGTH),
        names.EXCEED_RATE_FINAL: last(names.EXCEED_RATE),
        names.HELDOUT_ACCURACY: last(names.HELDOUT_ACCURACY_CURVE),
    }


def critic_from_policy(policy):
    """The PPO critic: a TinyGPT with a value head, trunk initialised from the policy (SFT) weights, value head fresh
    (OpenRLHF initialises the critic from `--pretrain`, the SFT model, plus a new head)."""
    from suite.tiny.model import TinyGPT

    critic = TinyGPT(policy.config, value_head=True)  # the fresh head is drawn on the CPU, whatever the device
    missing, unexpected = critic.load_state_dict(policy.state_dict(), strict=False)
    if unexpected or any(not k.startswith("value_head") for k in missing):
        raise RuntimeError(f"critic init from the policy: missing {missing}, unexpected {unexpected}")
    return critic.to(next(policy.parameters()).device).eval()


def train_rl(config: RLConfig, seed: int, init_checkpoint: str | Path, workdir: str | Path | None,
             train_problems: Sequence, eval_problems: Sequence, verify: Callable, *,
             encode_prompt: Callable | None = None, progress: Progress | None = None, device: str = "cpu",
             reward_verify: Callable | None = None) -> dict:
    """Run RL from an SFT checkpoint. Returns {"scalars": {...}, "curves": {metric: {"step": [...], "value": [...]}}}
    (metric names from `suite.metrics.names`; held-out curves at steps 0, k, 2k, ..., last). When `workdir` is given,
    writes `metrics.json`, the final policy (`policy.pt`) and the throughput (`rl_timing.json`: seconds spent sampling,
    updating and evaluating, generated and trained tokens, and tokens per second of each) there.

    `verify(problem, response_text) -> bool` grades a response (training rewards too, unless `reward_verify` is
    given: see `rl_loop`); `encode_prompt(tokenizer, problem) -> list[int]` must
    build the prompt exactly as SFT did (default: `suite.tiny.sampling.prompt_ids`).
    """
    from suite.tiny import model as tiny_model

    configure_torch(device)
    if encode_prompt is None:
        from suite.tiny.sampling import prompt_ids as encode_prompt
    policy, tokenizer, extra = tiny_model.load_checkpoint(init_checkpoint)
    policy = policy.to(device)

    timing: dict = {}
    t0 = time.perf_counter()
    result = rl_loop(config, seed, policy, tokenizer, tiny_model.generate, train_problems, eval_problems, verify,
                     encode_prompt, make_critic=critic_from_policy, progress=progress, timing=timing,
                     reward_verify=reward_verify)
    timing["wall_time_s"] = time.perf_counter() - t0
    timing["device"] = device
    timing["generated_tokens_per_s"] = timing["generated_tokens"] / max(timing["rollout_s"], 1e-9)
    timing["trained_tokens_per_s"] = timing["trained_tokens"] / max(timing["update_s"], 1e-9)
    if workdir is not None:
        out = Path(workdir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "metrics.json").write_text(json.dumps({"config": config.to_dict(), "seed": seed, **result}) + "\n")
        from suite.atomic import write_json_atomic

        write_json_atomic(out / RL_TIMING, timing)  # wall-clock, so beside the metrics, never in them
        tiny_model.save_checkpoint(out / "policy.pt", policy, tokenizer,
                                   {"rl_config": config.to_dict(), "seed": seed, "init": str(init_checkpoint)})
    return result
