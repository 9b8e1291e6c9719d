"""A randomly initialised Qwen2 model (the architecture of the Qwen2.5 family) saved to disk, for tests of the
open-model path without a download: the same model classes, chat-template handling, KV cache and vLLM weight names as
a real Qwen2.5 checkpoint, at a size that trains in seconds on one CPU core.

The tokenizer is word-level over a small math vocabulary (digits, `\\boxed{d}` as single words, Qwen's chat
specials), with Qwen2.5's chat template, so a prompt reads as a real one would and a sampled response can hold a boxed
answer that `suite.verify` grades. Its outputs are random words until trained; it measures nothing.
"""

from __future__ import annotations

from pathlib import Path

WORDS = (
    [str(d) for d in range(10)] + [f"\\boxed{{{d}}}" for d in range(10)]
    + "what is + - = ? the answer so wait , let me recheck . alternatively please reason step by and put your final "
      "within \\boxed{} user assistant system you are a helpful".split()
)
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>"]
#: Qwen2.5's chat template, reduced to what a one-turn prompt uses (no tools, no default system prompt)
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|> {{ m['role'] }} {{ m['content'] }} <|im_end|> {% endfor %}"
    "{% if add_generation_prompt %}<|im_start|> assistant {% endif %}"
)


def build_random_qwen2(path: str | Path, *, seed: int = 0, hidden_size: int = 32, layers: int = 2) -> Path:
    """Write a random `Qwen2ForCausalLM` (`layers` x `hidden_size`, 4 heads, 2 KV heads, tied embeddings as in the
    small Qwen2.5 models) and its tokenizer to `path`; pad is `<|endoftext|>`, EOS `<|im_end|>` (Qwen2.5-Instruct's
    convention). Returns the path."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    path = Path(path)
    vocab = {w: i for i, w in enumerate(SPECIALS + list(dict.fromkeys(WORDS)))}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<|endoftext|>",
                                   eos_token="<|im_end|>", additional_special_tokens=["<|im_start|>"])
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(path)
    torch.manual_seed(seed)
    config = Qwen2Config(vocab_size=len(vocab), hidden_size=hidden_size, intermediate_size=2 * hidden_size,
                         num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=512, tie_word_embeddings=True,
                         bos_token_id=vocab["<|endoftext|>"], eos_token_id=vocab["<|im_end|>"],
                         pad_token_id=vocab["<|endoftext|>"])
    Qwen2ForCausalLM(config).save_pretrained(path)
    return path
