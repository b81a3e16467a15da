"""glassnet.autograd as PyTorch programs use it: Function with Tensors, grad, backward."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import autograd


class MyReLU(autograd.Function):
    """From PyTorch's "Learning PyTorch with Examples", as written there."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class MyReLUWithTodaysMethods(autograd.Function):
    """MyReLU with methods this branch has (clip for clamp, * 1 for clone)."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clip(0, None)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output * 1
        grad_input[input < 0] = 0
        return grad_input


class LegendrePolynomial3(autograd.Function):
    """From the same tutorial."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


def _x64(values):
    return gn.tensor(values, dtype=gn.float64, requires_grad=True)


@pytest.mark.skipif(
    not (hasattr(gn.Tensor, "clamp") and hasattr(gn.Tensor, "clone")),
    reason="Tensor.clamp and Tensor.clone come with the ops work",
)
def test_my_relu_as_the_tutorial_writes_it():
    x = _x64([-1.0, 0.5, 2.0])
    MyReLU.apply(x).sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [0.0, 1.0, 1.0])
    assert gn.gradcheck(MyReLU.apply, [_x64([-1.3, 0.5, 2.0])])


def test_my_relu_forward_backward_and_gradcheck():
    x = _x64([-1.0, 0.5, 2.0])
    y = MyReLUWithTodaysMethods.apply(x)
    np.testing.assert_allclose(y.data, [0.0, 0.5, 2.0])
    assert y.requires_grad and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [0.0, 1.0, 1.0])
    assert gn.gradcheck(MyReLUWithTodaysMethods.apply, [_x64([-1.3, 0.5, 2.0])])


def test_legendre_polynomial_trains_like_the_tutorial():
    x = _x64(np.linspace(-1, 1, 5))
    y = LegendrePolynomial3.apply(x)
    np.testing.assert_allclose(y.data, 0.5 * (5 * x.data**3 - 3 * x.data))
    y.sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), 1.5 * (5 * x.data**2 - 1))
    assert gn.gradcheck(LegendrePolynomial3.apply, [_x64([-0.7, 0.1, 0.9])])

    a = gn.full((), 0.0, dtype=gn.float64, requires_grad=True)
    b = gn.full((), -1.0, dtype=gn.float64, requires_grad=True)
    xs = gn.linspace(-1, 1, 50, dtype=gn.float64)
    target = gn.tensor(np.sin(xs.data))
    first = None
    for _ in range(50):
        loss = ((a + b * LegendrePolynomial3.apply(xs) - target) ** 2).sum()
        first = loss.item() if first is None else first
        loss.backward()
        with gn.no_grad():
            a -= 1e-3 * a.grad
            b -= 1e-3 * b.grad
            a.grad = None
            b.grad = None
    assert loss.item() < first


class Scale(autograd.Function):
    @staticmethod
    def forward(ctx, x, factor, y):
        ctx.factor = factor
        return x * factor + y

    @staticmethod
    def backward(ctx, grad_output):
        assert len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[1] is False
        return grad_output * ctx.factor, None, grad_output if ctx.needs_input_grad[2] else None


def test_non_tensor_arguments_and_needs_input_grad():
    x, y = _x64([1.0, 2.0]), gn.tensor([5.0, 5.0], dtype=gn.float64)
    out = Scale.apply(x, 3.0, y)
    np.testing.assert_allclose(out.data, [8.0, 11.0])
    out.sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [3.0, 3.0])
    assert y.grad is None


class SetupStyle(autograd.Function):
    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 2 * x * grad_output


class ArgMaxish(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = x * 0
        ctx.mark_non_differentiable(out)
        ctx.set_materialize_grads(False)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        return None


def test_setup_context_and_mark_non_differentiable():
    x = _x64([3.0])
    SetupStyle.apply(x).sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [6.0])
    assert not ArgMaxish.apply(x).requires_grad


def test_forward_runs_without_recording_and_saved_inputs_are_version_checked():
    seen = []

    class Peek(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            seen.append(gn.is_grad_enabled())
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2

    x = _x64([1.0])
    y = Peek.apply(x)
    assert seen == [False] and isinstance(Peek.apply(x), gn.Tensor)
    with gn.no_grad():
        x.add_(1)
    with pytest.raises(RuntimeError, match="in-place"):
        y.sum().backward()


def test_several_outputs_are_a_clear_error():
    class Two(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x, x

    with pytest.raises(NotImplementedError, match="one output"):
        Two.apply(_x64([1.0]))


def test_autograd_grad_returns_a_tuple_of_tensors():
    x, z = _x64([1.0, 2.0]), _x64([3.0])
    y = (x * x).sum()
    (gx,) = autograd.grad(y, x, retain_graph=True)
    assert isinstance(gx, gn.Tensor) and x.grad is None
    np.testing.assert_allclose(gx.data, [2.0, 4.0])
    with pytest.raises(RuntimeError, match="allow_unused"):
        autograd.grad(y, [x, z], retain_graph=True)
    gx, gz = autograd.grad(y, [x, z], allow_unused=True, retain_graph=True)
    assert gz is None
    (gz,) = autograd.grad(y, [z], allow_unused=True, materialize_grads=True, retain_graph=True)
    np.testing.assert_allclose(gz.data, [0.0])
    (gx,) = autograd.grad(x * 3, x, grad_outputs=gn.tensor([1.0, 2.0], dtype=gn.float64))
    np.testing.assert_allclose(gx.data, [3.0, 6.0])
    with pytest.raises(NotImplementedError, match="double backward"):
        autograd.grad((x * x).sum(), x, create_graph=True)


def test_backward_with_pytorchs_arguments():
    x, w = _x64([1.0, 2.0]), _x64([3.0, 4.0])
    (x * w).backward(gradient=gn.tensor([1.0, 1.0], dtype=gn.float64), inputs=[w])
    assert x.grad is None
    np.testing.assert_allclose(np.asarray(w.grad), [1.0, 2.0])
    autograd.backward([(x * x).sum(), (x * 2).sum()])
    np.testing.assert_allclose(np.asarray(x.grad), [4.0, 6.0])
    with pytest.raises(NotImplementedError, match="create_graph"):
        (x * x).sum().backward(create_graph=True)
    (x * x).sum().backward(grad=None)  # glassnet's older keyword still works


def test_gn_function_still_hands_numpy_arrays_to_its_ops():
    class SquareOp(gn.Function):
        @staticmethod
        def forward(ctx, x):
            assert isinstance(x, np.ndarray)
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            assert isinstance(grad, np.ndarray)
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = _x64([3.0])
    SquareOp.apply(x).sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), [6.0])
    assert autograd.Function is not gn.Function and issubclass(autograd.Function, gn.Function)
