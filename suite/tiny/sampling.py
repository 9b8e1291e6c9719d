"""Sampling a tiny-world policy on problems: batched prompts, per-sample seeds, graded responses, budget forcing.

Everything here goes through `model.generate` (KV-cached, one generator per sample), so a response depends only on
its prompt, its seed and the weights: conditions compared on the same seeds differ only by what they change.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from suite.tiny.model import TinyGPT, generate
from suite.tiny.task import Problem, verify
from suite.tiny.traces import GIVE_UP, count_keyword


def prompt_ids(tok, problem: Problem) -> list[int]:
    """The prompt as SFT trained on it and RL samples from it: `<bos>` + the prompt's words."""
    return [tok.bos_id, *tok.encode(problem.prompt)]


def sample_rows(model: TinyGPT, tok, rows: Sequence[list[int]], seeds: Sequence[int], *, temperature: float,
                top_p: float, max_new_tokens: int, banned_ids: Sequence[int] = (),
                batch_size: int | None = None) -> list[tuple[list[int], bool]]:
    """Sample a continuation of each token row (left-padded per batch, one seed per row): (new token ids, up to and
    including EOS; whether EOS was produced). `batch_size` rows per `generate` call: by default 64 on the CPU (where
    a row's sample does not depend on it) and 1,024 on a GPU (where a decoding step costs about the same for 64 rows
    as for 1,024)."""
    out = []
    device = next(model.parameters()).device
    batch_size = batch_size or (64 if device.type == "cpu" else 1024)
    for s in range(0, len(rows), batch_size):
        chunk = rows[s : s + batch_size]
        P = max(map(len, chunk))
        ids = torch.tensor([[tok.pad_id] * (P - len(r)) + list(r) for r in chunk], device=device)  # (B, P) left-padded
        g = generate(model, ids, max_new_tokens=max_new_tokens, eos_id=tok.eos_id, pad_id=tok.pad_id,
                     temperature=temperature, top_p=top_p, seeds=list(seeds[s : s + batch_size]),
                     banned_ids=list(banned_ids))
        tokens, lengths, finished = g.tokens.tolist(), g.lengths.tolist(), g.finished.tolist()  # one copy each
        out += [(tokens[i][: lengths[i]], finished[i]) for i in range(len(chunk))]
    return out


def sample_responses(model: TinyGPT, tok, problems: Sequence[Problem], *, temperature: float, top_p: float,
                     max_new_tokens: int, seed: int, batch_size: int | None = None,
                     banned_words: Sequence[str] = ()) -> list[dict]:
    """One sampled response per problem (row i seeded `seed * 1_000_003 + i`):
    [{"text", "length", "finished", "correct", "wait", "alternatively"}]."""
    samples = sample_rows(model, tok, [prompt_ids(tok, p) for p in problems],
                          [seed * 1_000_003 + i for i in range(len(problems))], temperature=temperature, top_p=top_p,
                          max_new_tokens=max_new_tokens, banned_ids=[tok.token_to_id[w] for w in banned_words],
                          batch_size=batch_size)
    out = []
    for p, (ids, finished) in zip(problems, samples):
        text = tok.decode(ids)
        out.append({
            "text": text, "length": len(ids), "finished": finished, "correct": verify(p, text),
            "wait": count_keyword(text, "wait"), "alternatively": count_keyword(text, "alternatively,"),
        })
    return out


def response_statistics(records: Sequence[dict]) -> dict[str, float]:
    """Means over `sample_responses` records: accuracy, length (tokens), keyword counts, share finished."""
    n = max(len(records), 1)
    return {
        "accuracy": sum(r["correct"] for r in records) / n,
        "length": sum(r["length"] for r in records) / n,
        "wait": sum(r["wait"] for r in records) / n,
        "alternatively": sum(r["alternatively"] for r in records) / n,
        "keyword_rate": sum((r["wait"] + r["alternatively"]) > 0 for r in records) / n,
        "finished": sum(r["finished"] for r in records) / n,
    }


def keyword_statistics(records: Sequence[dict]) -> dict[str, float]:
    """Both readings of each §6.1 keyword's frequency over `sample_responses` records: the share of responses with
    >= 1 whole-word occurrence, and occurrences per generated token (metric names from suite.metrics.names)."""
    from suite.metrics import names as M
    from suite.metrics.keywords import KEYWORDS, keyword_counts

    counts = [keyword_counts(r["text"]) for r in records]
    n, tokens = max(len(records), 1), max(sum(r["length"] for r in records), 1)
    out = {}
    for k in KEYWORDS:
        out[M.final_keyword_rate(k)] = sum(c[k] > 0 for c in counts) / n
        out[M.final_keyword_per_token(k)] = sum(c[k] for c in counts) / tokens
    return out


def budget_forced(model: TinyGPT, tok, problems: Sequence[Problem], seeds: Sequence[int], budget: int, *,
                  temperature: float = 0.7, top_p: float = 0.95) -> list[tuple[list[int], str, bool]]:
    """Budget forcing (as in s1, Muennighoff et al. 2025): let the policy think for at most `budget` tokens; a response
    that has not ended by then gets `so answer \\boxed{` appended and must answer (3 more tokens, seeded `seed + 1`).
    Returns (response token ids, text, correct) per sample."""
    kw = dict(temperature=temperature, top_p=top_p)
    first = sample_rows(model, tok, [prompt_ids(tok, p) for p in problems], seeds, max_new_tokens=budget, **kw)
    forced = [tok.token_to_id[w] for w in (GIVE_UP, "answer", "\\boxed{")]
    todo = [i for i, (_, fin) in enumerate(first) if not fin]
    rows = [prompt_ids(tok, problems[i]) + first[i][0] + forced for i in todo]
    tails = dict(zip(todo, sample_rows(model, tok, rows, [seeds[i] + 1 for i in todo], max_new_tokens=3, **kw))) \
        if todo else {}
    out = []
    for i, p in enumerate(problems):
        ids = first[i][0] + (forced + tails[i][0] if i in tails else [])
        text = tok.decode(ids)
        out.append((ids, text, verify(p, text)))
    return out
