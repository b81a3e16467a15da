"""The Tensor's PyTorch API: size(), numel(), dim(), item(), conversions, dtypes, devices."""

import numpy as np
import pytest

import glassnet as gn


def test_size_is_a_method_with_the_element_count_as_its_plain_value():
    x = gn.zeros(2, 3)
    assert x.size() == (2, 3) and isinstance(x.size(), gn.Size) and isinstance(x.size(), tuple)
    assert x.size(0) == 2 and x.size(-1) == 3 and x.size().numel() == 6
    assert x.size == 6 and x.numel() == 6 and x.nelement() == 6  # NumPy's reading still holds
    assert repr(x.size()) == "glassnet.Size([2, 3])"
    with pytest.raises(IndexError, match="dim=2"):
        x.size(2)


def test_shape_queries():
    x = gn.zeros(2, 3, 4)
    assert x.dim() == 3 and x.ndim == 3 and x.shape == (2, 3, 4) and x.ndimension() == 3
    assert x.element_size() == 4 and gn.zeros(2, dtype=gn.float64).element_size() == 8
    assert x.contiguous() is x and x.is_contiguous() and x.is_floating_point()
    assert not gn.tensor([1]).is_floating_point() and gn.numel(x) == 24
    assert gn.is_tensor(x) and not gn.is_tensor(np.zeros(2)) and gn.is_floating_point(x)


def test_mT_swaps_the_last_two_dims_and_is_differentiable():
    x = gn.tensor(np.arange(6.0).reshape(1, 2, 3), requires_grad=True)
    assert x.mT.shape == (1, 3, 2)
    np.testing.assert_array_equal(x.mT.data, np.swapaxes(x.data, -2, -1))
    x.mT.sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), np.ones((1, 2, 3)))


def test_python_numbers_from_one_element_tensors():
    t = gn.tensor([[2.5]])
    assert t.item() == 2.5 and float(t) == 2.5 and int(gn.tensor(3)) == 3
    assert [10, 20, 30][gn.tensor(1)] == 20
    with pytest.raises(ValueError, match="one-element"):
        gn.zeros(2).item()
    with pytest.raises(TypeError, match="integer"):
        [1, 2][gn.tensor(1.0)]


def test_is_leaf_grad_fn_detach():
    w = gn.ones(2, requires_grad=True)
    y = w * 2
    assert w.is_leaf and not y.is_leaf and y.grad_fn is not None and w.grad_fn is None
    y.detach_()
    assert y.is_leaf and not y.requires_grad


def test_dtype_objects_and_aliases():
    assert gn.float32 is np.float32 and gn.float is gn.float32 and gn.double is gn.float64
    assert gn.half is gn.float16 and gn.long is gn.int64 and gn.int is gn.int32
    assert gn.bool is np.bool_ and gn.short is gn.int16 and gn.uint8 is np.uint8
    assert gn.tensor([1.0]).dtype == gn.float and gn.tensor([1]).dtype == gn.long
    assert "float" not in gn.__all__ and "int" not in gn.__all__
    assert gn.finfo(gn.float32).eps == np.finfo(np.float32).eps and gn.iinfo(gn.int8).max == 127


def test_casts_keep_the_values_and_change_the_dtype():
    x = gn.tensor([1.5, -2.5])
    assert x.double().dtype == np.float64 and x.half().dtype == np.float16
    assert x.long().tolist() == [1, -2] and x.int().dtype == np.int32
    assert x.bool().tolist() == [True, True] and x.float() is not None
    assert x.type() == "glassnet.FloatTensor" and x.long().type() == "glassnet.LongTensor"
    assert x.type(gn.float64).dtype == np.float64
    assert x.type("glassnet.DoubleTensor").dtype == np.float64
    assert x.type_as(gn.zeros(1, dtype=gn.int64)).dtype == np.int64


def test_to_takes_dtypes_devices_and_tensors():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    assert x.to("cpu") is x and x.to(gn.device("cpu")) is x and x.cpu() is x
    assert x.to(gn.float64).dtype == np.float64 and x.to("cpu", gn.float64).dtype == np.float64
    assert x.to(dtype=gn.float16, device="cpu").dtype == np.float16
    assert x.to(gn.zeros(1, dtype=gn.int64)).dtype == np.int64
    assert x.to(gn.float32) is x
    copied = x.to("cpu", copy=True)
    assert copied is not x and copied.data is not x.data
    y = x.to(gn.float64)
    y.sum().backward()  # the cast is differentiable
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps"])
def test_any_device_but_the_cpu_is_a_clear_error(name):
    with pytest.raises(RuntimeError, match="CPU only"):
        gn.device(name)
    with pytest.raises(RuntimeError, match="CPU only"):
        gn.zeros(2, device=name)
    with pytest.raises(RuntimeError, match="CPU only"):
        gn.zeros(2).to(name)
    with pytest.raises(RuntimeError, match="CPU only"):
        gn.set_default_device(name)


def test_devices():
    assert gn.zeros(1).device == gn.device("cpu") and gn.zeros(1).device == "cpu"
    assert str(gn.device("cpu")) == "cpu" and gn.device("cpu:0").index == 0
    assert not gn.cuda.is_available() and gn.cuda.device_count() == 0
    gn.set_default_device("cpu")
    assert gn.get_default_device() == "cpu" and not gn.zeros(1).is_cuda
    with pytest.raises(RuntimeError, match="CPU only"):
        gn.zeros(1).cuda()
    with pytest.raises(RuntimeError, match="pin"):
        gn.empty(2, pin_memory=True)
    assert gn.empty(2, pin_memory=False).shape == (2,)


def test_default_dtype_governs_python_floats_and_creation():
    assert gn.get_default_dtype() is gn.float32
    gn.set_default_dtype(gn.float64)
    try:
        assert gn.tensor([1.5]).dtype == np.float64 and gn.zeros(2).dtype == np.float64
        assert gn.rand(2).dtype == np.float64 and gn.arange(0.0, 1.0, 0.5).dtype == np.float64
        assert gn.tensor([1]).dtype == np.int64
    finally:
        gn.set_default_dtype(gn.float32)
    assert gn.tensor([1.5]).dtype == np.float32
    with pytest.raises(TypeError, match="floating-point"):
        gn.set_default_dtype(gn.int64)


def test_grad_mode_helpers():
    @gn.no_grad()
    def called():
        return gn.is_grad_enabled()

    @gn.no_grad
    def bare():
        return gn.is_grad_enabled()

    assert called() is False and bare() is False and gn.is_grad_enabled()
    with gn.inference_mode():
        assert not gn.is_grad_enabled()
        with gn.inference_mode(False):
            assert not gn.is_grad_enabled()
    assert gn.is_grad_enabled()


def test_set_printoptions_sets_the_tensor_repr_precision():
    try:
        gn.set_printoptions(precision=2)
        assert "3.14," in repr(gn.tensor([3.14159, 1.0]))
    finally:
        gn.set_printoptions(profile="default")
    assert "3.1416" in repr(gn.tensor([3.14159, 1.0]))


def test_new_tensors_take_this_ones_dtype():
    x = gn.zeros(2, dtype=gn.float64)
    assert x.new_zeros(3).dtype == np.float64 and x.new_ones((2, 2)).shape == (2, 2)
    assert x.new_full((2,), 7).tolist() == [7.0, 7.0] and x.new_tensor([1]).dtype == np.float64
    assert x.new_empty(4).shape == (4,)


def test_bfloat16_is_named_in_an_error_not_silently_the_default_dtype():
    with pytest.raises(TypeError, match="bfloat16"):
        gn.zeros(2, dtype=gn.bfloat16)
    with pytest.raises(TypeError, match="bfloat16"):
        gn.ones(2).to(gn.bfloat16)
