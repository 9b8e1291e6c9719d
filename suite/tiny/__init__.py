"""The `tiny` world: a synthetic task where thinking longer raises accuracy, a tiny transformer, SFT and RL on CPU.

Modules, in reading order: `tokenizer` (word-level vocabulary), `task` (problem families, splits, verifier),
`traces` (how a problem is answered: trace styles for SFT data, noise, parsers of responses), `model` (TinyGPT,
KV-cached sampler, checkpoints), `sampling` (batched, per-sample-seeded responses; budget forcing), `sft_config` and
`sft` (supervised fine-tuning), `rl/` (PPO as the paper ran it, GRPO- and REINFORCE++-style variants), `recipes`
(the engine's configs as runner recipes). Exports nothing: call sites name the module.
"""
