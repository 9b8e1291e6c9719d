"""Takeaway 5.2's verifiers on real model outputs: the judge's and the rule's error profiles on the responses the RL
start model (`sft_init`) gave to held-out problems, each problem given a raw reference the pool's way.

The judge's own scalars (the `judge` arm) are measured on generated pairs; here its inputs are responses a trained
policy wrote, which nobody wrote for the test. For each seed: the seed's judge and the seed's `sft_init` final held-out
responses (`final_responses.json`, 512 problems per family); one reference per problem, drawn with a fixed generator in
the pool's forms; labels as the judge is trained on them (agreement with the reference's intended answer) and the truth.

    python -m studies.verifier_profile --run runs/tiny [--out FILE.md]
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from studies.runs import main_guard, table_main, replan
from suite import runner
from suite.tiny import task
from suite.tiny.verifiers import FORMS, reference_solution, rule_verify

FINDING = "takeaway-5.2"


def _rates(pred: list[bool], label: list[bool]) -> dict[str, float]:
    neg = [p for p, y in zip(pred, label) if not y]
    pos = [p for p, y in zip(pred, label) if y]
    return {"accuracy": sum(p == y for p, y in zip(pred, label)) / len(label),
            "false_positive_rate": sum(neg) / max(1, len(neg)),
            "false_negative_rate": sum(not p for p in pos) / max(1, len(pos)), "n": len(label),
            "positives": len(pos)}


def profile(run_dir: Path) -> list[dict]:
    """One row per (seed, verifier, against): the error rates on the sft_init's held-out responses."""
    from suite.tiny.judge import JUDGE_DIR, JudgeVerifier
    from suite.tiny.recipes import FINAL_RESPONSES
    from suite.tiny.sft import eval_sets

    _, plan = replan(run_dir, ids=[FINDING])
    pe = plan.experiments[0]
    recipes = {arm: plan.recipes[h] for arm, h in pe.arm_hashes.items()}  # as the run ran them (overrides included)
    layout = runner.RunLayout(run_dir)
    sft_cfg = recipes["sft_init"].sft
    sets = eval_sets(sft_cfg)
    rows = []
    for seed in pe.seeds:
        judge = JudgeVerifier(layout.workdir(pe.arm_hashes["judge"], seed) / JUDGE_DIR)
        records = json.loads((layout.workdir(pe.arm_hashes["sft_init"], seed) / FINAL_RESPONSES).read_text())
        rng = random.Random(f"verifier-profile|{seed}")
        refs, texts = [], []
        for fam in sft_cfg.families:  # the pool's families (the held-out responses of seekswap have no pool form)
            for p, rec in zip(sets[fam], records[fam]):
                refs.append(reference_solution(p, rng, recipes["judge"].judge.pool))
                texts.append(rec["text"])
        label = [task.same_answer(task.extract(t), r.intended) for r, t in zip(refs, texts)]
        truth = [task.same_answer(task.extract(t), r.answer) for r, t in zip(refs, texts)]
        verdicts = {"judge": judge.batch(refs, texts), "rule": [rule_verify(r, t) for r, t in zip(refs, texts)]}
        for name, pred in verdicts.items():
            for against, y in (("reference", label), ("truth", truth)):
                rows.append({"seed": seed, "verifier": name, "against": against, **_rates(pred, y)})
            for form in FORMS:
                idx = [i for i, r in enumerate(refs) if r.form == form]
                rows.append({"seed": seed, "verifier": name, "against": f"reference ({form} form)",
                             **_rates([pred[i] for i in idx], [label[i] for i in idx])})
    return rows


def to_markdown(rows: list[dict]) -> str:
    import numpy as np

    keys = sorted({(r["verifier"], r["against"]) for r in rows}, key=lambda k: (k[0], len(k[1]), k[1]))
    lines = ["| verifier | against | n per seed | accuracy | false positive rate | false negative rate |",
             "|---|---|---|---|---|---|"]
    for v, a in keys:
        rs = [r for r in rows if r["verifier"] == v and r["against"] == a]

        def ms(k):
            x = np.array([r[k] for r in rs])
            return f"{x.mean():.3f} ± {x.std(ddof=1) if len(x) > 1 else 0:.3f}"

        lines.append(f"| {v} | {a} | {rs[0]['n']} | {ms('accuracy')} | {ms('false_positive_rate')} | "
                     f"{ms('false_negative_rate')} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    table_main(__doc__, lambda run: to_markdown(profile(run)), argv,
               run_help="a finished run with takeaway-5.2 at tiny")


if __name__ == "__main__":
    main_guard(main)
