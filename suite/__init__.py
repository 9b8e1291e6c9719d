"""longcot-repro: a reproducibility benchmark suite for "Demystifying Long Chain-of-Thought Reasoning in LLMs"
(Yeo, Tong, Niu, Neubig, Yue, 2025; arXiv 2502.03373).

The package exports nothing at top level on purpose: call sites say where a function lives
(`suite.rewards.cosine_reward`, `suite.stats.welch_t`).
"""

__version__ = "0.1.0"
