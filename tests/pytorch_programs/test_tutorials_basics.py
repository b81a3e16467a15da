"""PyTorch's "Learn the Basics" tutorials ("Build the neural network", "Automatic
differentiation", "Optimizing model parameters", "Save and load"), with the imports changed to
glassnet and FashionMNIST replaced by a small synthetic set (no torchvision)."""

import numpy as np
import pytest

import glassnet as torch
from glassnet import nn
from glassnet.errors import FileFormatError
from glassnet.utils.data import DataLoader, TensorDataset


def _device():
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 32),
            nn.ReLU(),
            nn.Linear(32, 32),
            nn.ReLU(),
            nn.Linear(32, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def test_build_the_neural_network():
    device = _device()
    model = NeuralNetwork().to(device)
    assert "Linear(in_features=784, out_features=32, bias=True)" in str(model)
    X = torch.rand(1, 28, 28, device=device)
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    assert y_pred.shape == (1,) and 0 <= y_pred.item() < 10
    input_image = torch.rand(3, 28, 28)
    flat_image = nn.Flatten()(input_image)
    assert flat_image.size() == (3, 784)
    hidden1 = nn.ReLU()(nn.Linear(in_features=28 * 28, out_features=20)(flat_image))
    assert hidden1.size() == torch.Size([3, 20]) and hidden1.min().item() >= 0
    names = []
    for name, param in model.named_parameters():
        names.append(name)
        assert param[:2].shape[0] <= 2 and len(param.size()) in (1, 2)
    assert names[0] == "linear_relu_stack.0.weight" and names[-1] == "linear_relu_stack.4.bias"


def test_autograd_tutorial_gradients_are_the_hand_derived_ones():
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    assert z.grad_fn is not None and loss.grad_fn is not None
    loss.backward()
    dz = 1 / (1 + np.exp(-z.detach().numpy())) / 3  # d(mean BCE)/dz with y = 0
    np.testing.assert_allclose(w.grad.numpy(), np.outer(np.ones(5), dz), rtol=1e-5)
    np.testing.assert_allclose(b.grad.numpy(), dz, rtol=1e-5)
    assert z.requires_grad
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    assert not z.requires_grad
    assert not (torch.matmul(x, w) + b).detach().requires_grad


def test_autograd_tutorial_vector_jacobian_products_accumulate():
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    first = 2 * (np.eye(4, 5) + 1)
    np.testing.assert_allclose(inp.grad.numpy(), first)
    out.backward(torch.ones_like(out), retain_graph=True)
    np.testing.assert_allclose(inp.grad.numpy(), 2 * first)
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    np.testing.assert_allclose(inp.grad.numpy(), first)


def _fake_fashion(n, generator):
    """Images whose label is which of ten 28x28 stripes is bright: learnable in a few epochs."""
    labels = torch.randint(0, 10, (n,), generator=generator)
    images = torch.rand(n, 1, 28, 28, generator=generator) * 0.5
    rows = torch.arange(28).view(1, 28) // 3
    images = images + (rows == labels.view(n, 1)).float().view(n, 1, 28, 1)
    return TensorDataset(images, labels)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 100 == 0:
            loss, current = loss.item(), batch * 64 + len(X)
            assert current <= size


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    return test_loss, correct


test_loop.__test__ = False  # the tutorial's name, not a pytest test


def test_optimization_tutorial_then_save_and_load(tmp_path):
    g = torch.Generator().manual_seed(0)
    training_data, test_data = _fake_fashion(512, g), _fake_fashion(256, g)
    train_dataloader = DataLoader(training_data, batch_size=64, shuffle=True)
    test_dataloader = DataLoader(test_data, batch_size=64)
    model = NeuralNetwork()
    learning_rate, epochs = 1e-1, 4
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    loss0, _ = test_loop(test_dataloader, model, loss_fn)
    for _ in range(epochs):
        train_loop(train_dataloader, model, loss_fn, optimizer)
        test_loss, correct = test_loop(test_dataloader, model, loss_fn)
    assert test_loss < loss0 / 2 and correct > 0.9

    torch.save(model.state_dict(), tmp_path / "model_weights.pth")
    model2 = NeuralNetwork()
    model2.load_state_dict(torch.load(tmp_path / "model_weights.pth", weights_only=True))
    model2.eval()
    assert test_loop(test_dataloader, model2, loss_fn) == (test_loss, correct)
    # Saving the whole custom Module pickles its class in PyTorch; glassnet never pickles, and
    # says so, naming the way that works.
    torch.save(model, tmp_path / "model.pth")
    with pytest.raises(FileFormatError, match=r"never unpickles.*|model=MyModel\(\)"):
        torch.load(tmp_path / "model.pth", weights_only=False)
    model3 = torch.load(tmp_path / "model.pth", model=NeuralNetwork())
    assert test_loop(test_dataloader, model3, loss_fn) == (test_loss, correct)
