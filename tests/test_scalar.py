import math
import random

import numpy as np
import pytest

import glassnet as gn
from glassnet.scalar import MLP, Layer, Neuron, Value


def test_the_classic_tanh_neuron():
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    grads = {v.label: v.grad for v in (x1, x2, w1, w2, b)}
    assert grads == pytest.approx({"x1": -1.5, "x2": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5}, abs=1e-6)
    assert n.grad == pytest.approx(0.5, abs=1e-6)


def test_the_neuron_written_with_exp_gives_the_same_gradients():
    x1, w1, b = Value(2.0), Value(-3.0), Value(6.8813735870195432)
    n = x1 * w1 + b
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4) and x1.grad == pytest.approx(-1.5, abs=1e-6)


def test_gradients_accumulate_for_reused_values():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    a, b = Value(-2.0), Value(3.0)
    d, e = a * b, a + b
    (d * e).backward()  # a and b both feed d and e
    assert a.grad == pytest.approx(b.data * e.data + d.data) and b.grad == pytest.approx(
        a.data * e.data + d.data
    )


def test_reflected_operators_and_sum():
    v = Value(4.0)
    assert (2 * v).data == 8 and (1 - v).data == -3 and (2 / v).data == 0.5 and (v**0.5).data == 2
    assert (-v).data == -4 and (v - 1).data == 3 and (v / 2).data == 2 and (1 + v).data == 5
    total = sum([Value(1.0), Value(2.0), v], Value(0))
    total.backward()
    assert total.data == 7 and v.grad == 1


def test_a_ten_thousand_node_chain_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**10_000)


def _random_expression(rng, leaves):
    """The same random expression, built twice: from Values and from 0-d float64 Tensors."""
    ops = [
        (lambda a, b: a + b, 2), (lambda a, b: a * b, 2), (lambda a, b: a - b, 2),
        (lambda a, b: a / (b * b + 1), 2), (lambda a: a.tanh(), 1), (lambda a: a.exp() * 0.1, 1),
        (lambda a: a.relu(), 1), (lambda a: a.sigmoid(), 1), (lambda a: (a * a + 1).log(), 1),
        (lambda a: (a * a + 0.5) ** 1.5, 1), (lambda a: 2 - a, 1), (lambda a: 3 / (a * a + 1), 1),
    ]  # fmt: skip
    plan = []
    pool = list(range(len(leaves)))
    for _ in range(12):
        index = rng.randrange(len(ops))
        arity = ops[index][1]
        args = [rng.choice(pool) for _ in range(arity)]
        plan.append((index, args))
        pool.append(len(leaves) + len(plan) - 1)

    def evaluate(values):
        values = list(values)
        for index, args in plan:
            values.append(ops[index][0](*(values[a] for a in args)))
        return values[-1]

    return evaluate


@pytest.mark.parametrize("seed", range(20))
def test_random_expressions_agree_with_the_tensor_engine(seed):
    rng = random.Random(seed)
    numbers = [rng.uniform(-2, 2) for _ in range(4)]
    evaluate = _random_expression(rng, numbers)
    values = [Value(x) for x in numbers]
    tensors = [gn.tensor(np.float64(x), requires_grad=True) for x in numbers]
    out_value, out_tensor = evaluate(values), evaluate(tensors)
    if not isinstance(out_tensor, gn.Tensor) or not out_tensor.requires_grad:
        return  # the expression happened not to use any input
    out_value.backward()
    out_tensor.backward()
    assert out_value.data == pytest.approx(out_tensor.item(), rel=1e-12, abs=1e-12)
    for v, t in zip(values, tensors):
        expected = 0.0 if t.grad is None else float(t.grad)
        assert v.grad == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_modules_and_a_small_mlp_learning_four_points():
    assert len(Neuron(3, rng=0).parameters()) == 4
    assert len(Layer(3, 4, rng=0).parameters()) == 16
    net = MLP(3, [4, 4, 1], rng=0)
    assert isinstance(net([1.0, 2.0, 3.0]), Value) and len(net.parameters()) == 41
    assert not net.layers[-1].neurons[0].nonlin and net.layers[0].neurons[0].nonlin
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    for _ in range(100):
        loss = sum(((net(x) - y) ** 2 for x, y in zip(xs, ys)), Value(0.0))
        net.zero_grad()
        loss.backward()
        for p in net.parameters():
            p.data -= 0.05 * p.grad
    assert loss.data < 0.01
    assert MLP(3, [4, 1], rng=7).parameters()[0].data == MLP(3, [4, 1], rng=7).parameters()[0].data


def test_exponent_must_be_a_number_or_a_value():
    with pytest.raises(TypeError, match="the exponent must be a number or a Value, got str"):
        Value(2.0) ** "2"
    a, b = Value(2.0), Value(3.0)
    out = a**b  # both differentiable: d/da = b a^(b-1) = 12, d/db = a^b ln a = 8 ln 2
    out.backward()
    assert out.data == 8.0 and a.grad == 12.0 and b.grad == pytest.approx(8 * math.log(2))
    assert (2**b).data == 8.0
    assert math.isclose(Value(-800.0).sigmoid().data, 0.0, abs_tol=1e-300)
