import numpy as np
import pytest

import glassnet as gn


def test_gradients_accumulate_when_a_tensor_is_used_twice():
    a = gn.tensor(3.0, requires_grad=True)
    (a + a).backward()
    assert a.grad == 2.0
    b = gn.tensor(3.0, requires_grad=True)
    (b * b).backward()  # d(b^2)/db = 2b, both factors contribute
    assert b.grad == 6.0


def test_diamond_graph_sums_both_paths():
    x = gn.tensor(2.0, requires_grad=True)
    left, right = x * 3, x.exp()
    (left * right).backward()  # d/dx (3x e^x) = 3 e^x + 3x e^x
    np.testing.assert_allclose(x.grad, 3 * np.exp(2.0) * 3, rtol=1e-6)


def test_backward_twice_accumulates_with_retain_graph():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])


def test_second_backward_through_a_freed_graph_is_refused():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(gn.GraphFreedError, match="retain_graph=True"):
        y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])  # not silently doubled


def test_freed_graph_keeps_parents_and_op_names_for_drawing():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).sum()
    y.backward()
    assert y.grad_fn.name() == "SumOp" and y.grad_fn.parents[0].grad_fn.name() == "MulOp"
    assert y._ctx.parents[0]._ctx.parents[0] is x


def test_zero_grad_resets():
    x = gn.tensor([1.0], requires_grad=True)
    (x * 3).sum().backward()
    x.zero_grad()
    assert x.grad is None


def test_leaf_gradients_are_private_copies():
    a = gn.tensor([1.0, 2.0], requires_grad=True)
    b = gn.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad += 10  # an optimizer mutating one gradient in place must not touch the other
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_ten_thousand_op_chain_needs_no_recursion():
    x = gn.tensor(1.0, dtype=np.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad, 1.0001**10_000, rtol=1e-9)


def test_non_scalar_backward_needs_a_gradient_of_its_shape():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(ValueError, match=r"non-scalar.*\(2,\)"):
        y.backward()
    with pytest.raises(gn.ShapeError, match=r"\(3,\).*\(2,\)"):
        y.backward(np.ones(3))
    y.backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 20.0])


def test_backward_on_a_tensor_without_graph_is_explained():
    with pytest.raises(RuntimeError, match="does not require grad"):
        gn.ones(2).sum().backward()


def test_no_grad_as_context_manager_and_decorator():
    w = gn.ones(2, requires_grad=True)
    with gn.no_grad():
        assert not gn.is_grad_enabled()
        y = w * 2
        with gn.enable_grad():
            z = w * 2
    assert gn.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf and z.requires_grad

    @gn.no_grad()
    def predict(v):
        return v * 3

    assert not predict(w).requires_grad
    assert gn.is_grad_enabled()


def test_gradient_tape_returns_gradients_without_touching_grad():
    w = gn.tensor([1.0, 2.0], requires_grad=True)
    b = gn.tensor(0.5, requires_grad=True)
    with gn.GradientTape() as tape:
        loss = ((w * 3 + b) ** 2).sum()
    dw, db = tape.gradient(loss, [w, b])
    np.testing.assert_allclose(dw, 2 * (np.array([1.0, 2.0]) * 3 + 0.5) * 3)
    np.testing.assert_allclose(db, 2 * (3.5 + 6.5))
    assert w.grad is None and b.grad is None
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(loss, [w])


def test_persistent_tape_and_watch():
    x = gn.tensor([2.0, 3.0])  # does not require grad: watch it
    with gn.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = (x**3).sum()
        z = (x * 2).sum()
    np.testing.assert_allclose(tape.gradient(y, x), [12.0, 27.0])
    np.testing.assert_allclose(tape.gradient(z, x), [2.0, 2.0])
    np.testing.assert_allclose(tape.gradient(y, [x])[0], [12.0, 27.0])
    assert not x._watched  # watching ends with the tape


def test_unconnected_source_gets_none():
    a = gn.ones(2, requires_grad=True)
    b = gn.ones(2, requires_grad=True)
    assert gn.grad((a * 2).sum(), [a, b])[1] is None


def test_grad_with_explicit_output_gradient_and_intermediate_inputs():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    y = h * 3
    dh, dx = gn.grad(y, [h, x], grad_outputs=np.array([1.0, 2.0]))
    np.testing.assert_allclose(dh, [3.0, 6.0])
    np.testing.assert_allclose(dx, [6.0, 24.0])  # the path through h is followed, not cut


def test_retain_grad_keeps_an_intermediate_gradient():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    h = (x * 2).retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, [4.0, 8.0])


def test_backward_is_skipped_for_inputs_that_need_no_gradient():
    calls = []

    class Spy(gn.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, grad):
            calls.append(ctx.needs_input_grad)
            return grad, grad

    w = gn.ones(2, requires_grad=True)
    Spy.apply(w, gn.ones(2)).sum().backward()
    assert calls == [(True, False)]


def test_returned_gradients_never_alias_parameter_gradients():
    from glassnet import nn

    class ShiftAndDouble(nn.Module):
        def __init__(self):
            super().__init__()
            self.shift = nn.Parameter(np.zeros(3, dtype=np.float32))

        def forward(self, x):
            return (x + self.shift) * 2  # Add hands one array to both x and shift

    layer = ShiftAndDouble()
    layer.forward(np.ones((1, 3), dtype=np.float32))
    dx = layer.backward(np.ones((1, 3), dtype=np.float32))
    assert not np.shares_memory(dx, layer.shift.grad)
    dx += 100
    np.testing.assert_array_equal(layer.shift.grad, [[2.0, 2.0, 2.0]][0])


def test_a_root_gradient_given_by_the_caller_is_never_adopted():
    w = gn.ones(3, requires_grad=True)
    dy = np.ones(3, dtype=np.float32)
    (w + 0).backward(dy)  # Add passes dy itself on to w
    assert w.grad is not dy
    w.grad += 1
    np.testing.assert_array_equal(dy, [1.0, 1.0, 1.0])
