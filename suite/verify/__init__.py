"""Answer verification: extraction, symbolic equivalence under a hard timeout, and the paper's graders by name.

Modules: `extract` (answer extraction), `hendrycks` (the RL default grader), `equivalence` (`is_equivalent`),
`timeout` (process-pool timeouts), `judge` (LLM judge, App. E.6), `choice` (MMLU-Pro), `theoremqa`, `registry`.
"""

from suite.verify.equivalence import GradingConfig, are_equivalent, grade_response, grade_responses, is_equivalent
from suite.verify.extract import extract_answer, final_answer
from suite.verify.registry import GRADERS, get_grader, register_grader

__all__ = ["GRADERS", "GradingConfig", "are_equivalent", "extract_answer", "final_answer", "get_grader", "grade_response",
           "grade_responses", "is_equivalent", "register_grader"]
