"""The character LSTM of ``workload_lstm_glassnet`` in PyTorch (CPU): nn.Embedding, nn.LSTM,
nn.Linear, cross-entropy, Adam; and the initial weights both start from."""

from __future__ import annotations

import torch


class CharLSTM(torch.nn.Module):
    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, embed)
        self.lstm = torch.nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, idx):
        output, _ = self.lstm(self.embedding(idx))
        return self.head(output)


def initial_weights(vocab, embed, hidden, layers, seed=0):
    """The PyTorch model's initial state_dict as NumPy arrays, under glassnet's names (the
    LSTM's are the same; the head's are ``head_weight``/``head_bias``)."""
    torch.manual_seed(seed)
    state = CharLSTM(vocab, embed, hidden, layers).state_dict()
    return {k.replace("head.", "head_"): v.numpy().copy() for k, v in state.items()}


class Workload:
    def __init__(self, vocab, embed, hidden, layers, weights, lr=2e-3):
        self.model = CharLSTM(vocab, embed, hidden, layers)
        state = {k.replace("head_", "head."): torch.from_numpy(v) for k, v in weights.items()}
        self.model.load_state_dict(state)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)

    def loss(self, x, y):
        logits = self.model(torch.from_numpy(x))
        return torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1)
        )

    def train_batch(self, x, y):
        self.opt.zero_grad()
        loss = self.loss(x, y)
        loss.backward()
        self.opt.step()
        return loss.item()

    def forward_only(self, x, y):
        with torch.no_grad():
            return self.loss(x, y).item()

    def lstm_step(self, x):
        """The LSTM layer alone on the embedded batch: forward, backward of the output's sum."""
        output, _ = self.model.lstm(self.model.embedding(torch.from_numpy(x)))
        output.sum().backward()
