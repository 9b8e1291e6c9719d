"""The four benchmarks as lm-eval tasks (YAML + `utils.py` hooks calling `suite.verify`).

Use: `lm_eval --include_path $(python -c "import suite.lm_eval_tasks as t, os; print(os.path.dirname(t.__file__))")
--tasks longcot_math500,longcot_aime24,longcot_theoremqa,longcot_mmlu_pro_1k ...`. `TASK_DIR` is that directory.
"""

from pathlib import Path

TASK_DIR = Path(__file__).resolve().parent
TASKS = ("longcot_math500", "longcot_aime24", "longcot_theoremqa", "longcot_mmlu_pro_1k")
