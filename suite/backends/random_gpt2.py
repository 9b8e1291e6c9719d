"""A randomly initialised GPT-2 saved to disk, for offline smoke runs and tests of the HF / vLLM generation stack.

GPT-2 architecture (1 layer, width 32) with a word-level tokenizer trained on a few strings, built and saved with
`save_pretrained`; nothing is downloaded. Its outputs are random words: it exercises the plumbing (batching,
lengths, truncation, chat templates, lm-eval) and is no measure of anything.

Not to be confused with `suite.tiny.model` (TinyGPT, the tiny world's own trained model).
"""

from __future__ import annotations

from pathlib import Path

CORPUS = [
    "the answer is 42 . wait , let me recheck . alternatively , the answer is 7 .",
    "so x = 3 and \\boxed{3} is the final answer . however , retry the sum .",
    "Question : what is 1 + 1 ? Options : A . 2 B . 3 The answer is ( A ) .",
    "Please reason step by step , and put your final answer within \\boxed{} .",
]
CHAT_TEMPLATE = "{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }} {% endfor %}<|assistant|>"


def build_random_gpt2(path: str | Path, *, seed: int = 0, chat_template: bool = True) -> Path:
    """Write a randomly initialised 1-layer GPT-2 and its word-level tokenizer to `path`; returns the path."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    path = Path(path)
    specials = ["<unk>", "<pad>", "<eos>", "<|user|>", "<|assistant|>"]
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.train_from_iterator(CORPUS, trainers.WordLevelTrainer(special_tokens=specials))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>",
                                   eos_token="<eos>", bos_token="<eos>")
    if chat_template:
        fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(path)
    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=len(fast), n_positions=512, n_embd=32, n_layer=1, n_head=2,
                        bos_token_id=fast.eos_token_id, eos_token_id=fast.eos_token_id,
                        pad_token_id=fast.pad_token_id)
    GPT2LMHeadModel(config).save_pretrained(path)
    return path
