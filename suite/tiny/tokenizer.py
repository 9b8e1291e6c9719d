"""Word-level tokenizer for the tiny world: one token per whitespace-separated word, a fixed vocabulary.

Text format. `decode` joins tokens with single spaces, so whole-word keyword regexes (`\\bwait\\b`, `alternatively,`)
count them exactly as the suite's metrics expect. One exception keeps answers readable by `suite.verify`: the tokens
between `\\boxed{` and `}` are glued, so `[\\boxed{, 17, }]` decodes to `\\boxed{17}` (and `encode` splits it back).
`alternatively,` is ONE token, comma included (the paper's pivot keyword, §4.5 and Figure 11).

File format (`save`/`load`): JSON `{"format": "tiny-word-tokenizer/1", "tokens": [...], "special": {...}}`; the id of
a token is its index in `tokens`. `to_hf()` builds an equivalent `transformers.PreTrainedTokenizerFast` (WordLevel
model, whitespace pre-tokenizer) for code that expects the Hugging Face interface.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from suite.atomic import write_text_atomic

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
BOX_OPEN, BOX_CLOSE = "\\boxed{", "}"
FORMAT = "tiny-word-tokenizer/1"
# `\boxed{17}` -> `\boxed{ 17 }` before splitting on whitespace; any other text splits on whitespace only.
_BOXED = re.compile(r"\\boxed\{([^{}]*)\}")


class TinyTokenizer:
    """Maps words to ids and back. Unknown words encode to `<unk>` (never silently dropped)."""

    def __init__(self, tokens: Sequence[str]):
        tokens = list(tokens)
        missing = [s for s in SPECIALS if s not in tokens]
        if missing:
            raise ValueError(f"vocabulary lacks special tokens {missing}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("vocabulary has duplicate tokens")
        if any(not t or any(c.isspace() for c in t) for t in tokens):
            raise ValueError("tokens must be non-empty and contain no whitespace")
        self.tokens: list[str] = tokens
        self.token_to_id: dict[str, int] = {t: i for i, t in enumerate(tokens)}
        self.pad_id, self.bos_id = self.token_to_id[PAD], self.token_to_id[BOS]
        self.eos_id, self.unk_id = self.token_to_id[EOS], self.token_to_id[UNK]

    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    def split(self, text: str) -> list[str]:
        """The words of `text` (`\\boxed{x}` becomes three words)."""
        return _BOXED.sub(lambda m: f" {BOX_OPEN} {m.group(1)} {BOX_CLOSE} ", text).split()

    def encode(self, text: str) -> list[int]:
        return [self.token_to_id.get(w, self.unk_id) for w in self.split(text)]

    def decode(self, ids: Iterable[int], *, skip_special: bool = True) -> str:
        """Words joined by single spaces; pad/bos/eos dropped unless `skip_special=False`; `\\boxed{ x }` glued."""
        special = {self.pad_id, self.bos_id, self.eos_id} if skip_special else set()
        words = [self.tokens[int(i)] for i in ids if int(i) not in special]
        out: list[str] = []
        in_box = False
        for w in words:
            if w == BOX_OPEN:
                out.append(w)
                in_box = True
            elif in_box and w == BOX_CLOSE:
                out[-1] += w
                in_box = False
            elif in_box and out[-1].endswith(BOX_OPEN):
                out[-1] += w
            else:
                out.append(w)
        return " ".join(out)

    def save(self, path: str | Path) -> None:
        payload = {"format": FORMAT, "tokens": self.tokens,
                   "special": {"pad": PAD, "bos": BOS, "eos": EOS, "unk": UNK}}
        write_text_atomic(Path(path), json.dumps(payload, indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> TinyTokenizer:
        payload = json.loads(Path(path).read_text())
        if payload.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file (format={payload.get('format')!r})")
        return cls(payload["tokens"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TinyTokenizer) and other.tokens == self.tokens

    def __repr__(self) -> str:
        return f"TinyTokenizer(vocab_size={self.vocab_size})"

    def to_hf(self):
        """An equivalent `transformers.PreTrainedTokenizerFast` (same ids; decode joins with spaces, no box gluing)."""
        from tokenizers import Tokenizer, models, pre_tokenizers
        from transformers import PreTrainedTokenizerFast

        tok = Tokenizer(models.WordLevel(vocab=dict(self.token_to_id), unk_token=UNK))
        tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token=PAD, bos_token=BOS, eos_token=EOS,
                                       unk_token=UNK)
