"""Recipes of the tiny world: the bridge from experiment declarations to `train_sft` / `train_rl`.

A tiny recipe wraps the engine's own frozen config (every hyperparameter, with its reason, lives there), so a
declaration reads `TinySFTRecipe(replace(SFT_BASE, style="short", n_train=500))` and `--set sft.steps=300` reaches
the engine's field with its type checked. An RL recipe names the SFT recipe it starts from; the runner trains that
once per seed and hands its checkpoint over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from suite.recipes.base import OMIT_AT_DEFAULT, JobContext, Recipe
from suite.tiny.rl.config import RLConfig
from suite.tiny.sft_config import SFTConfig
from suite.tiny.verifiers import JudgeConfig, NoisyPool


FINAL_RESPONSES = "final_responses.json"  # in an SFT job's workdir: {family: [response record, ...]}
TRAIN_TIMING = "train_timing.json"  # in an SFT job's workdir: wall time, train time, train tokens/s


@dataclass(frozen=True)
class OnDevice(Recipe):
    """A tiny-engine recipe runs on a torch `device`: "cpu" (the tiny scale; left out of the hash there, so the hashes
    stored before the field existed still hold) or "cuda" (the gpu scale)."""

    device: str = field(default="cpu", metadata=OMIT_AT_DEFAULT, kw_only=True)

    def __post_init__(self) -> None:
        super().__post_init__()
        check_device(self.device, f"recipe {type(self).__name__}")

    def check_runnable(self) -> None:
        require_device(self.device)


@dataclass(frozen=True)
class TinySFTRecipe(OnDevice):
    """Supervised fine-tuning from scratch on tiny-world traces (`suite.tiny.sft.train_sft`)."""

    kind: ClassVar[str] = "tiny-sft"
    sft: SFTConfig = field(default_factory=SFTConfig)
    #: start from this SFT job's model (e.g. a base model pretrained on the task language, §6.4) instead of a fresh
    #: draw; the runner trains it first, once per seed
    init: TinySFTRecipe | None = field(default=None, metadata=OMIT_AT_DEFAULT)

    def dependencies(self):
        return {"init": self.init} if self.init is not None else {}

    def run(self, seed: int, ctx: JobContext) -> dict:
        from suite.atomic import write_json_atomic
        from suite.tiny.sft import train_sft

        require_device(self.device)
        start = ctx.dependencies["init"] / "checkpoint" if self.init is not None else None
        out = train_sft(self.sft, seed, ctx.workdir, progress=lambda step, _: ctx.report(step, self.sft.steps),
                        device=self.device, init_checkpoint=start)
        # artifacts beside the checkpoint, for studies and for a person who wants to read the policy's answers:
        # the final evaluation's responses (deterministic) and the training throughput (wall-clock, so not a metric)
        write_json_atomic(ctx.workdir / FINAL_RESPONSES, out["records"])
        write_json_atomic(ctx.workdir / TRAIN_TIMING, out["timing"])
        return {"scalars": {**out["scalars"], **family_summary(out["scalars"])}, "curves": out["curves"]}


@dataclass(frozen=True)
class TinyJudgeRecipe(OnDevice):
    """A model-based verifier trained in the tiny world (`suite.tiny.judge.train_judge`): its scalars are its error
    profile on held-out (reference, response) pairs; RL recipes with `verifier="model"` load its checkpoint."""

    kind: ClassVar[str] = "tiny-judge"
    judge: JudgeConfig = field(default_factory=JudgeConfig)

    def run(self, seed: int, ctx: JobContext) -> dict:
        from suite.tiny.judge import train_judge

        require_device(self.device)
        return train_judge(self.judge, seed, ctx.workdir, progress=lambda step, _: ctx.report(step, self.judge.steps),
                           device=self.device)


def family_summary(scalars: dict) -> dict:
    """The mean and the (population) standard deviation of the per-family held-out accuracies
    (`heldout_accuracy/<family>`) in `scalars`, when there are at least two families; else nothing."""
    import statistics

    from suite.metrics import names as M

    accs = [v for k, v in sorted(scalars.items()) if k.startswith("heldout_accuracy/")]
    if len(accs) < 2:
        return {}
    return {M.FAMILY_ACCURACY_MEAN: sum(accs) / len(accs), M.FAMILY_ACCURACY_SPREAD: statistics.pstdev(accs)}


def check_device(device: str, where: str) -> None:
    """A recipe's device is "cpu", "cuda" or "cuda:N"."""
    import re

    from suite.errors import UserError

    if not re.fullmatch(r"cpu|cuda(:\d+)?", device):
        raise UserError(f"device must be 'cpu', 'cuda' or 'cuda:N', got {device!r}", where=where)


def require_device(device: str) -> None:
    """Refuse to start a job on a CUDA device this machine does not have (a clear error, not a CUDA traceback)."""
    if not device.startswith("cuda"):
        return
    import torch

    from suite.errors import UserError

    index = int(device.partition(":")[2] or 0)
    if not torch.cuda.is_available() or index >= torch.cuda.device_count():
        raise UserError(f"this recipe runs on {device!r}, but torch {torch.__version__} sees "
                        f"{torch.cuda.device_count() if torch.cuda.is_available() else 'no'} CUDA device(s); run it "
                        "where one is, or on the CPU with --device cpu",
                        where="recipe device")


#: `longcot run --smoke`: the `--set` overrides that shrink every tiny recipe to a run of seconds (SFT of 20 steps on 40
#: problems, RL of 8 steps of 8 prompts, held-out evaluation on 16 problems). A smoke run checks that a finding runs
#: end to end and that every check reaches a verdict; its numbers mean nothing (against the stored reference, made with
#: the full recipes, it deviates or is inconclusive).
#: Each override reaches the recipes that have its field: `sft.*` an SFT arm, `init.sft.*` an RL recipe's SFT start
#: (or an SFT arm's base model), `init.init.sft.*` the base model under an RL recipe's SFT start, `judge.*` a judge arm
#: and `judge.judge.*` an RL recipe's judge.
_SMOKE_SFT = {"steps": "20", "eval_every": "20", "eval_n": "8", "n_train": "40", "traces_per_problem": "1"}
SMOKE_OVERRIDES = {
    **{f"{prefix}sft.{k}": v for prefix in ("", "init.", "init.init.") for k, v in _SMOKE_SFT.items()},
    "n_train": "32", "rl.steps": "8", "rl.eval_every": "4", "rl.eval_size": "16",
    # a judge (an arm of its own, or an RL recipe's `judge`): 20 steps, error profile on 64 pairs
    **{f"{prefix}judge.{k}": v for prefix in ("", "judge.") for k, v in (("steps", "20"), ("eval_pairs", "64"))},
}

#: RL training prompts per family at most (500 unless named): `seek` has ~3,000 distinct training problems.
RL_PROMPT_CAP = {"seek": 2500, "seekswap": 2500}


def rl_problem_sets(families: tuple[str, ...], n_train: int, n_eval: int, *, seed: int = 2) -> tuple[list, list]:
    """RL training prompts from the SFT families (equal shares of n_train, at most RL_PROMPT_CAP per family: `solve`
    has only ~600 distinct training problems) and held-out problems from hash buckets training never draws from."""
    from suite.tiny import task

    train, heldout = [], []
    for f in families:
        share = n_train // len(families)
        train += task.make_split(f, "train", min(RL_PROMPT_CAP.get(f, 500), share), seed=seed)
        heldout += task.eval_problems(f, n_eval // len(families), seed=seed)
    return train, heldout


@dataclass(frozen=True)
class TinyRLRecipe(OnDevice):
    """RL from a tiny SFT checkpoint (`suite.tiny.rl.train.train_rl`): PPO as the paper ran it, or a variant.

    The SFT recipe is a dependency: the runner trains it once per seed (shared by every RL arm that names the same
    SFT recipe) and this job starts from its `checkpoint/`.
    """

    kind: ClassVar[str] = "tiny-rl"
    rl: RLConfig
    init: TinySFTRecipe = field(default_factory=TinySFTRecipe)
    n_train: int = 1000  # RL training prompts, split equally over the RL families
    problem_seed: int = 2
    #: the families RL trains and is evaluated on during training (default: the SFT families), e.g. ("seek",) after
    #: an SFT that also saw other families (§5.1: RL on MATH after SFT on MATH + WebInstruct)
    rl_families: tuple[str, ...] = field(default=(), metadata=OMIT_AT_DEFAULT)
    #: families the final policy is also evaluated on (eval_size held-out problems each, the evaluation protocol):
    #: scalars heldout_accuracy/<family>, and ood_accuracy over those outside the SFT families
    eval_families: tuple[str, ...] = field(default=(), metadata=OMIT_AT_DEFAULT)
    #: noisy verifiable prompts (Takeaway 5.2): RL draws its n_train prompts, with their raw reference solutions, from
    #: this pool (every prompt, or with `filtered` those the pool's filter keeps), instead of from the clean split
    prompt_pool: NoisyPool | None = field(default=None, metadata=OMIT_AT_DEFAULT)
    filtered: bool = field(default=False, metadata=OMIT_AT_DEFAULT)
    #: what grades the training rollouts: "truth" (the task's verifier), "rule" (the response's boxed answer against
    #: the reference's, `verifiers.rule_verify`) or "model" (the trained `judge`); held-out evaluation is always truth
    verifier: str = field(default="truth", metadata=OMIT_AT_DEFAULT)
    judge: TinyJudgeRecipe | None = field(default=None, metadata=OMIT_AT_DEFAULT)

    def __post_init__(self) -> None:
        super().__post_init__()
        from suite.errors import UserError
        from suite.tiny.task import FAMILIES

        if self.verifier not in ("truth", "rule", "model"):
            raise UserError(f"TinyRLRecipe.verifier must be 'truth', 'rule' or 'model', got {self.verifier!r}")
        if self.verifier != "truth" and self.prompt_pool is None:
            raise UserError(f"TinyRLRecipe.verifier = {self.verifier!r} grades against reference solutions: it needs "
                            "a prompt_pool")
        if (self.verifier == "model") != (self.judge is not None):
            raise UserError("TinyRLRecipe: verifier = 'model' needs a judge, and a judge is only used by it")
        if self.filtered and self.prompt_pool is None:
            raise UserError("TinyRLRecipe.filtered needs a prompt_pool")
        if self.prompt_pool is not None and self.rl_families and set(self.prompt_pool.families) != set(
                self.rl_families):
            raise UserError(f"TinyRLRecipe: the prompt pool's families {self.prompt_pool.families} must be the RL "
                            f"families {self.rl_families}")

        for name in ("rl_families", "eval_families"):
            unknown = [f for f in getattr(self, name) if f not in FAMILIES]
            if unknown:
                raise UserError(f"TinyRLRecipe.{name} has unknown families {unknown}; known: {', '.join(FAMILIES)}")
        missing = [f for f in self.rl_families + self.eval_families if f not in self.init.sft.vocabulary_families]
        if missing:
            raise UserError(f"TinyRLRecipe: families {missing} are not in the SFT model's vocabulary (its families, "
                            "OOD families and web families)")

    @property
    def train_families(self) -> tuple[str, ...]:
        return self.rl_families or self.init.sft.families

    def dependencies(self):
        return {"init": self.init, **({"judge": self.judge} if self.judge is not None else {})}

    def reward_verifier(self, ctx: JobContext):
        """The training reward's grader (None: the truth)."""
        if self.verifier == "rule":
            from suite.tiny.verifiers import rule_verify

            return rule_verify
        if self.verifier == "model":
            from suite.tiny.judge import JUDGE_DIR, JudgeVerifier

            return JudgeVerifier(ctx.dependencies["judge"] / JUDGE_DIR, device=self.device)
        return None

    def run(self, seed: int, ctx: JobContext) -> dict:
        from suite.tiny import task
        from suite.tiny.rl.train import train_rl
        from suite.tiny.sampling import prompt_ids

        require_device(self.device)
        pool = self.prompt_pool  # noisy prompts come from the pool, held-out problems from the clean split either way
        train, heldout = rl_problem_sets(self.train_families, 0 if pool else self.n_train, self.rl.eval_size,
                                         seed=self.problem_seed)
        if pool is not None:
            from suite.tiny.verifiers import draw_prompts

            train = draw_prompts(pool, self.n_train, filtered=self.filtered, seed=self.problem_seed)
        result = train_rl(self.rl, seed, ctx.dependencies["init"] / "checkpoint", ctx.workdir, train, heldout,
                          task.verify, encode_prompt=prompt_ids,
                          progress=lambda step, _: ctx.report(step, self.rl.steps), device=self.device,
                          reward_verify=self.reward_verifier(ctx))
        scalars = dict(result["scalars"])
        if self.eval_families:
            scalars.update(self.evaluate_final_policy(ctx.workdir / "policy.pt", seed))
            scalars.update(family_summary(scalars))
        return {"scalars": scalars, "curves": result["curves"]}

    def evaluate_final_policy(self, policy_path, seed: int) -> dict:
        """The final policy's held-out accuracy on each of `eval_families` (the SFT evaluation's protocol: one sample
        per problem at the evaluation temperature and top-p, the generation limit of RL), and their OOD mean."""
        from suite.metrics import names as M
        from suite.tiny import task
        from suite.tiny.model import load_checkpoint
        from suite.tiny.sampling import response_statistics, sample_responses

        policy, tok, _ = load_checkpoint(policy_path)
        policy = policy.to(self.device).eval()
        out = {}
        for f in self.eval_families:
            problems = task.eval_problems(f, self.rl.eval_size, seed=self.problem_seed)
            records = sample_responses(policy, tok, problems, temperature=self.rl.eval_temperature,
                                       top_p=self.rl.eval_top_p, max_new_tokens=self.rl.max_new_tokens,
                                       seed=seed + 7919 * self.rl.steps)
            out[f"heldout_accuracy/{f}"] = response_statistics(records)["accuracy"]
        ood = [out[f"heldout_accuracy/{f}"] for f in self.eval_families if f not in self.init.sft.families]
        if ood:
            out[M.OOD_ACCURACY] = sum(ood) / len(ood)
        return out
