"""A character LSTM in glassnet: embedding, nn.LSTM (batch_first), a linear head, cross-entropy,
Adam. ``weights`` (from ``workload_lstm_torch.initial_weights`` or any dict of the same names)
makes it start from the same numbers as the PyTorch model."""

from __future__ import annotations

import numpy as np

import glassnet as gn
from glassnet import nn, optim
from glassnet.nn.recurrent import LSTM


class CharLSTM(nn.Module):
    casts_input = False  # the input is character indices, for the embedding

    def __init__(self, vocab: int, embed: int, hidden: int, layers: int, weights: dict) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = LSTM(embed, hidden, num_layers=layers, batch_first=True)
        # the head as two Parameters in PyTorch's (out, in) layout, so the same arrays load
        self.head_weight = nn.Parameter(np.zeros((vocab, hidden), dtype=np.float32))
        self.head_bias = nn.Parameter(np.zeros(vocab, dtype=np.float32))
        self.load_state_dict(weights)

    def forward(self, idx):
        output, _ = self.lstm(self.embedding(idx))
        return output @ self.head_weight.swapaxes(0, 1) + self.head_bias  # (B, T, vocab)


class Workload:
    def __init__(self, vocab, embed, hidden, layers, weights, lr=2e-3):
        self.model = CharLSTM(vocab, embed, hidden, layers, weights)
        self.opt = optim.Adam(self.model.parameters(), lr=lr)

    def loss(self, x, y):
        logits = self.model(x)
        return gn.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    def train_batch(self, x, y):
        self.opt.zero_grad()
        loss = self.loss(x, y)
        loss.backward()
        self.opt.step()
        return loss.item()

    def forward_only(self, x, y):
        with gn.no_grad():
            return self.loss(x, y).item()

    def lstm_step(self, x):
        """The LSTM layer alone on the embedded batch: forward, backward of the output's sum."""
        output, _ = self.model.lstm(self.model.embedding(x))
        output.sum().backward()
