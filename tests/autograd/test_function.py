import numpy as np
import pytest

import glassnet as gn


class Cube(gn.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x**2


def test_user_function_with_hand_written_backward():
    x = gn.tensor([1.0, -2.0], dtype=np.float64, requires_grad=True)
    assert gn.gradcheck(Cube.apply, [x])
    Cube.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad, [3.0, 12.0])


def test_design_doc_sin_example():
    class Sin(gn.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return np.sin(x)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * np.cos(x)

    x = gn.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    z = Sin.apply(x)
    z.sum().backward()
    np.testing.assert_allclose(x.grad, np.cos(x.numpy()), rtol=1e-6)


def test_keyword_settings_and_scalar_inputs():
    class ScaledAdd(gn.Function):
        @staticmethod
        def forward(ctx, a, b, scale=1.0):
            ctx.scale = scale
            return scale * (a + b)

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.scale, None

    a = gn.tensor([1.0, 2.0], requires_grad=True)
    out = ScaledAdd.apply(a, 5.0, scale=2.0)
    assert out.dtype == np.float32
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0, 2.0])


def test_a_gradient_of_the_wrong_shape_is_a_shape_error_naming_the_function():
    class Broken(gn.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum(axis=0)

        @staticmethod
        def backward(ctx, grad):
            return np.ones(7)

    x = gn.ones(3, 4, requires_grad=True)
    with pytest.raises(gn.ShapeError, match=r"Broken\.backward .* \(7,\) for input 0, .*\(3, 4\)"):
        Broken.apply(x).sum().backward()


def test_the_wrong_number_of_gradients_is_reported():
    class TwoForOne(gn.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    x = gn.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match=r"TwoForOne\.backward returned 2 gradient\(s\) for 1"):
        TwoForOne.apply(x).sum().backward()


def test_saved_tensors_after_release_explains_retain_graph():
    x = gn.ones(2, requires_grad=True)
    y = Cube.apply(x)
    y.sum().backward()
    with pytest.raises(gn.GraphFreedError, match="retain_graph"):
        _ = y._ctx.saved_tensors
