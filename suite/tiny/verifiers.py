"""Noisy verifiable data (Takeaway 5.2): web-like prompts with raw reference solutions, the paper's prompt filter, and
the rule-based verifier. The model-based verifier (a judge trained in the tiny world) is `suite.tiny.judge`; its
settings (`JudgeConfig`) live here, torch-free, so that declarations can build recipes without loading torch.

A **prompt pool** (`NoisyPool`) stands for WebInstruct: training problems of several families, each with one raw
reference solution (`reference_solution`): an unfiltered response of a random style (answer only, straight line or
the long search), wrong at `wrong_rate`, whose final statement is in one of three forms:
- `boxed`: `... answer \\boxed{ 7 }`: a short-form answer the rule can extract;
- `stated`: `... so 7`: the answer is written, but not in the short form (a judge can read it, the rule cannot);
- `none`: the solution stops after its reasoning (the answer is only implied by the last step, or, for an answer-only
  solution, absent).

**The filter** (§5.2, App. E.7): keep a prompt when a short-form answer can be extracted from its reference and one of
`teacher_samples` teacher responses agrees with it. The teacher is the world's own long-CoT teacher (`search` style:
guess, check, narrow, with slips, rechecks and give-ups; so it is right about half the time on hard `seek` problems).
The responses that agree are the filtered SFT data (the RL start point), as the paper's matching QwQ responses were.

**The rule-based verifier** (`rule_verify`, SymEval's role): the last `\\boxed{}` of the response equals the last
`\\boxed{}` of the reference; no extractable reference answer means every response is graded wrong.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

from suite.tiny import task, traces

FORMS = ("boxed", "stated", "none")


@dataclass(frozen=True)
class NoisyPool:
    """A WebInstruct-like prompt pool: problems, their raw reference solutions, and the filter's teacher."""

    families: tuple[str, ...] = ("seek", "chain", "solve")
    per_family: int = 2500  # distinct training-split problems per family (`solve` has ~600: task.TRAIN_POOL caps it)
    wrong_rate: float = 0.3  # references whose final answer is wrong (as §5.1's web-like data)
    stated_rate: float = 0.3  # references whose answer is written without the short form (`so 7`)
    none_rate: float = 0.1  # references that stop before stating an answer
    teacher_samples: int = 2  # App. E.7: QwQ-32B-Preview draws 2 responses per prompt
    teacher_slip_rate: float = 0.1  # the headroom world's teacher (suite.tiny.sft_config.HEADROOM_SFT)
    teacher_give_up_rate: float = 0.15
    teacher_recheck_rate: float = 0.15
    seed: int = 0  # the pool (problems, references, teacher responses) is data: one draw, whatever the training seed

    def __post_init__(self):
        from suite.errors import UserError

        unknown = [f for f in self.families if f not in task.FAMILIES]
        if unknown:
            raise UserError(f"NoisyPool.families has unknown families {unknown}; known: {', '.join(task.FAMILIES)}")
        for f in ("wrong_rate", "stated_rate", "none_rate"):
            if not 0.0 <= getattr(self, f) <= 1.0:
                raise UserError(f"NoisyPool.{f} must be a probability in [0, 1], got {getattr(self, f)}")
        if self.stated_rate + self.none_rate > 1.0:
            raise UserError("NoisyPool.stated_rate + none_rate must be <= 1, got "
                            f"{self.stated_rate} + {self.none_rate}")
        if self.per_family < 1 or self.teacher_samples < 1:
            raise UserError("NoisyPool.per_family and teacher_samples must be >= 1")


@dataclass(frozen=True)
class ReferencedProblem(task.Problem):
    """A training problem with its raw reference solution (what a verifier compares a response with)."""

    reference: str = field(default="", compare=False)
    #: the answer the reference gives: its stated answer (boxed or not), else the answer its reasoning reached
    intended: str = field(default="", compare=False)
    form: str = field(default="boxed", compare=False)


@dataclass(frozen=True)
class PoolEntry:
    problem: ReferencedProblem
    teacher: tuple[traces.Trace, ...]  # the teacher's responses (loss weight 0 on injected slips, as in SFT data)
    kept: bool  # passes the filter
    agreeing: tuple[int, ...]  # indices of the teacher responses whose answer equals the reference's short form


def _answer_tail(words: list[str]) -> bool:
    return len(words) >= 4 and words[-4] == "answer" and words[-3] == "\\boxed{" and words[-1] == "}"


def reference_solution(problem: task.Problem, rng: random.Random, pool: NoisyPool) -> ReferencedProblem:
    """One raw reference solution for `problem`: a web-like response (random style, wrong at `pool.wrong_rate`) in one
    of FORMS (module docstring)."""
    tr = traces.web_like(problem, rng, pool.wrong_rate)
    words = list(tr.words)
    if not _answer_tail(words):  # every web-like style ends `answer \boxed{ N }`
        raise AssertionError(f"a web-like trace without a boxed answer: {words[-6:]}")
    stated = words[-2]
    u = rng.random()
    form = "stated" if u < pool.stated_rate else "none" if u < pool.stated_rate + pool.none_rate else "boxed"
    if form == "stated":
        words = words[:-4] + ["so", stated]
    elif form == "none":
        words = words[:-4]
    intended = problem.answer if form == "none" else stated
    return ReferencedProblem(problem.family, problem.prompt, problem.answer, problem.difficulty, problem.ops,
                             problem.start, reference=" ".join(words), intended=intended, form=form)


def short_form(reference: str) -> str | None:
    """The rule's short-form answer of a reference: its last `\\boxed{}` (None if there is none)."""
    return task.extract(reference)


def rule_verify(problem: ReferencedProblem, response_text: str) -> bool:
    """The rule-based verifier: the response's last boxed answer equals the reference's (both must exist)."""
    return task.same_answer(task.extract(response_text), short_form(problem.reference))


def teacher_response(problem: task.Problem, rng: random.Random, pool: NoisyPool) -> traces.Trace:
    """One response of the world's long-CoT teacher (`search`: with slips, rechecks and give-ups where the family has
    them; `chain` falls back to the emergent double pass)."""
    return traces.trace(problem, traces.SEARCH, rng, slip_rate=pool.teacher_slip_rate,
                        give_up_rate=pool.teacher_give_up_rate, recheck_rate=pool.teacher_recheck_rate)


@functools.lru_cache(maxsize=8)
def build_pool(pool: NoisyPool) -> tuple[PoolEntry, ...]:
    """The pool's entries, a pure function of `pool`: problems (task.make_split, train split), one reference each,
    `teacher_samples` teacher responses each, and the filter's decision."""
    rng = random.Random(f"noisy-pool|{pool.seed}")
    out = []
    for fam in pool.families:
        n = min(pool.per_family, task.TRAIN_POOL.get(fam, pool.per_family))
        for p in task.make_split(fam, "train", n, seed=pool.seed):
            ref = reference_solution(p, rng, pool)
            teacher = tuple(teacher_response(p, rng, pool) for _ in range(pool.teacher_samples))
            short = short_form(ref.reference)
            agreeing = tuple(i for i, t in enumerate(teacher) if task.same_answer(task.extract(t.text), short))
            out.append(PoolEntry(ref, teacher, bool(agreeing), agreeing))
    return tuple(out)


def pool_problems(pool: NoisyPool, *, filtered: bool) -> list[ReferencedProblem]:
    """The pool's prompts (with references): every one, or those the filter keeps."""
    return [e.problem for e in build_pool(pool) if e.kept or not filtered]


def pool_statistics(pool: NoisyPool) -> dict[str, float]:
    """What the filter does, measured on the pool: sizes, and how often a rule-based reward would be wrong about a
    correct response (the reference has no short form, or a wrong one), unfiltered and filtered."""
    entries = build_pool(pool)
    kept = [e for e in entries if e.kept]

    def share(es, pred) -> float:
        return sum(map(pred, es)) / max(1, len(es))

    def misleading(e) -> bool:  # the rule cannot grade a correct response as correct
        return not task.same_answer(short_form(e.problem.reference), e.problem.answer)

    def wrong(e) -> bool:
        return e.problem.intended != e.problem.answer

    return {
        "pool_prompts": float(len(entries)),
        "kept_prompts": float(len(kept)),
        "kept_fraction": len(kept) / max(1, len(entries)),
        "kept_responses": float(sum(len(e.agreeing) for e in kept)),
        "rule_misleading_unfiltered": share(entries, misleading),
        "rule_misleading_filtered": share(kept, misleading),
        "wrong_reference_unfiltered": share(entries, wrong),
        "wrong_reference_filtered": share(kept, wrong),
    }


def draw_prompts(pool: NoisyPool, n: int, *, filtered: bool, seed: int) -> list[ReferencedProblem]:
    """`n` distinct prompts of the pool (all of it, or the filtered part), drawn with `seed`: §5.2 trains both prompt
    sets on the same number of prompts (30k)."""
    from suite.errors import UserError

    probs = pool_problems(pool, filtered=filtered)
    if n > len(probs):
        raise UserError(f"{n} RL prompts asked of a {'filtered' if filtered else 'unfiltered'} pool of "
                        f"{len(probs)}; lower n_train or raise the pool's per_family", where="recipe n_train")
    return random.Random(f"pool-draw|{seed}").sample(probs, n)


# --- The model-based verifier's settings (trained by suite.tiny.judge) ----------------------------------------------

@dataclass(frozen=True)
class JudgeConfig:
    """A judge trained in the tiny world (App. E.6's role): it reads the last `tail` words of the reference solution
    and of the response, and says whether the response's final answer agrees with the reference (a TinyGPT trunk with
    a scalar head read at the last position, trained with binary cross-entropy on generated pairs)."""

    pool: NoisyPool = field(default_factory=NoisyPool)  # how references are written (forms, noise)
    tail: int = 20  # words read from the end of each text (the paper's judge reads the last 20 lines)
    truncated_rate: float = 0.1  # training responses cut before their answer (a response that ran out of tokens)
    wrong_rate: float = 0.3  # training responses whose final answer is replaced by a wrong one
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    steps: int = 3000
    batch_size: int = 64
    lr: float = 3e-3
    warmup_steps: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_pairs: int = 2000  # held-out pairs (held-out problems) for the error profile
    threshold: float = 0.5  # probability above which the judge says "correct"
    log_every: int = 50

    def __post_init__(self):
        from suite.errors import UserError

        for f in ("tail", "n_layer", "n_head", "n_embd", "steps", "batch_size", "eval_pairs", "log_every"):
            if getattr(self, f) < 1:
                raise UserError(f"JudgeConfig.{f} must be >= 1, got {getattr(self, f)}")
        for f in ("truncated_rate", "wrong_rate"):
            if not 0.0 <= getattr(self, f) <= 1.0:
                raise UserError(f"JudgeConfig.{f} must be a probability in [0, 1], got {getattr(self, f)}")
        if not 0.0 < self.threshold < 1.0:
            raise UserError(f"JudgeConfig.threshold must be in (0, 1), got {self.threshold}")
        if not self.lr > 0:
            raise UserError(f"JudgeConfig.lr must be > 0, got {self.lr}")
