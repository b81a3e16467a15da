"""Bad arguments to the layers fail at once with a named error that names the argument; the
settings PyTorch has (BatchNorm1d's momentum=None, Embedding's padding_idx) compute as PyTorch."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.errors import IndexOutOfRangeError
from glassnet.nn import functional as F
from glassnet.nn import init
from glassnet.nn.embedding import EmbeddingOp
from glassnet.nn.state import IncompatibleKeys, StateDictKeyError

# ---------------------------------------------------------------- Linear, Bias, Dense, Flatten


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((-1, 2), ValueError, r"Linear: in_features must be an int >= 0, got -1"),
        ((2, -1), ValueError, r"Linear: out_features must be an int >= 0, got -1"),
        ((2.5, 2), TypeError, r"Linear: in_features must be an int, got float 2.5"),
        ((2, 3.0), TypeError, r"Linear: out_features must be an int, got float 3.0"),
        ((True, 2), TypeError, r"Linear: in_features must be an int, got bool True"),
        (("3", 2), TypeError, r"Linear: in_features must be an int, got str '3'"),
        ((2, None), TypeError, r"Linear: out_features must be an int, got NoneType"),
    ],
)
def test_linear_refuses_bad_sizes(args, error, message):
    with pytest.raises(error, match=message):
        nn.Linear(*args)


def test_lazy_linear_checks_its_rng_when_built():
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator, an int seed"):
        nn.Dense(3, activation="relu", rng="seed")  # failed only at the first call before


def test_linear_bias_must_be_a_bool():
    with pytest.raises(TypeError, match="Linear: bias must be True or False, got str 'no'"):
        nn.Linear(2, 2, bias="no")


def test_linear_with_zero_sizes_works_as_pytorch():
    empty_in = nn.Linear(0, 2, rng=0)  # was a ZeroDivisionError in the initializer
    np.testing.assert_array_equal(empty_in.bias.numpy(), [0.0, 0.0])  # bound 0, as PyTorch
    np.testing.assert_array_equal(empty_in(np.ones((3, 0))).numpy(), np.zeros((3, 2)))
    assert nn.Linear(2, 0, rng=0)(np.ones((3, 2))).shape == (3, 0)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nn.Bias(-1), ValueError, r"Bias: n must be an int >= 0, got -1"),
        (lambda: nn.Bias(2.5), TypeError, r"Bias: n must be an int, got float"),
        (lambda: nn.Dense(-3), ValueError, r"out_features must be an int >= 0, got -3"),
        (lambda: nn.Dense(3, 4, 5), TypeError, r"an activation must be a name"),
        (lambda: nn.Flatten("a"), TypeError, r"Flatten: start_dim must be an int, got str"),
        (lambda: nn.Flatten(1.0), TypeError, r"Flatten: start_dim must be an int, got float"),
    ],
)
def test_bias_dense_flatten_refuse_bad_settings(make, error, message):
    with pytest.raises(error, match=message):
        make()


# ---------------------------------------------------------------- Dropout


@pytest.mark.parametrize(
    "p, error",
    [
        ("0.5", TypeError),
        (None, TypeError),
        (True, TypeError),
        (-0.1, ValueError),
        (1, ValueError),
        (1.5, ValueError),
        (float("nan"), ValueError),
    ],
)
def test_dropout_refuses_bad_p(p, error):
    with pytest.raises(error, match=r"Dropout: p must be"):
        nn.Dropout(p)


# ---------------------------------------------------------------- BatchNorm1d


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"num_features": 0}, ValueError, r"num_features must be an int >= 1, got 0"),
        ({"num_features": -2}, ValueError, r"num_features must be an int >= 1, got -2"),
        ({"num_features": 2.0}, TypeError, r"num_features must be an int, got float"),
        ({"num_features": 2, "eps": 0}, ValueError, r"eps must be a finite number in \(0"),
        ({"num_features": 2, "eps": -1}, ValueError, r"eps must be a finite number in \(0"),
        ({"num_features": 2, "eps": "a"}, TypeError, r"eps must be a number, got str"),
        ({"num_features": 2, "momentum": 2}, ValueError, r"momentum must be .* \[0.0, 1.0\]"),
        ({"num_features": 2, "momentum": "a"}, TypeError, r"momentum must be a number"),
        ({"num_features": 2, "affine": 1}, TypeError, r"affine must be True or False"),
    ],
)
def test_batchnorm_refuses_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=f"BatchNorm1d: {message}"):
        nn.BatchNorm1d(**kwargs)


def test_batchnorm_momentum_none_keeps_the_cumulative_average():
    rng = np.random.default_rng(0)
    batches = [rng.standard_normal((4, 3)) for _ in range(3)]
    bn = nn.BatchNorm1d(3, momentum=None).double()
    for batch in batches:
        bn(batch)
    # PyTorch: factor 1/n at the n-th batch, so the running stats are the plain averages
    expected_mean = np.mean([b.mean(axis=0) for b in batches], axis=0)
    expected_var = np.mean([b.var(axis=0, ddof=1) for b in batches], axis=0)
    np.testing.assert_allclose(bn.running_mean, expected_mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, expected_var, rtol=1e-12)
    assert int(bn.num_batches_tracked) == 3
    assert bn.get_config()["momentum"] is None
    bn.eval()
    expected = (batches[0] - expected_mean) / np.sqrt(expected_var + 1e-5)
    np.testing.assert_allclose(bn(batches[0]).numpy(), expected, rtol=1e-10)


def test_batchnorm_momentum_none_survives_save_and_load():
    model = nn.Sequential(nn.BatchNorm1d(2, momentum=None))
    model(np.arange(8.0).reshape(4, 2))
    clone = nn.Sequential.from_config(model.get_config())
    clone.load_state_dict(model.state_dict())
    assert clone[0].momentum is None
    clone(np.ones((4, 2)))  # third batch: factor 1/2 with the loaded count 1
    np.testing.assert_allclose(clone[0].running_mean, (np.array([3.0, 4.0]) + 1.0) / 2)


def test_batchnorm_wrong_feature_count_and_eval_mode():
    bn = nn.BatchNorm1d(2)
    with pytest.raises(gn.ShapeError, match=r"num_features=2\) got input of shape \(4, 3\)"):
        bn(np.ones((4, 3)))
    bn.eval()
    np.testing.assert_allclose(bn(np.ones((1, 2))).numpy(), np.full((1, 2), 1 / np.sqrt(1 + 1e-5)))


# ---------------------------------------------------------------- Embedding


def test_embedding_out_of_range_is_a_named_index_error():
    emb = nn.Embedding(3, 2, rng=0)
    for bad, position in (([0, 5], (1,)), ([[0, 1], [-1, 2]], (1, 0)), ([3], (0,))):
        with pytest.raises(IndexOutOfRangeError, match=rf"at position \({position[0]},"):
            emb(np.array(bad))
    with pytest.raises(IndexError, match=r"Embedding\(3, 2\) got index -1"):
        emb(np.array([-1]))


@pytest.mark.parametrize("indices", [np.array([0.0, 1.0]), np.array([True]), [0.5]])
def test_embedding_refuses_non_integer_indices(indices):
    with pytest.raises(TypeError, match=r"Embedding\(3, 2\) expects integer indices"):
        nn.Embedding(3, 2)(indices)
    with pytest.raises(TypeError, match=r"integer"):
        nn.Embedding(3, 2)(np.array([1j]))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"num_embeddings": -1, "embedding_dim": 2}, ValueError, "num_embeddings must be"),
        ({"num_embeddings": 3, "embedding_dim": 2.0}, TypeError, "embedding_dim must be an int"),
        (
            {"num_embeddings": 3, "embedding_dim": 2, "padding_idx": 3},
            ValueError,
            r"padding_idx .* \[-3, 3\)",
        ),
        (
            {"num_embeddings": 3, "embedding_dim": 2, "padding_idx": -4},
            ValueError,
            "padding_idx .*got -4",
        ),
        ({"num_embeddings": 3, "embedding_dim": 2, "padding_idx": 1.0}, TypeError, "padding_idx"),
    ],
)
def test_embedding_refuses_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=f"Embedding: {message}"):
        nn.Embedding(**kwargs)


@pytest.mark.parametrize("padding_idx, row", [(1, 1), (-1, 3)])
def test_embedding_padding_row_is_zero_and_gets_no_gradient(padding_idx, row):
    emb = nn.Embedding(4, 2, padding_idx=padding_idx, rng=0)
    assert emb.padding_idx == row
    np.testing.assert_array_equal(emb.weight.numpy()[row], [0.0, 0.0])
    assert np.all(np.delete(emb.weight.numpy(), row, axis=0) != 0)
    idx = np.array([[row, 0], [row, 2]])
    out = emb(idx)
    (out * gn.tensor(np.arange(8.0).reshape(2, 2, 2))).sum().backward()
    expected = np.zeros((4, 2))
    expected[0] = [2.0, 3.0]
    expected[2] = [6.0, 7.0]
    np.testing.assert_array_equal(emb.weight.grad, expected)  # nothing for the padding row
    assert emb.get_config()["padding_idx"] == row
    assert "padding_idx" in repr(emb)


def test_embedding_gradient_matches_central_differences():
    idx = np.array([[1, 1, 2], [4, 0, 2]])
    table = gn.randn(5, 3, rng=0, dtype="float64", requires_grad=True)
    assert gn.gradcheck(lambda w: EmbeddingOp.apply(w, indices=idx, padding_idx=None), [table])
    emb = nn.Embedding(5, 3, padding_idx=2, rng=0).double()
    weight = emb.weight
    out = emb(idx)
    (out * out).sum().backward()
    expected = np.zeros((5, 3))
    np.add.at(expected, idx, 2 * weight.numpy()[idx])
    expected[2] = 0.0
    np.testing.assert_allclose(weight.grad, expected)


# ---------------------------------------------------------------- initializers


@pytest.mark.parametrize(
    "shape, error, message",
    [
        ((-1, 3), ValueError, r"GlorotUniform: shape \(-1, 3\): each size must be an int >= 0"),
        ("ab", TypeError, r"GlorotUniform: shape must be an int or a tuple of ints, got 'ab'"),
        ((2.5, 3), TypeError, r"shape \(2.5, 3\): each size must be an int, got float"),
        (None, TypeError, r"shape must be an int or a tuple of ints, got None"),
        (-2, ValueError, r"each size must be an int >= 0, got -2"),
    ],
)
def test_initializers_refuse_bad_shapes(shape, error, message):
    with pytest.raises(error, match=message):
        init.GlorotUniform()(shape, rng=0)


@pytest.mark.parametrize("name", ["glorot_uniform", "glorot_normal", "he_normal", "he_uniform"])
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0,), (0, 0), (2, 0, 5)])
def test_initializers_give_empty_arrays_for_zero_sizes(name, shape):
    out = init.get(name)(shape, rng=0)  # was a ZeroDivisionError computing the bound
    assert out.shape == shape and out.dtype == np.float32


def test_fans_of_small_shapes():
    assert init.fans(()) == (1, 1)
    assert init.fans((5,)) == (5, 5)
    assert init.fans((3, 4)) == (3, 4)
    assert init.fans((3, 4, 2, 2)) == (12, 16)
    assert init.fans((0, 4)) == (0, 4)
    np.testing.assert_array_equal(init.Ones()(3), [1.0, 1.0, 1.0])  # an int shape is (n,)
    assert init.Ones()(np.array([2, 1])).shape == (2, 1)  # an array of sizes, like x.shape


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: init.Normal(0.0, -1.0), ValueError, r"Normal: std must be a finite number in"),
        (lambda: init.Normal("a"), TypeError, r"Normal: mean must be a number, got str"),
        (lambda: init.Uniform(1.0, 0.0), ValueError, r"Uniform: high must be .* \[1.0, inf\)"),
        (lambda: init.Uniform(0.0, float("inf")), ValueError, r"Uniform: high must be a finite"),
        (lambda: init.GlorotUniform(gain=-1), ValueError, r"GlorotUniform: gain must be"),
        (lambda: init.GlorotNormal(gain="x"), TypeError, r"GlorotNormal: gain must be a number"),
        (lambda: init.HeUniform(a=None), TypeError, r"HeUniform: a must be a number"),
        (
            lambda: init.Constant("a"),
            TypeError,
            r"Constant: value must be a number .*\(dtype <U1\)",
        ),
        (lambda: init.Constant(None), TypeError, r"Constant: value must be a number"),
        (lambda: init.get(3), TypeError, r"an initializer must be a name or an initializer"),
        (lambda: init.get("nope"), ValueError, r"unknown initializer 'nope'"),
    ],
)
def test_initializers_refuse_bad_settings(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_initializers_refuse_integer_dtypes_and_wrong_constant_shapes():
    with pytest.raises(
        TypeError, match=r"Normal: dtype must be a float dtype \(weights are floats\), got int32"
    ):
        init.Normal()((2,), rng=0, dtype="int32")  # silently gave [0 0] before
    with pytest.raises(TypeError, match=r"Zeros: 'nope' is not a dtype"):
        init.Zeros()((2,), dtype="nope")
    with pytest.raises(gn.ShapeError, match=r"holds shape \(2,\), but the weight has shape \(3,\)"):
        init.Constant([1.0, 2.0])((3,))
    with pytest.raises(gn.ShapeError, match=r"holds shape \(1, 2\), but .* shape \(2, 2\)"):
        nn.Linear(2, 2, weight_init=init.Constant([[1.0, 2.0]]))


# ---------------------------------------------------------------- state, dtypes, Parameter


def test_load_state_dict_key_errors_are_named_and_print_plainly():
    model = nn.Linear(2, 2, rng=0)
    with pytest.raises(StateDictKeyError) as caught:
        model.load_state_dict({"weight": np.zeros((2, 2)), "extra": 1})
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == (
        "Linear.load_state_dict: missing keys ['bias'], unexpected keys ['extra']"
    )  # a plain KeyError would print it inside quotes
    with pytest.raises(StateDictKeyError, match=r"unexpected keys \[1, 'a'\]"):
        model.load_state_dict({**model.state_dict(), 1: 2, "a": 3})  # was a TypeError in sorted


@pytest.mark.parametrize(
    "value, message",
    [
        ("ab", r"'weight' is str of dtype <U2 in the state, which cannot be cast to .* float32"),
        (None, r"'weight' is NoneType of dtype object"),
        (np.full((2, 2), 1j), r"'weight' is ndarray of dtype complex128 .* float32"),
        ([["a", "b"], ["c", "d"]], r"'weight' is list of dtype <U1"),
    ],
)
def test_load_state_dict_refuses_values_that_are_not_real_numbers(value, message):
    model = nn.Linear(2, 2, rng=0)
    before = model.state_dict()
    with pytest.raises(TypeError, match=f"Linear.load_state_dict: {message}"):
        model.load_state_dict({"weight": value, "bias": np.ones(2)})
    for key, array in model.state_dict().items():  # nothing was loaded
        np.testing.assert_array_equal(array, before[key])


def test_load_state_dict_refuses_floats_for_an_integer_buffer_and_non_dicts():
    bn = nn.BatchNorm1d(2)
    state = {**bn.state_dict(), "num_batches_tracked": np.array(2.5)}
    with pytest.raises(TypeError, match=r"'num_batches_tracked' .* float64 .* int64"):
        bn.load_state_dict(state)  # was silently truncated to 2
    with pytest.raises(TypeError, match=r"state must be a dict of name -> array .* got list"):
        bn.load_state_dict([1, 2])
    with pytest.raises(TypeError, match=r"strict must be True or False, got 'no'"):
        bn.load_state_dict(bn.state_dict(), strict="no")


def test_load_state_dict_partial_loads_report_what_they_skipped():
    model = nn.Sequential(nn.Linear(2, 2, rng=0), nn.BatchNorm1d(2))
    result = model.load_state_dict(
        {"0.weight": np.ones((2, 2)), "1.running_mean": [5, 6], "typo.bias": 1}, strict=False
    )
    assert isinstance(result, IncompatibleKeys)
    assert result.missing_keys == [
        "0.bias",
        "1.bias",
        "1.num_batches_tracked",
        "1.running_var",
        "1.weight",
    ]
    assert result.unexpected_keys == ["typo.bias"]
    np.testing.assert_array_equal(model[0].weight.numpy(), np.ones((2, 2)))
    np.testing.assert_array_equal(model[1].running_mean, [5.0, 6.0])
    assert model[1].running_mean.dtype == np.float32
    assert model.load_state_dict(model.state_dict()) == IncompatibleKeys([], [])


@pytest.mark.parametrize("dtype", ["int32", np.int64, "bool", "complex64"])
def test_module_to_refuses_non_float_dtypes(dtype):
    model = nn.Sequential(nn.Linear(2, 2, rng=0), nn.BatchNorm1d(2))
    with pytest.raises(TypeError, match=r"Sequential.to\('.*'\): parameters are floats"):
        model.to(dtype)  # silently made integer parameters before
    assert model[0].weight.dtype == np.float32
    with pytest.raises(TypeError, match=r"'nope' is not a dtype"):
        model.to("nope")
    assert model.to("float64")[1].running_var.dtype == np.float64


def test_parameter_of_integers_or_strings_is_refused():
    with pytest.raises(TypeError, match=r"only float Tensors can require gradients.*int64"):
        nn.Parameter([1, 2])
    with pytest.raises(TypeError, match=r"a Tensor holds bool, integer or float numbers"):
        nn.Parameter("a")


# ---------------------------------------------------------------- Sequential


def _three_layers():
    return nn.Sequential([nn.Linear(4, 3, rng=0), nn.ReLU(), nn.Linear(3, 2, rng=1)], name="m")


@pytest.mark.parametrize("index", [3, -4, 10**30])
def test_sequential_index_out_of_range_is_named(index):
    with pytest.raises(IndexOutOfRangeError, match=rf"'m' has 3 layers: index {index} is out"):
        _three_layers()[index]


@pytest.mark.parametrize(
    "index, message",
    [
        ("0", r"got str '0'; for a layer by name use getattr\(model, '0'\)"),
        (1.0, r"got float 1.0"),
        (None, r"got NoneType None"),
        (True, r"got bool True"),
    ],
)
def test_sequential_index_of_the_wrong_type_is_named(index, message):
    with pytest.raises(TypeError, match=f"Sequential indices are ints or slices, {message}"):
        _three_layers()[index]


def test_sequential_indexing_slicing_and_item_assignment_as_pytorch():
    model = _three_layers()
    assert model[-1] is model[2] and model[np.int64(1)] is model[1]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is model[0]
    assert len(model[5:]) == 0
    model[1] = nn.Tanh()
    assert isinstance(model[1], nn.Tanh)
    with pytest.raises(TypeError, match=r"holds Modules, got function \(a function"):
        model[1] = lambda x: x
    with pytest.raises(IndexError, match="index 3 is out of range"):
        model[3] = nn.ReLU()
    del model[1]
    assert [type(m).__name__ for m in model] == ["Linear", "Linear"]
    assert list(dict(model.named_parameters())) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    with pytest.raises(TypeError, match="Sequential holds Modules, got int"):
        model.append(3)
    with pytest.raises(TypeError, match="name must be a string, got int"):
        nn.Sequential(nn.ReLU(), name=3)
    with pytest.raises(TypeError, match="Sequential holds Modules, got int"):
        nn.Sequential({"relu": 3})


@pytest.mark.parametrize(
    "input_shape, error, message",
    [
        ("a", TypeError, r"input_shape must be the shape of one sample.* got 'a'"),
        ((-1,), TypeError, r"a tuple of ints >= 0 .* got \(-1,\)"),
        ((4.0,), TypeError, r"got \(4.0,\)"),
        ((10**6, 10**6), ValueError, r"holds 1,000,000,000,000 numbers per sample"),
        ((5,), gn.ShapeError, r"summary\(input_shape=\(5,\)\).*last axis must be 4"),
    ],
)
def test_sequential_summary_refuses_bad_input_shapes(input_shape, error, message):
    with pytest.raises(error, match=message):
        nn.Sequential(nn.Linear(4, 2, rng=0)).summary(input_shape=input_shape)


def test_sequential_summary_takes_an_int_input_shape():
    text = nn.Sequential(nn.Linear(4, 2, rng=0)).summary(input_shape=4)
    assert "(None, 2)" in text


# ---------------------------------------------------------------- losses


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nn.HuberLoss(-1.0), ValueError, r"HuberLoss: delta must be .* \(0.0, inf\)"),
        (lambda: nn.HuberLoss(0), ValueError, r"HuberLoss: delta must be .* got 0"),
        (lambda: nn.HuberLoss(delta="a"), TypeError, r"HuberLoss: delta must be a number, got str"),
        (lambda: nn.HuberLoss("a"), ValueError, r"HuberLoss: reduction must be one of"),
        (lambda: nn.CrossEntropyLoss(label_smoothing=2), ValueError, r"label_smoothing .*2"),
        (lambda: nn.CrossEntropyLoss(ignore_index=1.5), TypeError, r"ignore_index must be an"),
        (lambda: nn.MSELoss("avg"), ValueError, r"MSELoss: reduction must be one of"),
    ],
)
def test_losses_refuse_bad_settings(make, error, message):
    with pytest.raises(error, match=message):  # a negative delta gave a negative loss before
        make()


def test_losses_refuse_targets_that_are_not_numbers_and_one_hot_checks_num_classes():
    with pytest.raises(TypeError, match=r"mse_loss: target must hold numbers, got list of dtype"):
        nn.MSELoss()(np.ones(2), ["a", "b"])
    with pytest.raises(ValueError, match=r"huber_loss: delta must be"):
        F.huber_loss(np.ones(2), np.zeros(2), delta=-1.0)
    with pytest.raises(TypeError, match=r"one_hot: num_classes must be an int, got float 2.5"):
        F.one_hot(np.array([0, 1]), 2.5)
    with pytest.raises(ValueError, match=r"one_hot: num_classes must be an int >= -1, got -5"):
        F.one_hot(np.array([0, 1]), -5)
    wide = F.one_hot(np.array([[3], [1]]), 10**7)  # np.eye built a 10^7 x 10^7 table first
    assert wide.shape == (2, 1, 10**7) and int(wide.numpy().sum()) == 2
    assert wide.numpy()[0, 0, 3] == 1 and wide.numpy()[1, 0, 1] == 1
