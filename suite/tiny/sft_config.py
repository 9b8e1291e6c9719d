"""`SFTConfig`: every hyperparameter of tiny-world SFT, with its default and why.

Kept apart from `sft.py` (which imports torch) so that experiment declarations can build recipes without loading
torch; `suite.tiny.sft.SFTConfig` is the same class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suite.recipes.base import OMIT_AT_DEFAULT
from suite.tiny.verifiers import NoisyPool


@dataclass(frozen=True)
class SFTConfig:
    """Defaults are the search world's SFT recipe (docs/tiny_world.md, "The search world"): `solve` only,
    guess-check-narrow traces with give-ups, four independent traces per problem over the whole training pool."""

    # data
    families: tuple[str, ...] = ("solve",)  # in-domain training families (task.FAMILIES)
    ood_families: tuple[str, ...] = ()  # evaluated, never trained on (e.g. ("mixchain",) next to ("chain",))
    style: str = "search"  # traces.ALL_STYLES: direct | short | long | constructed | search
    n_train: int = 500  # problems per family (`solve` is capped at task.TRAIN_POOL["solve"] = 500, its whole pool)
    traces_per_problem: int = 4  # independent traces per training problem: one reached 0.49 held-out, four 0.79
    slip_rate: float = 0.3  # per-step slip probability in emergent `long` traces (each slip is caught and corrected)
    give_up_rate: float = 0.25  # `search` style: chance of stopping after each failed check with an unchecked guess
    recheck_rate: float = 0.0  # `search` in `seek`: chance of rechecking a try (catches a slipped false success)
    wrong_answer_rate: float = 0.0  # share of traces whose final answer is replaced by a wrong one (noisy references)
    web_fraction: float = 0.0  # share of extra "web-like" examples (other families, unfiltered, 30% wrong)
    web_families: tuple[str, ...] = ("solve",)
    #: a fixed number of web-like examples (one unfiltered response of a random style to a training problem of a
    #: `web_families` family, 30% wrong), added to the n_train x traces_per_problem clean ones; with n_train = 0 the
    #: data is web-like only (§5.1's 100% WebInstruct arm)
    web_examples: int = field(default=0, metadata=OMIT_AT_DEFAULT)
    #: filtered noisy web data (Takeaway 5.2's SFT start): the teacher's responses that agree with the reference of
    #: every prompt the pool's filter keeps (suite.tiny.verifiers), in place of the n_train x traces_per_problem
    #: examples (set n_train = 0); `families` must be the pool's, so that the model is evaluated on them
    web_pool: NoisyPool | None = field(default=None, metadata=OMIT_AT_DEFAULT)
    # model (~0.1M params: the feasibility study's 0.2M point trains at ~20k tokens/s on one thread)
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    block_size: int = 256
    # optimisation
    steps: int = 1500
    batch_size: int = 32
    lr: float = 3e-3  # tiny models tolerate (and need) a high LR to learn arithmetic facts within ~1k steps
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    warmup_steps: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    # evaluation
    eval_every: int = 250
    eval_n: int = 128  # held-out problems per family
    eval_temperature: float = 0.7
    eval_top_p: float = 0.95
    eval_max_new_tokens: int = 160
    log_every: int = 10  # sft_loss curve resolution

    @property
    def vocabulary_families(self) -> tuple[str, ...]:
        """The families whose words a model trained on this config has: trained, evaluated and web-like ones."""
        return self.families + self.ood_families + (self.web_families if self.web_fraction or self.web_examples else ())

    def __post_init__(self):
        from suite.errors import UserError
        from suite.recipes.base import validate_fields
        from suite.tiny.task import FAMILIES
        from suite.tiny.traces import ALL_STYLES

        if self.style not in ALL_STYLES:
            raise UserError(f"SFTConfig.style must be one of {', '.join(ALL_STYLES)}, got {self.style!r}")
        for f in ("families", "ood_families", "web_families"):
            unknown = [x for x in getattr(self, f) if x not in FAMILIES]
            if unknown:
                raise UserError(f"SFTConfig.{f} has unknown families {unknown}; known: {', '.join(FAMILIES)}")

        for f in ("traces_per_problem", "steps", "batch_size", "eval_every", "eval_n"):
            if getattr(self, f) < 1:
                raise UserError(f"SFTConfig.{f} must be >= 1, got {getattr(self, f)}")
        if self.web_examples < 0:
            raise UserError(f"SFTConfig.web_examples must be >= 0, got {self.web_examples}")
        if self.n_train < (0 if self.web_examples or self.web_pool else 1):
            raise UserError("SFTConfig.n_train must be >= 1 (or 0 with web_examples > 0 or a web_pool), got "
                            f"{self.n_train}")
        if self.web_pool is not None and set(self.web_pool.families) != set(self.families):
            raise UserError(f"SFTConfig.web_pool.families {self.web_pool.families} must be SFTConfig.families "
                            f"{self.families}")
        for f in ("slip_rate", "give_up_rate", "recheck_rate", "wrong_answer_rate", "web_fraction"):
            if not 0.0 <= getattr(self, f) <= 1.0:
                raise UserError(f"SFTConfig.{f} must be a probability in [0, 1], got {getattr(self, f)}")
        for f in ("n_layer", "n_head", "n_embd", "block_size", "log_every", "eval_max_new_tokens"):
            if getattr(self, f) < 1:
                raise UserError(f"SFTConfig.{f} must be >= 1, got {getattr(self, f)}")
        validate_fields(self)  # every field of its annotated type, every number finite
        if self.steps > MAX_SFT_STEPS:
            raise UserError(f"SFTConfig.steps must be <= {MAX_SFT_STEPS:,}, got {self.steps:,}")
        for f in ("lr", "eval_temperature"):
            if not getattr(self, f) > 0:
                raise UserError(f"SFTConfig.{f} must be > 0, got {getattr(self, f)}")
        if not 0 < self.eval_top_p <= 1:
            raise UserError(f"SFTConfig.eval_top_p must be in (0, 1], got {self.eval_top_p}")
        for f in ("min_lr_ratio", "warmup_steps", "weight_decay", "grad_clip"):
            if not getattr(self, f) >= 0:
                raise UserError(f"SFTConfig.{f} must be >= 0, got {getattr(self, f)}")


#: The longest SFT run a tiny recipe accepts (the default is 1,500 steps): a guard against typos such as steps=1e9.
MAX_SFT_STEPS = 1_000_000

#: The search world's SFT recipe, named: the defaults. In a single-seed trial one trace per problem reached 0.49
#: held-out at 1,500 steps (0.55 at 3,000), four traces 0.79.
SEARCH_SFT = SFTConfig()

#: The headroom world's SFT recipe (docs/tiny_world.md, "The headroom world"): `seek` x in 0..R-1 with R up to 40,
#: searched by guess-check-narrow tries that slip now and then (a false `V`), recheck sometimes (which catches such a
#: slip) and give up after a failed check with probability 0.15; `seekswap` (the same equations, terms swapped) is
#: evaluated out of domain. The teacher's own traces are right ~51% of the time (mean 74 tokens).
HEADROOM_SFT = SFTConfig(
    families=("seek",),
    ood_families=("seekswap",),
    n_train=2000,  # of ~3,000 distinct training-split `seek` problems (1,200 equations x 4 ranges, minus repeats)
    traces_per_problem=2,
    slip_rate=0.1,
    give_up_rate=0.15,
    recheck_rate=0.15,  # a recheck costs a try's tokens; at 0.3 the SFT policy's mean length was 110 of 160 tokens
    block_size=384,  # the longest teacher traces (no give-up over R = 40) run to ~370 tokens
    eval_max_new_tokens=160,
)
