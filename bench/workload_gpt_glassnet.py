"""The benchmark's GPT training step in glassnet, written as a user would write it."""

from __future__ import annotations

from glassnet import optim
from glassnet.models import GPT, GPTConfig


def make_model(config: GPTConfig, seed: int = 0) -> GPT:
    return GPT(config, rng=seed)


class Trainer:
    """One AdamW training step at a time (decay on 2-D weights only, clip 1.0)."""

    def __init__(self, model, lr=1e-3, weight_decay=0.1, betas=(0.9, 0.99)):
        self.model = model
        self.params = list(model.parameters())
        self.opt = optim.AdamW(model.optimizer_groups(weight_decay), lr=lr, betas=betas)

    def forward_backward(self, x, y):
        _, loss = self.model(x, y)
        self.opt.zero_grad()
        loss.backward()
        return loss

    def step(self, x, y):
        loss = self.forward_backward(x, y)
        optim.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        return loss.item()
