"""A GPT: a decoder-only transformer that predicts the next token, GPT-2's design at any size.

    idx (B, T) -> token + position embeddings -> n_layer blocks -> LayerNorm -> logits (B, T, V)

Each block is pre-norm: ``x = x + attn(ln_1(x))`` then ``x = x + mlp(ln_2(x))``, the attention
causal (position t sees positions 0..t only) and computed for all heads by one fused op
(``packed_self_attention``: scaled dot-product attention of the stacked queries, keys and
values). The output layer shares its weight with the token embedding
(``logits = x @ wte.weight.T``), so the model has one (V, C) table, not two.
Initialisation is GPT-2's: weights N(0, 0.02), the two projections that write into the residual
stream N(0, 0.02 / sqrt(2 * n_layer)) so that the stream's variance does not grow with depth,
biases zero.
"""

from __future__ import annotations

import dataclasses
import math
import os
from typing import Any

import numpy as np

from glassnet import ops
from glassnet.arguments import check_bool, check_int, check_number
from glassnet.autograd import no_grad
from glassnet.errors import ShapeError
from glassnet.nn import init as initializers
from glassnet.nn.containers import Sequential
from glassnet.nn.embedding import Embedding
from glassnet.nn.layers import Dropout, Linear
from glassnet.nn.module import Module, temporary_mode
from glassnet.nn.normalization import LayerNorm
from glassnet.ops.attention import packed_self_attention
from glassnet.ops.nn import linear_out_in
from glassnet.rng import RngLike, get_rng
from glassnet.tensor import Tensor


@dataclasses.dataclass
class GPTConfig:
    """A GPT's sizes.

    Args:
        n_layer: how many transformer blocks.
        n_head: attention heads per block (n_embd must be divisible by it).
        n_embd: C, the width of every token's vector.
        block_size: the longest context (positions) the model reads.
        vocab_size: V, how many distinct tokens.
        dropout: dropout probability after the embeddings, on the attention weights and on
            each residual branch (training mode only).
        bias: biases in the Linear layers and LayerNorms (GPT-2 has them; many modern models
            do not).
    """

    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    block_size: int = 64
    vocab_size: int = 65
    dropout: float = 0.0
    bias: bool = False

    def __post_init__(self) -> None:
        for name in ("n_layer", "n_head", "n_embd", "block_size", "vocab_size"):
            check_int("GPTConfig", name, getattr(self, name), minimum=1)
        if self.n_embd % self.n_head:
            raise ValueError(
                f"GPTConfig: n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})"
            )
        check_number("GPTConfig", "dropout", self.dropout, low=0.0, high=1.0, high_open=True)
        check_bool("GPTConfig", "bias", self.bias)


def _linear(config: GPTConfig, n_in: int, n_out: int, std: float, rng: np.random.Generator):
    """A Linear layer with N(0, std) weights and zero biases (layout-independent init)."""
    return Linear(
        n_in,
        n_out,
        bias=config.bias,
        weight_init=initializers.Normal(0.0, std),
        bias_init=initializers.Zeros(),
        rng=rng,
    )


class GPTSelfAttention(Module):
    """Causal multi-head self-attention: one Linear makes Q, K, V for every head, one fused op
    attends, one Linear projects back into the residual stream."""

    def __init__(self, config: GPTConfig, rng: np.random.Generator) -> None:
        super().__init__()
        C, std = config.n_embd, 0.02
        self.n_head = config.n_head
        self.dropout = config.dropout
        self._rng = rng
        self.c_attn = _linear(config, C, 3 * C, std, rng)
        self.c_proj = _linear(config, C, C, std / math.sqrt(2 * config.n_layer), rng)
        self.resid_dropout = Dropout(config.dropout, rng=rng)

    def forward(self, x: Tensor) -> Tensor:
        B, T, C = x.shape
        H = self.n_head
        # (B, T, 3C) -> (3, B, H, T, C/H): queries, keys and values of every head
        qkv = self.c_attn(x).reshape(B, T, 3, H, C // H).permute(2, 0, 3, 1, 4)
        p = self.dropout if self.training else 0.0
        # one op for the three (not qkv[0], qkv[1], qkv[2]): their gradient is written once
        y = packed_self_attention(qkv, dropout_p=p, is_causal=True, rng=self._rng)
        y = y.permute(0, 2, 1, 3).reshape(B, T, C)  # heads side by side again
        return self.resid_dropout(self.c_proj(y))


class GPTMLP(Module):
    """The feed-forward half of a block: C -> 4C -> GELU (tanh form, as GPT-2) -> C."""

    def __init__(self, config: GPTConfig, rng: np.random.Generator) -> None:
        super().__init__()
        C = config.n_embd
        self.c_fc = _linear(config, C, 4 * C, 0.02, rng)
        self.c_proj = _linear(config, 4 * C, C, 0.02 / math.sqrt(2 * config.n_layer), rng)
        self.dropout = Dropout(config.dropout, rng=rng)

    def forward(self, x: Tensor) -> Tensor:
        return self.dropout(self.c_proj(ops.gelu(self.c_fc(x), approximate="tanh")))


class GPTBlock(Module):
    """A pre-norm transformer block: attention, then the MLP, each added to the stream."""

    def __init__(self, config: GPTConfig, rng: np.random.Generator) -> None:
        super().__init__()
        self.ln_1 = LayerNorm(config.n_embd, bias=config.bias)
        self.attn = GPTSelfAttention(config, rng)
        self.ln_2 = LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = GPTMLP(config, rng)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(Module):
    """A GPT language model (see the module docstring), as nanoGPT's ``GPT``.

    Args:
        config: a ``GPTConfig``.
        rng: Generator or seed for the initial weights and the dropout masks.

    ``model(idx)`` returns the logits (B, T, vocab_size) of the next token at every position;
    ``model(idx, targets)`` returns ``(logits, loss)``, the loss being the mean cross-entropy
    over all B * T positions.

    Examples:
        >>> model = GPT(GPTConfig(n_layer=1, n_head=2, n_embd=8, block_size=6, vocab_size=5), rng=0)
        >>> idx = np.array([[0, 1, 2], [4, 3, 2]])
        >>> model(idx).shape
        (2, 3, 5)
        >>> logits, loss = model(idx, np.array([[1, 2, 3], [3, 2, 1]]))
        >>> round(loss.item(), 1)  # about log(5) at initialisation
        1.6
        >>> model.generate(idx, max_new_tokens=2, rng=0).shape
        (2, 5)
    """

    casts_input = False  # the input is token ids

    def __init__(self, config: GPTConfig, rng: RngLike = None) -> None:
        super().__init__()
        if not isinstance(config, GPTConfig):
            raise TypeError(f"GPT expects a GPTConfig, got {type(config).__name__}")
        self.config = config
        generator = get_rng(rng)
        C = config.n_embd
        normal = initializers.Normal(0.0, 0.02)
        self.wte = Embedding(config.vocab_size, C, init=normal, rng=generator)
        self.wpe = Embedding(config.block_size, C, init=normal, rng=generator)
        self.drop = Dropout(config.dropout, rng=generator)
        self.h = Sequential(*[GPTBlock(config, generator) for _ in range(config.n_layer)])
        self.ln_f = LayerNorm(C, bias=config.bias)
        self._positions = np.arange(config.block_size)

    def forward(self, idx: Tensor, targets: Any = None) -> Any:
        ids = idx.data
        if ids.ndim != 2 or ids.dtype.kind not in "iu":
            raise ShapeError(
                f"GPT expects token ids of shape (B, T) and an integer dtype, got {ids.dtype} "
                f"of shape {ids.shape}"
            )
        B, T = ids.shape
        if T > self.config.block_size:
            raise ShapeError(
                f"GPT: a context of {T} tokens is longer than block_size "
                f"{self.config.block_size}; crop it to the last {self.config.block_size}"
            )
        x = self.drop(self.wte(idx) + self.wpe(self._positions[:T]))
        x = self.ln_f(self.h(x))
        # tied: the output layer is the embedding table, (V, C) as a Linear's (out, in) weight
        logits = linear_out_in(x, self.wte.weight)
        if targets is None:
            return logits
        target = np.asarray(getattr(targets, "data", targets))
        if target.shape != (B, T):
            raise ShapeError(f"GPT: targets of shape {target.shape} must match idx's {(B, T)}")
        loss = ops.cross_entropy(logits.reshape(B * T, -1), target.reshape(-1))
        return logits, loss

    def generate(
        self,
        idx: Any,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        rng: RngLike = None,
    ) -> np.ndarray:
        """Continue ``idx`` (B, T) by ``max_new_tokens`` sampled tokens, each drawn from the
        softmax of the last position's logits / ``temperature`` (only the ``top_k`` most
        likely when given), the context cropped to the last ``block_size`` tokens.

        Runs in evaluation mode without a graph. Returns an int64 array (B, T + new); a 1-D
        ``idx`` gives a 1-D result. ``rng`` (a Generator or seed) makes sampling repeatable.
        """
        new = check_int("GPT.generate", "max_new_tokens", max_new_tokens)
        temperature = check_number(
            "GPT.generate", "temperature", temperature, low=0.0, low_open=True
        )
        if top_k is not None:
            top_k = min(
                check_int("GPT.generate", "top_k", top_k, minimum=1), self.config.vocab_size
            )
        ids = np.asarray(getattr(idx, "data", idx))
        single = ids.ndim == 1
        ids = ids.reshape(1, -1) if single else ids
        if ids.ndim != 2 or ids.dtype.kind not in "iu" or ids.shape[1] == 0:
            raise ShapeError(
                f"GPT.generate: idx must be non-empty integer token ids of shape (B, T), got "
                f"{ids.dtype} of shape {ids.shape}"
            )
        generator = get_rng(rng)
        ids = ids.astype(np.int64)
        with no_grad(), temporary_mode(self, training=False):
            for _ in range(new):
                context = ids[:, -self.config.block_size :]
                logits = self(context).data[:, -1, :].astype(np.float64) / temperature
                if top_k is not None:
                    kth = np.partition(logits, -top_k, axis=-1)[:, -top_k, np.newaxis]
                    logits[logits < kth] = -np.inf
                probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
                cdf = np.cumsum(probs, axis=-1)
                draw = generator.random((len(ids), 1)) * cdf[:, -1:]
                token = np.minimum((cdf <= draw).sum(axis=-1), self.config.vocab_size - 1)
                ids = np.concatenate([ids, token[:, np.newaxis]], axis=1)
        return ids[0] if single else ids

    def optimizer_groups(self, weight_decay: float) -> list[dict[str, Any]]:
        """Parameter groups for AdamW: weight decay on the 2-D weights (matrices and
        embeddings), none on biases and LayerNorm weights, as GPT-2 training does."""
        params = list(self.parameters())
        return [
            {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
        ]

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in dataclasses.asdict(self.config).items())


def save_gpt(model: GPT, path: str | os.PathLike, tokenizer: Any = None) -> None:
    """Save a GPT, its config and its tokenizer's vocabulary in one file (the weights as
    arrays, the config and the vocabulary as JSON in the header; nothing is pickled). Read it
    back with ``load_gpt``.

    (The config travels in ``extra`` rather than as a rebuildable architecture: gn.load's
    size guard bounds a layer by the product of its integer settings, which for a GPT,
    n_layer * n_head * n_embd * block_size * vocab_size, far exceeds its real weight count.)
    """
    if not isinstance(model, GPT):
        raise TypeError(f"save_gpt: expects a GPT, got {type(model).__name__}")
    extra: dict[str, Any] = {"gpt_config": dataclasses.asdict(model.config)}
    if tokenizer is not None:
        extra["tokenizer"] = tokenizer.to_dict()
    from glassnet.io.models import save

    save(model, path, extra=extra)


def load_gpt(path: str | os.PathLike) -> tuple[GPT, Any]:
    """A GPT saved by ``save_gpt`` and its tokenizer (None if none was saved)."""
    from glassnet.data.text import CharTokenizer
    from glassnet.errors import FileFormatError
    from glassnet.io.container import read_file
    from glassnet.io.models import load

    _, header = read_file(path, kind="model")
    extra = header.get("extra")
    extra = extra if isinstance(extra, dict) else {}
    config = extra.get("gpt_config")
    if not isinstance(config, dict):
        raise FileFormatError(f"{path}: holds no GPT config; was it saved by save_gpt?")
    try:
        model = GPT(GPTConfig(**config))
    except (TypeError, ValueError) as error:
        raise FileFormatError(f"{path}: the saved GPT config is invalid: {error}") from None
    load(path, model=model)
    vocabulary = extra.get("tokenizer")
    return model, None if vocabulary is None else CharTokenizer.from_dict(vocabulary)
