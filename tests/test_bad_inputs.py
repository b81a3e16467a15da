"""Bad arguments to the checking helpers, the scalar engine, the pictures, seeds, registries and
activations: each fails with a named error that says what was wrong, or gives the right
result."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn
from glassnet.registry import Registry
from glassnet.scalar import MLP, Neuron, ScalarDomainError, ScalarZeroDivisionError, Value

# ---------------------------------------------------------------- gradcheck, check_same


def _x():
    return gn.tensor([1.0, 2.0], dtype="float64", requires_grad=True)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: gn.gradcheck(None, [_x()]), TypeError, r"fn must be callable, got NoneType"),
        (lambda: gn.gradcheck(lambda t: t.sum(), _x()), TypeError, r"inputs must be a list"),
        (lambda: gn.gradcheck(lambda t: t.sum(), [_x()], eps=0), ValueError, r"eps must be"),
        (lambda: gn.gradcheck(lambda t: t.sum(), [_x()], atol=-1), ValueError, r"atol must"),
        (lambda: gn.gradcheck(lambda t: t.sum(), [_x()], rtol="a"), TypeError, r"rtol must"),
        (lambda: gn.gradcheck(lambda t: t.sum(), [np.ones(2)]), ValueError, r"no input requires"),
        (
            lambda: gn.gradcheck(lambda t: t.sum(), [gn.tensor([1, 2], requires_grad=True)]),
            TypeError,
            r"only float Tensors can require gradients",
        ),
    ],
)
def test_gradcheck_refuses_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "expected, actual, message",
    [
        ("a", "a", r"check_same: expected must hold numbers, got dtype <U1 from str"),
        ([None], [None], r"check_same: expected must hold numbers, got dtype object"),
        ([1.0], [object()], r"check_same: actual must hold numbers, got dtype object"),
    ],
)
def test_check_same_refuses_things_that_are_not_numbers(expected, actual, message):
    with pytest.raises(TypeError, match=message):  # [None] vs [None] passed before
        gn.check_same(expected, actual)


def test_check_same_compares_complex_bool_and_int_values_as_numbers():
    with pytest.raises(AssertionError, match=r"expected 1j, got 2j"):
        gn.check_same([1j], [2j])  # passed before: the imaginary parts were dropped
    assert gn.check_same([1 + 1j], np.array([1 + 1j], dtype=np.complex64))
    with pytest.raises(AssertionError, match=r"expected 1.0, got 0.0"):
        gn.check_same([True], [False])
    with pytest.raises(AssertionError, match=r"1 of 2 elements differ"):
        gn.check_same([1, 2], [1, 3])
    with pytest.raises(ValueError, match=r"check_same: rtol must be a finite number"):
        gn.check_same([1.0], [1.0], rtol=-1)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"layer": lambda x: x}, TypeError, r"layer must be a Module, got function"),
        ({"input_shape": 3}, TypeError, r"input_shape must be a tuple of ints .* got 3"),
        ({"input_shape": (4, -3)}, ValueError, r"input_shape \(4, -3\): each size must be"),
        (
            {"input_shape": (4, 3.0)},
            TypeError,
            r"input_shape \(4, 3.0\): each size must be an int, got float",
        ),
        ({"dtype": "int32"}, TypeError, r"dtype must be a float dtype .* got int32"),
        ({"dtype": "nope"}, TypeError, r"'nope' is not a dtype"),
        ({"samples": 0}, ValueError, r"samples must be an int >= 1, got 0"),
        ({"eps": -1e-6}, ValueError, r"eps must be a finite number"),
    ],
)
def test_check_layer_gradients_refuses_bad_arguments(kwargs, error, message):
    arguments = {"layer": nn.Linear(3, 2, rng=0), "input_shape": (4, 3), **kwargs}
    with pytest.raises(error, match=f"check_layer_gradients: {message}"):
        gn.check_layer_gradients(**arguments)


def test_check_layer_gradients_of_a_wrong_input_shape_names_the_layer():
    with pytest.raises(gn.ShapeError, match=r"Linear\(in_features=3\) got input of shape"):
        gn.check_layer_gradients(nn.Linear(3, 2, rng=0), (4, 5))


# ---------------------------------------------------------------- the scalar engine


def test_value_division_by_zero_and_zero_to_a_negative_power_are_named():
    for call in (lambda: Value(1.0) / 0, lambda: Value(1.0) / Value(0.0), lambda: 1 / Value(0)):
        with pytest.raises(ScalarZeroDivisionError, match=r"Value division by zero: 1 / 0"):
            call()
    with pytest.raises(ZeroDivisionError, match=r"zero cannot be raised to a negative power"):
        Value(0.0) ** -1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Value(-1.0).log(), r"Value.log\(-1\): log needs a positive number"),
        (lambda: Value(0.0).log(), r"Value.log\(0\): log needs a positive number"),
        (lambda: Value(-1.0) ** 0.5, r"Value\(-1\) \*\* 0.5: a negative number to a fractional"),
        (lambda: Value(-8.0) ** Value(1 / 3), r"a negative number to a fractional power"),
    ],
)
def test_value_outside_a_functions_domain_is_named(call, message):
    with pytest.raises(ScalarDomainError, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Value("a"), r"Value: a Value holds a real number, got str 'a'"),
        (lambda: Value(None), r"got NoneType None"),
        (lambda: Value(1j), r"got complex 1j"),
        (lambda: Value(1.0) + "a", r"Value \+ str: a Value holds a real number, got str 'a'"),
        (lambda: "a" * Value(1.0), r"Value \* str"),
        (lambda: Value(1.0) - None, r"Value - NoneType"),
        (lambda: [1] / Value(1.0), r"Value / list"),
        (lambda: Value(2.0) ** "2", r"the exponent must be a number or a Value, got str '2'"),
    ],
)
def test_value_refuses_operands_that_are_not_numbers(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_value_powers_and_overflow_give_right_results():
    a, b = Value(-2.0), Value(3.0)
    out = a**b
    out.backward()
    assert out.data == -8.0 and a.grad == 12.0 and math.isnan(b.grad)  # PyTorch: NaN too
    zero = Value(0.0)
    (zero**0).backward()
    assert zero.grad == 0.0  # d/dx x^0 = 0, not 0 * 0^-1
    assert Value(1000.0).exp().data == math.inf  # NumPy's answer; was an OverflowError
    assert (Value(10.0) ** 400).data == math.inf


def test_neurons_and_mlps_refuse_bad_sizes_and_wrong_input_counts():
    with pytest.raises(gn.ShapeError, match=r"TanhNeuron\(3\) got 2 inputs: it takes 3"):
        Neuron(3, rng=0)([1.0, 2.0])  # zip silently dropped the third weight before
    with pytest.raises(gn.ShapeError, match="got 4 inputs"):
        MLP(3, [2, 1], rng=0)([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=r"MLP: nin must be an int >= 0, got -1"):
        MLP(-1, [2])
    with pytest.raises(ValueError, match=r"MLP: nouts \[2, 0\]: each size must be an int >= 1"):
        MLP(2, [2, 0])
    with pytest.raises(TypeError, match=r"MLP: nouts must be a list of layer sizes, got 3"):
        MLP(2, 3)
    with pytest.raises(ValueError, match=r"MLP: nouts must name at least one layer size"):
        MLP(2, [])


# ---------------------------------------------------------------- seeds, registries


@pytest.mark.parametrize(
    "seed, error, message",
    [
        ("a", TypeError, r"a seed must be an int >= 0, got str 'a'"),
        (1.5, TypeError, r"got float 1.5"),
        (None, TypeError, r"got NoneType None"),
        (True, TypeError, r"got bool True"),
        (-1, ValueError, r"a seed must be an int >= 0, got -1"),
    ],
)
def test_manual_seed_refuses_bad_seeds(seed, error, message):
    with pytest.raises(error, match=f"manual_seed: .*{message}"):
        gn.manual_seed(seed)


def test_rng_arguments_refuse_negative_seeds_by_name():
    with pytest.raises(ValueError, match=r"rng: a seed must be an int >= 0, got -3"):
        nn.Linear(2, 2, rng=-3)
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator"):
        nn.Linear(2, 2, rng="0")
    assert gn.manual_seed(np.int64(3)) is not None


def test_registry_refuses_bad_names_and_factories():
    colors = Registry("color", {"red": lambda: (255, 0, 0)})
    with pytest.raises(TypeError, match=r"color names are non-empty strings, got 3"):
        colors.register(3, lambda: None)
    with pytest.raises(TypeError, match=r"the color factory must be callable .* got int"):
        colors.register("blue", 3)
    with pytest.raises(TypeError, match=r"an activation must be a name or an activation object"):
        nn.get_activation(None)


# ---------------------------------------------------------------- activations


@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda: nn.LeakyReLU("a"),
            TypeError,
            r"LeakyReLU: negative_slope must be a number, got str",
        ),
        (lambda: nn.ELU(None), TypeError, r"ELU: alpha must be a number, got NoneType"),
        (lambda: nn.ELU(float("nan")), ValueError, r"ELU: alpha must be a finite number"),
        (lambda: nn.GELU("nope"), ValueError, r"GELU: approximate must be 'none' or 'tanh'"),
        (lambda: nn.Softmax(1.0), TypeError, r"Softmax: dim must be an int, got float"),
        (lambda: nn.LogSoftmax("x"), TypeError, r"LogSoftmax: dim must be an int, got str"),
    ],
)
def test_activations_refuse_bad_settings(make, error, message):
    with pytest.raises(error, match=message):  # failed at the first call, inside NumPy, before
        make()


# ---------------------------------------------------------------- pictures


def test_draw_graph_refuses_what_it_cannot_draw():
    from glassnet.viz import draw_graph

    x = gn.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"root must be a scalar Value or a Tensor, got int"):
        draw_graph(3)
    with pytest.raises(TypeError, match=r"root must be .* got ndarray"):
        draw_graph(np.ones(2))
    with pytest.raises(ValueError, match=r"draw_graph: max_nodes must be an int >= 1, got 0"):
        draw_graph(x * 2, max_nodes=0)
    with pytest.raises(TypeError, match=r"draw_graph: max_nodes must be an int, got str"):
        draw_graph(x * 2, max_nodes="a")
    with pytest.raises(TypeError, match=r"names must be a Module or a dict of name -> Tensor"):
        draw_graph(x * 2, names=3)
    with pytest.raises(ValueError, match=r"rankdir must be 'LR', 'TB', 'RL' or 'BT', got 'up'"):
        draw_graph(x * 2, rankdir="up")
    model = nn.Linear(2, 1, rng=0)
    assert "weight" in draw_graph(model(np.ones((1, 2))), names=model).source


def test_plots_refuse_bad_inputs_by_name():
    from glassnet.viz import (
        plot_confusion_matrix,
        plot_decision_boundary,
        plot_history,
        show_images,
    )

    model = nn.Linear(2, 2, rng=0)
    cases = [
        (
            lambda: plot_history({"loss": [1.0]}, metrics=["acc"]),
            ValueError,
            r"plot_history: the history has no \['acc'\]; it holds \['loss'\]",
        ),
        (lambda: plot_history("abc"), TypeError, r"history must be a History or a dict"),
        (lambda: plot_history({}), ValueError, r"nothing to plot"),
        (
            lambda: plot_decision_boundary(model, np.ones((0, 2)), []),
            ValueError,
            r"X holds no points",
        ),
        (
            lambda: plot_decision_boundary(model, np.ones((3, 2)), [0, 1]),
            gn.ShapeError,
            r"y has shape \(2,\) but X has 3 points",
        ),
        (
            lambda: plot_decision_boundary(model, np.ones((3, 3)), [0, 1, 0]),
            gn.ShapeError,
            r"needs 2-D inputs \(N, 2\), got \(3, 3\)",
        ),
        (
            lambda: plot_decision_boundary(model, np.ones((3, 2)), [0, 1, 0], resolution=1),
            ValueError,
            r"resolution must be an int >= 2, got 1",
        ),
        (lambda: show_images(np.ones((0, 784))), ValueError, r"no images to show"),
        (lambda: show_images(np.ones((2, 784)), n=0), ValueError, r"n must be an int >= 1"),
        (
            lambda: show_images(np.ones((2, 783))),
            gn.ShapeError,
            r"an image of 783 values .* cannot be shown as \(28, 28\); pass shape=",
        ),
        (lambda: show_images(np.ones((2, 4)), labels=[1]), ValueError, r"1 labels for 2 images"),
        (
            lambda: show_images(np.ones((2, 4)), predictions=[1]),
            ValueError,
            r"1 predictions for 2 images",
        ),
        (
            lambda: plot_confusion_matrix(np.ones((2, 3))),
            gn.ShapeError,
            r"needs a square matrix of counts \(C, C\), got shape \(2, 3\)",
        ),
        (lambda: plot_confusion_matrix(np.ones(3)), gn.ShapeError, r"got shape \(3,\)"),
        (lambda: plot_confusion_matrix([["a"]]), gn.ShapeError, r"of dtype <U1"),
        (
            lambda: plot_confusion_matrix(np.ones((3, 3)), labels=["a"]),
            ValueError,
            r"1 labels for a 3x3 matrix",
        ),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=message):
            call()


def test_plot_history_refuses_lists_of_different_lengths_and_non_lists():
    from glassnet.viz import plot_history

    with pytest.raises(ValueError, match=r"'val_loss' has 2 values but 'loss' has 3"):
        plot_history({"loss": [3.0, 2.0, 1.0], "val_loss": [3.0, 2.0]})  # matplotlib's error
    with pytest.raises(TypeError, match=r"'loss' must be a list of per-epoch values, got float"):
        plot_history({"loss": 1.0})


def test_registries_name_a_class_given_instead_of_an_instance():
    with pytest.raises(TypeError, match=r"got the class ReLU; pass an instance, ReLU\(\)"):
        nn.Dense(2, 2, nn.ReLU)
    with pytest.raises(TypeError, match=r"got the class HeNormal; pass an instance, HeNormal\(\)"):
        nn.Linear(2, 2, weight_init=nn.init.HeNormal)  # "HeNormal() takes no arguments" before


def test_check_layer_gradients_refuses_dropout_in_training_mode():
    model = nn.Sequential(nn.Linear(3, 2, rng=0), nn.Dropout(0.5))
    with pytest.raises(ValueError, match=r"1 \(Dropout, p=0.5\) drops at random in training"):
        gn.check_layer_gradients(model, (4, 3))
    assert gn.check_layer_gradients(model.eval(), (4, 3), samples=1)["input"] < 1e-6


def test_sequential_slice_step_zero_is_named():
    with pytest.raises(ValueError, match=r"Sequential: a slice step cannot be zero"):
        nn.Sequential(nn.ReLU())[::0]
