"""RL for the tiny world: PPO as the paper's OpenRLHF fork runs it (docs/tiny_rl.md, 'One PPO step'), plus GRPO- and REINFORCE++-style
variants for comparison.

Modules (read in this order): `config` (RLConfig), `rollout` (sampling, per-token scoring), `advantages` (rewards ->
channels -> returns/advantages, always through `suite.rewards`), `losses` (clipped policy and value losses),
`step_metrics` (what a step logs), `train` (`train_rl`, the loop). Exports nothing: call sites name the module.
"""
