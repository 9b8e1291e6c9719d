"""Drop-in reward functions for RL engines, each a thin wrapper over :mod:`suite.rewards` (docs/rewards.md).

- :mod:`~suite.rewards.adapters.trl`: ``GRPOTrainer(reward_funcs=[...])`` callables (token ids give the length).
- :mod:`~suite.rewards.adapters.verl`: a ``compute_score`` file for ``custom_reward_function.path``.
- :mod:`~suite.rewards.adapters.openrlhf`: a ``reward_func`` file for ``--remote_rm_url``.

The engine modules are not imported here, so importing one adapter never needs another engine installed.
"""
