"""A randomly initialised Qwen2 model (the architecture of the Qwen2.5 family) saved to disk, for tests of the
open-model path without a download: the same model classes, chat-template handling, KV cache and vLLM weight names as
a real Qwen2.5 checkpoint, at a size that trains in seconds on one CPU core.

The tokenizer is Qwen2's kind: byte-level BPE with Qwen2's pre-tokenizer (its split pattern, then bytes as
characters), NFC normalisation and byte-level decoding, and Qwen's chat specials, with Qwen2.5's chat template. Its
merges are learnt from a small math vocabulary, so its words are single tokens and a sampled response can hold a
boxed answer that `suite.verify` grades. Being Qwen2's kind matters: transformers 5 loads any Qwen2 checkpoint's
tokenizer as `Qwen2Tokenizer`, which rebuilds that pipeline around the file's vocabulary and merges, and a tokenizer of
another kind (word-level, say) would encode differently there than under transformers 4. The model's outputs are random
tokens until trained; it measures nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

WORDS = (
    [str(d) for d in range(10)] + [f"\\boxed{{{d}}}" for d in range(10)]
    + "what is + - = ? the answer so wait , let me recheck . alternatively please reason step by and put your final "
      "within \\boxed{} user assistant system you are a helpful".split()
)
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>"]
#: Qwen2.5's chat template, reduced to what a one-turn prompt uses (no tools, no default system prompt)
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_random_qwen2(path: str | Path, *, seed: int = 0, hidden_size: int = 32, layers: int = 2) -> Path:
    """Write a random `Qwen2ForCausalLM` (`layers` x `hidden_size`, 4 heads, 2 KV heads, tied embeddings as in the
    small Qwen2.5 models) and its tokenizer to `path`; pad is `<|endoftext|>`, EOS `<|im_end|>` (Qwen2.5-Instruct's
    convention). Returns the path."""
    import torch
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    path = Path(path)
    tok = qwen2_style_tokenizer()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<|endoftext|>",
                                   eos_token="<|im_end|>", additional_special_tokens=["<|im_start|>"])
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(path)
    config_file = path / "tokenizer_config.json"  # loaded as Qwen2's tokenizer class under transformers 4 and 5
    tok_config = json.loads(config_file.read_text())
    tok_config["tokenizer_class"] = "Qwen2Tokenizer"
    config_file.write_text(json.dumps(tok_config, indent=2))
    vocab = tok.get_vocab()
    torch.manual_seed(seed)
    config = Qwen2Config(vocab_size=len(vocab), hidden_size=hidden_size, intermediate_size=2 * hidden_size,
                         num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=512, tie_word_embeddings=True,
                         bos_token_id=vocab["<|endoftext|>"], eos_token_id=vocab["<|im_end|>"],
                         pad_token_id=vocab["<|endoftext|>"])
    Qwen2ForCausalLM(config).save_pretrained(path)
    return path


#: Qwen2's pre-tokenizer split pattern (contractions, letter runs with one leading non-letter, single digits,
#: punctuation runs, newlines, spaces), as its tokenizer files declare it
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|"
               r"\s+(?!\S)|\s+")


def qwen2_style_tokenizer():
    """A `tokenizers.Tokenizer` of Qwen2's kind whose BPE merges are learnt from `WORDS`, each seen after a space and at
    the start of a text (deterministic: a fixed corpus). Each word's pre-tokens become one token each: a word is one
    token, a number one per digit and `\\boxed{7}` four (`\\boxed`, `{`, `7`, `}`), as Qwen2's split makes them."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=2000, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())  # all 256 bytes, as Qwen2
    words = list(dict.fromkeys(WORDS))
    tok.train_from_iterator([" ".join(words)] * 4 + words * 4, trainer=trainer)
    return tok
