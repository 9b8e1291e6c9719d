"""What one RL step logs: the per-step curves the reward findings need (ROADMAP, Takeaways 4.1-4.6), keyed by the
names in `suite.metrics.names`.

Two length conventions, both logged (docs/tiny_rl.md, 'What a step logs'):
- `response_length_terminated` (catalogue name) is the **conditional** mean length of samples that did not exceed
  (gen_len + margin < max_len), None when every sample exceeded;
- `response_length_terminated_official` is the official fork's unconditional mean of (not exceeded) * length, where
  exceeded samples count as 0. Fig. 2(c) of the paper plots this one.
"""

from __future__ import annotations

import torch

from suite.metrics import names
from suite.metrics.length import exceeded  # the official rule: gen_len + margin >= max_len
from suite.tiny.rl.advantages import masked_mean
from suite.tiny.rl.rollout import Rollout


def _mean(xs: list[float]) -> float | None:
    return float(sum(xs) / len(xs)) if xs else None


def rollout_metrics(r: Rollout, *, max_len: int, margin: int, scores: torch.Tensor,
                    repetition: torch.Tensor | None, kl: torch.Tensor, entropy: torch.Tensor,
                    repetition_ngram_size: int, hard_from: int | None = None) -> dict[str, float | None]:
    """Scalars for one rollout batch. `scores` (B,) outcome rewards; `repetition` (B, T) dense penalty or None;
    `kl`, `entropy` (B, T) per-token k1 KL to the reference and policy entropy at rollout time. With `hard_from`,
    also length, repetition, branching and accuracy over the rows whose problem's difficulty is >= `hard_from`
    (`names.*_HARD`, None when the batch has none) and the share of such rows."""
    from suite.metrics.keywords import KEYWORDS, keyword_counts
    from suite.metrics.repetition import repetition_ratio

    lens = r.lengths.tolist()
    exc = exceeded(r.lengths.cpu().numpy(), max_len, margin).tolist()
    tokens = r.tokens.cpu()  # the repetition ratio reads each row on the CPU
    counts = [keyword_counts(t) for t in r.texts]
    rep_rows = [float(repetition_ratio(tokens[i, :n], repetition_ngram_size)) for i, n in enumerate(lens)]
    out: dict[str, float | None] = {
        names.REWARD_OUTCOME: float(scores.mean()),
        names.REWARD_REPETITION: float(repetition.sum(dim=1).mean()) if repetition is not None else 0.0,
        names.RESPONSE_LENGTH: _mean(lens),
        names.RESPONSE_LENGTH_TERMINATED: _mean([n for n, e in zip(lens, exc) if not e]),
        names.RESPONSE_LENGTH_TERMINATED_OFFICIAL: _mean([0 if e else n for n, e in zip(lens, exc)]),
        names.RESPONSE_LENGTH_CORRECT: _mean([n for n, c in zip(lens, r.correct) if c]),
        names.RESPONSE_LENGTH_WRONG: _mean([n for n, c in zip(lens, r.correct) if not c]),
        names.EXCEED_RATE: _mean([float(e) for e in exc]),
        names.TRUNCATED_RATE: _mean([float(not f) for f in r.finished.tolist()]),
        names.TRAIN_ACCURACY: _mean([float(c) for c in r.correct]),
        names.KL: float(masked_mean(kl, r.mask)),
        names.ENTROPY: float(masked_mean(entropy, r.mask)),
        names.REPETITION_RATIO: _mean(rep_rows),
        names.WAIT_COUNT: _mean([float(c["wait"]) for c in counts]),
        names.ALTERNATIVELY_CURVE: _mean([float(c["alternatively,"]) for c in counts]),
        names.KEYWORD_RECHECK: _mean([float(c["recheck"]) for c in counts]),
    }
    n_tokens = max(sum(lens), 1)
    for k in KEYWORDS:  # both readings of a keyword's frequency (suite.metrics.names, "Keyword statistics")
        out[names.keyword_rate_curve(k)] = _mean([float(c[k] > 0) for c in counts])
        out[names.keyword_per_token_curve(k)] = sum(c[k] for c in counts) / n_tokens
    if hard_from is not None:
        hard = [i for i, p in enumerate(r.problems) if p.difficulty >= hard_from]
        out.update({
            names.HARD_SHARE: len(hard) / len(lens),
            names.RESPONSE_LENGTH_HARD: _mean([float(lens[i]) for i in hard]),
            names.REPETITION_RATIO_HARD: _mean([rep_rows[i] for i in hard]),
            names.ALTERNATIVELY_CURVE_HARD: _mean([float(counts[i]["alternatively,"]) for i in hard]),
            names.TRAIN_ACCURACY_HARD: _mean([float(r.correct[i]) for i in hard]),
        })
    return out
