"""The tiny world's task: problem families, their splits, and the verifier.

Families (all answers are one integer in 0..NMAX, written `\\boxed{N}`):
- `solve` (in-domain, the search world's family): `solve x * 3 + 4 = 19 ?` — find x in 0..9 (b in 0..19,
  t <= NMAX); difficulty = the multiplier a (2..5). A search task: a trace guesses x, computes, compares with the
  target and narrows (`traces.py`).
- `chain` (in-domain): `chain 12 + 7 - 3 + 5 ?` — apply k = difficulty (2..4 by default) operations of +/- 1..9
  left to right; every intermediate value stays in 0..CHAIN_MAX (29).
- `mixchain` (out-of-domain): `chain 3 * 4 + 5 - 2 ?` — a chain whose first operation is a multiplication by 2..5.
  Same prompt word as `chain`, new structure: needs `solve`'s multiplication facts inside `chain`'s procedure.
- `seek` (in-domain, the headroom world's family): `seek x < 30 : x * 3 + 7 = 52 ?` — find x in 0..R-1, where the
  range R (10, 20, 30 or 40) is the difficulty and is stated in the prompt; a in 2..3, b in 0..19. A wider range
  needs more tries of a guess-check-narrow search, so the hardest problems need more tries than a tiny generation
  limit holds (docs/tiny_world.md, "The headroom world").
- `seekswap` (out-of-domain for `seek`): `seek x < 30 : 7 + 3 * x = 52 ?` — the same equations with the terms
  written the other way round: the same skills (multiplication and addition facts, comparison, search), another
  surface. It shares `seek`'s held-out equations, so its held-out problems are never trained on in either form.

Splits cannot be memorised: every problem has a content hash; `heldout` problems come from hash buckets that
training never draws from.

How a problem is answered (trace styles, noise, parsing a response) lives in `traces.py`.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from suite.tiny.tokenizer import SPECIALS, TinyTokenizer

NMAX = 49  # the first world's families (chain, solve, mixchain) keep every number in 0..NMAX
CHAIN_MAX = 29  # chain values stay in 0..CHAIN_MAX: ~500 +/- facts, hard enough that a 0.1M model slips
SEEK_RANGES = (10, 20, 30, 40)  # `seek` difficulty: x in 0..R-1, R stated in the prompt
SEEK_A = (2, 3)  # multipliers
SEEK_B_MAX = 19  # offsets 0..19
NUM_MAX = max(SEEK_RANGES) * max(SEEK_A) + SEEK_B_MAX  # 139: numbers 0..NUM_MAX are single tokens
FAMILIES = ("chain", "solve", "mixchain", "seek", "seekswap")
WORDS = (
    "chain", "solve", "x", "*", "+", "-", "=", "?", "<", ">", ",", ":", "try", "answer", "\\boxed{", "}",
    "check", "ok", "X", "V", "wait", "so", "alternatively,", "clarify", "decompose", "step", "reflect", "fine", "ops",
)
SEEK_FAMILIES = ("seek", "seekswap")
SEEK_WORDS = ("seek", "recheck")


def vocabulary(families: Iterable[str] = FAMILIES) -> list[str]:
    """The word list of a model that sees `families`: specials first (pad=0, bos=1, eos=2, unk=3), then words, then
    numbers. The first world's families (chain, solve, mixchain) keep their original vocabulary (numbers 0..NMAX), so
    their models and results are unchanged by the `seek` families, which add two words and numbers up to NUM_MAX."""
    families = tuple(families)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown families {unknown}; known: {FAMILIES}")
    seek = any(f in SEEK_FAMILIES for f in families)
    words = (*WORDS, *SEEK_WORDS) if seek else WORDS
    return [*SPECIALS, *words, *(str(n) for n in range((NUM_MAX if seek else NMAX) + 1))]


def make_tokenizer(families: Iterable[str] = FAMILIES) -> TinyTokenizer:
    """The tokenizer of a model that sees `families` (default: every family; decoding only needs a superset)."""
    return TinyTokenizer(vocabulary(families))


@dataclass(frozen=True)
class Problem:
    family: str
    prompt: str  # the words after <bos>, e.g. "chain 12 + 7 - 3 ?"
    answer: str  # the reference answer as the grader reads it, e.g. "16"
    difficulty: int
    ops: tuple = field(default=(), compare=False)  # chain: ((op, operand), ...) after `start`; solve: (a, b, t)
    start: int = field(default=0, compare=False)  # chain: the first number

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.family}|{self.prompt}".encode()).hexdigest()

    @property
    def split_key(self) -> str:
        """What decides the split: the content hash, except for the `seek` families, whose split follows the equation
        alone, so that a held-out equation is held out under every range R and in both surface forms."""
        if self.family in SEEK_FAMILIES:
            return hashlib.sha256(f"seek|{self.ops}".encode()).hexdigest()
        return self.key


# --- Problem generators -----------------------------------------------------------------------------------------------

def apply_op(op: str, a: int, b: int) -> int:
    return a + b if op == "+" else a - b if op == "-" else a * b


def _chain(rng: random.Random, k: int, first_mul: bool) -> Problem:
    while True:
        if first_mul:
            v = rng.randint(1, 9)
            m = rng.randint(2, 5)
            ops = [("*", m)]
            v2 = v * m
            if v2 > CHAIN_MAX:
                continue
            start, cur = v, v2
        else:
            start = cur = rng.randint(0, CHAIN_MAX)
            ops = []
        ok = True
        for _ in range(k - len(ops)):
            candidates = [(op, n) for op in "+-" for n in range(1, 10) if 0 <= apply_op(op, cur, n) <= CHAIN_MAX]
            if not candidates:
                ok = False
                break
            op, n = rng.choice(candidates)
            ops.append((op, n))
            cur = apply_op(op, cur, n)
        if ok:
            prompt = "chain " + str(start) + "".join(f" {op} {n}" for op, n in ops) + " ?"
            family = "mixchain" if first_mul else "chain"
            return Problem(family, prompt, str(cur), k, tuple(ops), start)


def _solve(rng: random.Random, a: int) -> Problem:
    while True:
        x, b = rng.randint(0, 9), rng.randint(0, 19)
        t = x * a + b
        if t <= NMAX:
            return Problem("solve", f"solve x * {a} + {b} = {t} ?", str(x), a, (a, b, t))


def _seek(rng: random.Random, r: int, swap: bool) -> Problem:
    x, a, b = rng.randrange(r), rng.choice(SEEK_A), rng.randint(0, SEEK_B_MAX)
    t = x * a + b
    eq = f"{b} + {a} * x" if swap else f"x * {a} + {b}"
    return Problem("seekswap" if swap else "seek", f"seek x < {r} : {eq} = {t} ?", str(x), r, (a, b, t))


DEFAULT_DIFFICULTY = {"chain": (2, 4), "solve": (2, 5), "mixchain": (2, 4), "seek": SEEK_RANGES,
                      "seekswap": SEEK_RANGES}


def sample_problem(family: str, rng: random.Random, difficulty: int | None = None) -> Problem:
    if family in SEEK_FAMILIES:
        r = difficulty if difficulty is not None else rng.choice(SEEK_RANGES)
        if r not in SEEK_RANGES:
            raise ValueError(f"{family} difficulty (the range R) must be one of {SEEK_RANGES}, got {r}")
        return _seek(rng, r, swap=family == "seekswap")
    lo, hi = DEFAULT_DIFFICULTY[family]
    d = difficulty if difficulty is not None else rng.randint(lo, hi)
    if family == "chain":
        return _chain(rng, d, first_mul=False)
    if family == "mixchain":
        return _chain(rng, d, first_mul=True)
    if family == "solve":
        return _solve(rng, d)
    raise ValueError(f"unknown family {family!r}; known: {FAMILIES}")


# --- Splits -----------------------------------------------------------------------------------------------------------

# Of 100 hash buckets, the first HELDOUT_BUCKETS[family] are held out (eval only), the rest are for training. `solve`
# has only ~750 distinct problems, so it holds out a larger share; `seek` has 1,600 equations (4,000 problems over
# its four ranges), of which a quarter are held out.
HELDOUT_BUCKETS = {"chain": 5, "solve": 20, "mixchain": 5, "seek": 25, "seekswap": 25}
TRAIN_POOL = {"solve": 500}  # of ~600 distinct training-split `solve` problems; SFT draws at most this many
#: held-out problems an evaluation draws at most per family: `solve` has 160 distinct held-out problems (of 762)
EVAL_CAP = {"solve": 128}


def eval_size(family: str, n: int) -> int:
    """How many held-out problems of `family` an evaluation asking for `n` draws: n, capped by EVAL_CAP."""
    return min(n, EVAL_CAP.get(family, n))


def eval_problems(family: str, n: int, seed: int) -> list[Problem]:
    """The held-out problems an evaluation of `family` asking for `n` scores: `eval_size` of them, a pure function of
    the arguments (SFT and RL evaluations with the same seed score the same problems)."""
    return make_split(family, "heldout", eval_size(family, n), seed=seed)


def split_of(problem: Problem) -> str:
    return "heldout" if int(problem.split_key[:8], 16) % 100 < HELDOUT_BUCKETS[problem.family] else "train"


def make_split(family: str, split: str, n: int, seed: int, difficulty: int | None = None) -> list[Problem]:
    """n distinct problems of `family` from `split` ("train" or "heldout"), a pure function of the arguments.

    `solve` has only a few hundred distinct problems; asking for more than exist raises ValueError.
    """
    if split not in ("train", "heldout"):
        raise ValueError(f"split must be 'train' or 'heldout', not {split!r}")
    rng = random.Random(f"{family}|{split}|{seed}|{difficulty}")
    seen: dict[str, Problem] = {}
    tries = 0
    while len(seen) < n:
        tries += 1
        if tries > 200 * n + 10_000:
            raise ValueError(f"could not draw {n} distinct {family}/{split} problems (got {len(seen)})")
        p = sample_problem(family, rng, difficulty)
        if split_of(p) == split and p.key not in seen:
            seen[p.key] = p
    return list(seen.values())


# --- Verifier ---------------------------------------------------------------------------------------------------------

_INT = re.compile(r"-?\d+")


def extract(response_text: str) -> str | None:
    """The content of the last `\\boxed{...}` (via the suite's extractor), stripped; None if absent."""
    from suite.verify.extract import extract_answer

    got = extract_answer(response_text)
    return None if got is None else got.strip()


def same_answer(got: str | None, reference: str | None) -> bool:
    """Both are integers (an extracted answer, a reference's) and equal; None or a non-integer is never equal."""
    return (got is not None and reference is not None and _INT.fullmatch(got) is not None
            and _INT.fullmatch(reference) is not None and int(got) == int(reference))


def verify(problem: Problem, response_text: str) -> bool:
    """Programmatic grader: the last boxed answer equals the reference integer."""
    return same_answer(extract(response_text), problem.answer)
