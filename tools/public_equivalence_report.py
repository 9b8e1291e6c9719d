"""Agreement of math-verify and of this suite's grader with the labels of tests/data/public_equivalence_cases.jsonl.

The file holds (gold, pred, equivalent) cases taken from other projects' grader test suites (provenance per row; see
tests/data/README.md). Per source this prints the number of cases and how often each grader agrees with the label:

- math-verify: `verify(parse(gold), parse(pred))`, with the row's `config` applied where it is a math-verify setting
  (`parse` for both sides, or `gold_parse` / `pred_parse`, and `verify` keyword arguments). Configs of other graders
  (`timeout`, `function`, ...) have no math-verify meaning and are ignored. Any exception counts as "not equivalent".
- math-verify plain: the same call with math-verify's defaults (what a user writes first).
- ours: `suite.verify.is_equivalent(gold, pred, config=...)` for kind "answer" rows, `grade_response(pred, gold,
  config=...)` for kind "response" rows, with the `GradingConfig` of `grading_config` (the source grader's
  conventions: ordered lists for MATH's string grader, a 1e-4 relative tolerance for Qwen2.5-Math's; and the
  math-verify settings the test passes).

It then lists the rows where our grader disagrees with the label. The labels are what the source asserts of its own
grader (some under a non-default config), not mathematical truth, so a disagreement is a difference to look at, not
necessarily a bug.

Run: python tools/public_equivalence_report.py [path]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_PATH = ROOT / "tests" / "data" / "public_equivalence_cases.jsonl"


def load_cases(path: str | Path = DEFAULT_PATH) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _config_object(spec: dict[str, Any]) -> Any:
    """{"type": "LatexExtractionConfig", ...} -> the math-verify / latex2sympy2_extended config object."""
    import latex2sympy2_extended
    import math_verify

    kwargs = {k: _config_object(v) if isinstance(v, dict) else v for k, v in spec.items() if k != "type"}
    cls = getattr(math_verify, spec["type"], None) or getattr(latex2sympy2_extended, spec["type"])
    return cls(**kwargs)


def _parse_kwargs(spec: dict[str, Any]) -> dict[str, Any]:
    out = dict(spec)
    if "extraction_config" in out:
        out["extraction_config"] = [_config_object(c) for c in out["extraction_config"]]
    return out


def grade_math_verify(case: dict[str, Any]) -> bool:
    """math-verify's verdict on the case, under the case's math-verify config; an exception is False."""
    from math_verify import parse, verify

    cfg = case.get("config") or {}
    try:
        gold = parse(case["gold"], **_parse_kwargs(cfg.get("gold_parse", cfg.get("parse", {}))))
        pred = parse(case["pred"], **_parse_kwargs(cfg.get("pred_parse", cfg.get("parse", {}))))
        return bool(verify(gold, pred, **cfg.get("verify", {})))
    except Exception:  # noqa: BLE001 - any failure of the library is a "not equivalent" verdict
        return False


# Sources whose grader compares comma lists in order (the MATH repository's string grader; GradingConfig docstring).
ORDERED_SOURCES = {"hendrycks-math"}
# Sources whose grader accepts a relative numeric tolerance of 1e-4 (Qwen2.5-Math's `math_equal` and its ports).
REL_TOL_SOURCES = {"qwen2.5-math", "mindspeed-rl"}


def grading_config(case: dict[str, Any]):
    """The suite's `GradingConfig` for the case: the source grader's documented conventions and the math-verify
    `verify` settings the case's test passes (float rounding, strict, set-relation comparison)."""
    from suite.verify.equivalence import GradingConfig

    cfg = case.get("config") or {}
    verify = cfg.get("verify", {})
    latex_only = all(c.get("type") == "LatexExtractionConfig"
                     for c in cfg.get("parse", {}).get("extraction_config", [{"type": "Expr"}]))
    return GradingConfig(float_rounding=verify.get("float_rounding", 6), strict=verify.get("strict", True),
                         allow_set_relation=verify.get("allow_set_relation_comp", False), latex_only=latex_only,
                         ordered_lists=case["source"] in ORDERED_SOURCES,
                         rel_tol=1e-4 if case["source"] in REL_TOL_SOURCES else None)


def grade_math_verify_plain(case: dict[str, Any]) -> bool:
    """math-verify with its defaults, `verify(parse(gold), parse(pred))`, whatever the case's config."""
    return grade_math_verify({**case, "config": {}})


def grade_ours(case: dict[str, Any]) -> bool:
    from suite.verify import grade_response, is_equivalent

    config = grading_config(case)
    if case["kind"] == "response":
        return bool(grade_response(case["pred"], case["gold"], config=config))
    return bool(is_equivalent(case["gold"], case["pred"], config=config))


def _short(s: str, n: int = 80) -> str:
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[: n - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    cases = load_cases(argv[0] if argv else DEFAULT_PATH)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # n, agreements: mv plain, mv config, ours
    misses = []
    for case in cases:
        verdicts = grade_math_verify_plain(case), grade_math_verify(case), grade_ours(case)
        for key in (case["source"], "ALL"):
            s = stats[key]
            s[0] += 1
            for j, v in enumerate(verdicts, start=1):
                s[j] += v == case["equivalent"]
        if verdicts[2] != case["equivalent"]:
            misses.append(case)
    print(f"{'source':<16}{'n':>5}  {'math-verify':>16}  {'math-verify+cfg':>16}  {'ours+cfg':>16}")
    for key in sorted(k for k in stats if k != "ALL") + ["ALL"]:
        n, *agree = stats[key]
        print(f"{key:<16}{n:>5}  " + "  ".join(f"{a:>5} ({a / n:6.1%})" for a in agree))
    print(f"\nour grader disagrees with the label on {len(misses)} cases:")
    for c in misses:
        print(f"- {c['source']} {c['path']}::{c['test']} kind={c['kind']} label={c['equivalent']}")
        print(f"    gold: {_short(c['gold'])}")
        print(f"    pred: {_short(c['pred'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
