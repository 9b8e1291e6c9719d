"""The `tiny` world: a synthetic reasoning task meant to reward thinking longer, a tiny transformer, SFT, RL (rl/).

Modules (read in this order): `tokenizer` (word-level vocabulary, save/load), `model` (TinyGPT, KV-cached sampler,
checkpoints), `task` (problem families, splits, trace styles, verifier), `sft` (supervised fine-tuning).
"""
