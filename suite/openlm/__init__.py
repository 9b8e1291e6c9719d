"""The open-model path: the same RL loop as the tiny engine (`suite.tiny.rl.train.rl_loop`, the paper's PPO with
multi-gamma returns, or its GRPO / REINFORCE++ variants) on a Hugging Face causal LM, e.g. a small Qwen2.5 model, on
MATH-style prompts graded by `suite.verify`.

- :mod:`~suite.openlm.model`: the policy and critic wrappers (positions from the attention mask of left-padded rows,
  optional bf16 autocast), the tokenizer adapter and the chat-template prompt encoder;
- :mod:`~suite.openlm.generate`: two samplers with the tiny engine's `generate` signature: a KV-cache sampler on the
  policy itself (per-row counter-based seeds, so a row's sample never depends on its batch) and vLLM, whose weights
  are refreshed from the policy before every rollout;
- :mod:`~suite.openlm.score`: log-probabilities, entropies and values of a rollout in row chunks sized for a vocabulary
  of ~150k entries;
- :mod:`~suite.openlm.recipe`: `OpenLMRLRecipe`, the runner's recipe kind;
- :mod:`~suite.openlm.random_qwen2`: a randomly initialised Qwen2 (Qwen2.5's architecture) built locally, for tests.
"""
