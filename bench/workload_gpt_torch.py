"""The GPT of ``glassnet.models.gpt`` written in PyTorch (CPU), layer for layer and name for
name, for the side-by-side benchmark in ``bench/gpt.py``: same blocks, same tied embedding,
same GELU (tanh form), same AdamW settings, same weights when built with ``from_glassnet``."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_head = c.n_head
        self.c_attn = nn.Linear(c.n_embd, 3 * c.n_embd, bias=c.bias)
        self.c_proj = nn.Linear(c.n_embd, c.n_embd, bias=c.bias)

    def forward(self, x):
        B, T, C = x.shape
        qkv = self.c_attn(x).view(B, T, 3, self.n_head, C // self.n_head).permute(2, 0, 3, 1, 4)
        y = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], is_causal=True)
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = nn.Linear(c.n_embd, 4 * c.n_embd, bias=c.bias)
        self.c_proj = nn.Linear(4 * c.n_embd, c.n_embd, bias=c.bias)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c.n_embd, bias=c.bias)
        self.attn = SelfAttention(c)
        self.ln_2 = nn.LayerNorm(c.n_embd, bias=c.bias)
        self.mlp = MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c.vocab_size, c.n_embd)
        self.wpe = nn.Embedding(c.block_size, c.n_embd)
        self.h = nn.Sequential(*[Block(c) for _ in range(c.n_layer)])
        self.ln_f = nn.LayerNorm(c.n_embd, bias=c.bias)
        for name, p in self.named_parameters():
            if p.ndim == 2:
                std = 0.02 / math.sqrt(2 * c.n_layer) if name.endswith("c_proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith(".bias"):
                nn.init.zeros_(p)

    def forward(self, idx, targets):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))
        x = self.ln_f(self.h(x))
        logits = x @ self.wte.weight.T  # tied output layer
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def from_glassnet(model):
    """A PyTorch GPT holding the same weights as a glassnet GPT (whichever layout glassnet's
    Linear uses: read from c_attn, the one non-square Linear weight of a block)."""
    c = model.config
    torch_model = GPT(c)
    state = model.state_dict()
    transpose = state["h.0.attn.c_attn.weight"].shape == (c.n_embd, 3 * c.n_embd)
    converted = {}
    for name, value in state.items():
        is_linear = name.endswith(".weight") and value.ndim == 2 and not name.startswith("w")
        converted[name] = torch.from_numpy(
            np.ascontiguousarray(value.T if transpose and is_linear else value)
        )
    torch_model.load_state_dict(converted)
    return torch_model


class Trainer:
    """One AdamW training step at a time (decay on 2-D weights only, clip 1.0)."""

    def __init__(self, model, lr=1e-3, weight_decay=0.1, betas=(0.9, 0.99)):
        self.model = model
        params = list(model.parameters())
        groups = [
            {"params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
        ]
        self.opt = torch.optim.AdamW(groups, lr=lr, betas=betas, foreach=False)

    def forward_backward(self, x, y):
        loss = self.model(torch.from_numpy(x), torch.from_numpy(y))
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        return loss

    def step(self, x, y):
        loss = self.forward_backward(x, y)
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        return loss.item()
