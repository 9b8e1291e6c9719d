"""The four benchmarks as lm-eval tasks (YAML + `utils.py` hooks calling `suite.verify`).

Use: `lm_eval --include_path $(python -c "import suite.lm_eval_tasks as t, os; print(os.path.dirname(t.__file__))")
--tasks longcot_math500,longcot_aime24,longcot_theoremqa,longcot_mmlu_pro_1k ...`. `TASK_DIR` is that directory.

The shipped tasks read the hub and generate up to the paper's 16,384 tokens. `write_task_overlays` (the command
`longcot lm-eval-tasks`) writes tasks of the same names that include the shipped ones and change only what is asked:
the data (local `<benchmark>.jsonl` files, so lm-eval runs offline) and the generation limit (for a model whose context
is shorter than 16,384 new tokens plus the prompt).
"""

from __future__ import annotations

import re
from pathlib import Path

TASK_DIR = Path(__file__).resolve().parent
TASKS = ("longcot_math500", "longcot_aime24", "longcot_theoremqa", "longcot_mmlu_pro_1k")

#: task -> the suite's benchmark name, the `<benchmark>.jsonl` of a data directory (`longcot eval --data-dir`)
BENCHMARK_OF = {"longcot_math500": "math500", "longcot_aime24": "aime24", "longcot_theoremqa": "theoremqa",
                "longcot_mmlu_pro_1k": "mmlu_pro_1k"}

#: the shipped generation settings (longcot_math500.yaml, which the other tasks include): the paper's protocol, §2.5
PAPER_MAX_GEN_TOKS = 16384


def _field(task: str, key: str) -> str:
    """A top-level scalar of a shipped task file, following its `include` (the files use lm-eval's `!function` tags,
    which a plain YAML loader refuses, so the two keys read here are matched line by line)."""
    path = TASK_DIR / f"{task}.yaml"
    while True:
        text = path.read_text()
        m = re.search(rf"^{key}:\s*(\S+)\s*$", text, re.M)
        if m:
            return m.group(1)
        inc = re.search(r"^include:\s*(\S+)\s*$", text, re.M)
        if not inc:
            raise KeyError(f"{key} not found in {path}")
        path = TASK_DIR / inc.group(1)


def write_task_overlays(out: Path, *, tasks: tuple[str, ...] = TASKS, data_dir: Path | None = None,
                        max_gen_toks: int | None = None) -> list[Path]:
    """Write one `<task>.yaml` per task into `out`, each including the shipped task and overriding its data source
    (`data_dir`/<benchmark>.jsonl, read by the `json` builder of `datasets`, so no hub access) and/or its
    `max_gen_toks`. Returns the files written. Raises UserError for a missing data file or a bad limit."""
    from suite.atomic import write_text_atomic
    from suite.errors import UserError

    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        raise UserError(f"unknown task(s) {unknown}; known: {', '.join(TASKS)}", where="--tasks")
    if max_gen_toks is not None and max_gen_toks < 1:
        raise UserError(f"expected a positive number of tokens, got {max_gen_toks}", where="--max-gen-toks")
    if data_dir is not None:
        data_dir = Path(data_dir).resolve()
        missing = [f"{BENCHMARK_OF[t]}.jsonl" for t in tasks if not (data_dir / f"{BENCHMARK_OF[t]}.jsonl").is_file()]
        if missing:
            raise UserError(f"missing {', '.join(missing)}; expected one <benchmark>.jsonl per task (hub schema)",
                            where=f"--data-dir {data_dir}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for task in tasks:
        lines = [f"# {task} as shipped by longcot-repro ({TASK_DIR / (task + '.yaml')}), with the overrides below.",
                 f"include: {TASK_DIR / (task + '.yaml')}", f"task: {task}"]
        if data_dir is not None:
            split = _field(task, "test_split")
            lines += ["dataset_path: json", "dataset_kwargs:", "  data_files:",
                      f"    {split}: {data_dir / (BENCHMARK_OF[task] + '.jsonl')}"]
        if max_gen_toks is not None:  # lm-eval replaces the whole mapping, so every shipped setting is restated
            lines += ["generation_kwargs:", "  until: []", "  do_sample: true", "  temperature: 0.7", "  top_p: 0.95",
                      f"  max_gen_toks: {max_gen_toks}"]
        path = out / f"{task}.yaml"
        write_text_atomic(path, "\n".join(lines) + "\n")
        written.append(path)
    return written
