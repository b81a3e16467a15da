"""Each optimizer against its update equations, written out here by hand.

The problem: f(w) = 1/2 sum(c * w^2), so the gradient is g = c * w; w starts at (1, -2).
"""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn, optim

C = np.array([1.0, 3.0])
W0 = np.array([1.0, -2.0])
STEPS = 5


def glassnet_trajectory(make_optimizer):
    w = nn.Parameter(W0.copy())
    opt = make_optimizer([w])
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        (0.5 * C * w * w).sum().backward()
        opt.step()
        path.append(w.numpy().copy())
    return np.array(path)


def sgd_by_hand(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    w, b, path = W0.copy(), None, []
    for _ in range(STEPS):
        g = C * w + weight_decay * w
        if momentum:
            b = g.copy() if b is None else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        w = w - lr * g
        path.append(w)
    return np.array(path)


def adam_by_hand(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, amsgrad=False,
                 decoupled=False):  # fmt: skip
    w, m, v, v_max, path = W0.copy(), 0.0, 0.0, 0.0, []
    for t in range(1, STEPS + 1):
        g = C * w
        if decoupled:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        v_used = v_max if amsgrad else v
        w = w - lr / (1 - beta1**t) * m / (np.sqrt(v_used) / math.sqrt(1 - beta2**t) + eps)
        path.append(w)
    return np.array(path)


def rmsprop_by_hand(lr, alpha=0.99, eps=1e-8, momentum=0.0, centered=False, weight_decay=0.0):
    w, s, a, b, path = W0.copy(), 0.0, 0.0, 0.0, []
    for _ in range(STEPS):
        g = C * w + weight_decay * w
        s = alpha * s + (1 - alpha) * g**2
        if centered:
            a = alpha * a + (1 - alpha) * g
            d = np.sqrt(s - a**2) + eps
        else:
            d = np.sqrt(s) + eps
        if momentum:
            b = momentum * b + g / d
            w = w - lr * b
        else:
            w = w - lr * g / d
        path.append(w)
    return np.array(path)


def adagrad_by_hand(lr, lr_decay=0.0, initial=0.0, eps=1e-10, weight_decay=0.0):
    w, s, path = W0.copy(), initial, []
    for t in range(1, STEPS + 1):
        g = C * w + weight_decay * w
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s = s + g**2
        w = w - lr_t * g / (np.sqrt(s) + eps)
        path.append(w)
    return np.array(path)


CASES = [
    ("sgd", lambda p: optim.SGD(p, lr=0.1), lambda: sgd_by_hand(0.1)),
    ("sgd-momentum", lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
     lambda: sgd_by_hand(0.1, momentum=0.9)),
    ("sgd-dampening-decay", lambda p: optim.SGD(p, lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.1),
     lambda: sgd_by_hand(0.05, momentum=0.5, dampening=0.3, weight_decay=0.1)),
    ("sgd-nesterov", lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
     lambda: sgd_by_hand(0.1, momentum=0.9, nesterov=True)),
    ("adam", lambda p: optim.Adam(p, lr=0.1), lambda: adam_by_hand(0.1)),
    ("adam-l2-amsgrad", lambda p: optim.Adam(p, lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True),
     lambda: adam_by_hand(0.1, 0.8, 0.9, weight_decay=0.1, amsgrad=True)),
    ("adamw", lambda p: optim.AdamW(p, lr=0.1), lambda: adam_by_hand(0.1, weight_decay=0.01, decoupled=True)),
    ("rmsprop", lambda p: optim.RMSprop(p, lr=0.01), lambda: rmsprop_by_hand(0.01)),
    ("rmsprop-centered-momentum", lambda p: optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True, weight_decay=0.1),
     lambda: rmsprop_by_hand(0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    ("adagrad", lambda p: optim.Adagrad(p, lr=0.5), lambda: adagrad_by_hand(0.5)),
    ("adagrad-decay", lambda p: optim.Adagrad(p, lr=0.5, lr_decay=0.1, initial_accumulator_value=0.2, weight_decay=0.1),
     lambda: adagrad_by_hand(0.5, lr_decay=0.1, initial=0.2, weight_decay=0.1)),
]  # fmt: skip


@pytest.mark.parametrize("name, make, by_hand", CASES, ids=[c[0] for c in CASES])
def test_trajectory_matches_the_update_equations(name, make, by_hand):
    np.testing.assert_allclose(glassnet_trajectory(make), by_hand(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, make, by_hand", CASES, ids=[c[0] for c in CASES])
def test_parameters_of_mixed_shapes_and_dtypes_share_one_optimizer(name, make, by_hand):
    # Each parameter must follow the trajectory it follows alone, whatever the order, sizes
    # and dtypes of the others sharing its optimizer.
    rng = np.random.default_rng(0)
    alone = glassnet_trajectory(make)
    small = nn.Parameter(W0.copy())
    big = nn.Parameter(rng.standard_normal((7, 5)))
    single = nn.Parameter(rng.standard_normal(4).astype(np.float32))
    opt = make([big, small, single])
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        ((0.5 * C * small * small).sum() + (big**2).sum() + (single**2).sum()).backward()
        opt.step()
        path.append(small.numpy().copy())
    np.testing.assert_allclose(np.array(path), alone, rtol=1e-12, atol=1e-14)
    assert single.dtype == np.float32 and big.dtype == np.float64


@pytest.mark.parametrize("name, make, by_hand", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("layout", ["0-d", "1-d", "non-contiguous"])
def test_every_parameter_layout_follows_the_equations(name, make, by_hand, layout):
    # Each coordinate of the toy problem evolves on its own, so a 0-d parameter holding W0[i]
    # with curvature C[i] must follow column i of the by-hand trajectory exactly.
    expected = by_hand()
    if layout == "0-d":
        params = [nn.Parameter(np.array(W0[i])) for i in range(2)]
        curvature = [C[0], C[1]]
    elif layout == "1-d":
        params, curvature = [nn.Parameter(W0.copy())], [C]
    else:  # a transposed (F-ordered) 2 x 2 view whose rows repeat W0
        params = [nn.Parameter(np.array([W0, W0]).T.copy().T)]
        assert not params[0].data.flags.c_contiguous
        curvature = [C]
    opt = make(params)
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        sum((0.5 * c * w * w).sum() for c, w in zip(curvature, params)).backward()
        opt.step()
        path.append(np.concatenate([np.atleast_1d(w.numpy()).ravel() for w in params]))
    got = np.array(path)
    if layout == "non-contiguous":
        got = got[:, :2]  # the first row of the view is W0's own trajectory
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, make, by_hand", CASES, ids=[c[0] for c in CASES])
def test_float16_parameters_stay_finite_and_follow_float32(name, make, by_hand):
    rng = np.random.default_rng(0)
    start = rng.standard_normal(50).astype(np.float16)
    half = nn.Parameter(start.copy())
    single = nn.Parameter(start.astype(np.float32))
    opt_half, opt_single = make([half]), make([single])
    for _ in range(5):
        for w, opt in ((half, opt_half), (single, opt_single)):
            opt.zero_grad()
            (w * w).sum().backward()
            opt.step()
    assert half.dtype == np.float16 and np.isfinite(half.numpy()).all()
    state = next(iter(opt_half.state.values()))
    assert all(v.dtype == np.float32 for v in state.values() if isinstance(v, np.ndarray))
    np.testing.assert_allclose(half.numpy(), single.numpy(), atol=2e-2, rtol=1e-2)


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda p, v: optim.SGD(p, lr=v), "lr"),
        (lambda p, v: optim.SGD(p, lr=0.1, momentum=v), "momentum"),
        (lambda p, v: optim.SGD(p, lr=0.1, weight_decay=v), "weight_decay"),
        (lambda p, v: optim.Adam(p, lr=v), "lr"),
        (lambda p, v: optim.Adam(p, eps=v), "eps"),
        (lambda p, v: optim.Adam(p, betas=(v, 0.999)), "betas"),
        (lambda p, v: optim.Adam(p, betas=(0.9, v)), "betas"),
        (lambda p, v: optim.AdamW(p, weight_decay=v), "weight_decay"),
        (lambda p, v: optim.RMSprop(p, alpha=v), "alpha"),
        (lambda p, v: optim.RMSprop(p, momentum=v), "momentum"),
        (lambda p, v: optim.Adagrad(p, lr_decay=v), "lr_decay"),
        (lambda p, v: optim.Adagrad(p, initial_accumulator_value=v), "initial_accumulator_value"),
    ],
)
@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), -0.5, 1.5])
def test_bad_hyperparameters_are_refused_naming_the_argument(make, argument, value):
    w = [nn.Parameter([1.0])]
    in_range = value == 1.5 and argument not in ("betas", "alpha")
    if in_range:
        make(w, value)  # large but legal (an lr of 1.5, a momentum of 1.5)
        return
    with pytest.raises(ValueError, match=argument):
        make(w, value)


def test_a_param_group_with_a_bad_hyperparameter_is_refused():
    opt = optim.SGD([nn.Parameter([1.0])], lr=0.1)
    with pytest.raises(ValueError, match="lr must be finite"):
        opt.add_param_group({"params": [nn.Parameter([2.0])], "lr": float("nan")})
    with pytest.raises(ValueError, match="betas must be a pair"):
        optim.Adam([nn.Parameter([1.0])], betas=0.9)


def test_defaults_are_pytorchs():
    w = [nn.Parameter([1.0])]
    assert optim.Adam(w).defaults == dict(
        lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False
    )
    assert optim.AdamW(w).defaults["weight_decay"] == 1e-2
    assert optim.RMSprop(w).defaults["alpha"] == 0.99 and optim.RMSprop(w).defaults["lr"] == 1e-2
    assert optim.Adagrad(w).defaults["eps"] == 1e-10


def test_updates_are_in_place_and_keep_float32():
    w = nn.Parameter(np.ones(3, dtype=np.float32))
    array = w.data
    for make in (optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad):
        opt = make([w], lr=0.1)
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad()
        assert w.data is array and w.dtype == np.float32, make.__name__


def test_parameters_without_gradients_are_skipped():
    a, b = nn.Parameter([1.0]), nn.Parameter([1.0])
    opt = optim.Adam([a, b], lr=0.1)
    (a * 2).sum().backward()
    opt.step()
    assert b.numpy()[0] == 1.0 and a.numpy()[0] != 1.0
    assert id(b) not in opt.state


def test_param_groups_have_their_own_hyperparameters():
    a, b = nn.Parameter([1.0]), nn.Parameter([1.0])
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    (a + b).sum().backward()
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [0.9, 0.5])
    with pytest.raises(ValueError, match="more than one"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="no hyperparameter"):
        optim.SGD([{"params": [nn.Parameter([1.0])], "momentun": 0.9}])


def test_state_dict_round_trip_continues_the_same_trajectory():
    def run(steps, opt, w):
        for _ in range(steps):
            opt.zero_grad()
            (0.5 * C * w * w).sum().backward()
            opt.step()

    w1 = nn.Parameter(W0.copy())
    opt1 = optim.Adam([w1], lr=0.1, amsgrad=True)
    run(4, opt1, w1)

    w2 = nn.Parameter(W0.copy())
    opt2 = optim.Adam([w2], lr=0.1, amsgrad=True)
    run(2, opt2, w2)
    saved, weights = opt2.state_dict(), w2.numpy().copy()
    w3 = nn.Parameter(weights)
    opt3 = optim.Adam([w3], lr=0.9)
    opt3.load_state_dict(saved)
    run(2, opt3, w3)
    np.testing.assert_array_equal(w3.numpy(), w1.numpy())
    with pytest.raises(ValueError, match="loaded parameter group 0 has 1 parameters"):
        optim.Adam([w3, nn.Parameter([1.0])]).load_state_dict(saved)


def test_optimizers_by_name_and_bad_arguments():
    w = [nn.Parameter([1.0])]
    assert isinstance(optim.get("adam", w, lr=0.1), optim.Adam)
    assert isinstance(optim.get("SGD", w), optim.SGD)
    with pytest.raises(ValueError, match="unknown optimizer"):
        optim.get("adamax", w)
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([])
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD(w, nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        optim.Adam(w, betas=(0.9, 1.0))


def test_clip_grad_norm_and_value():
    a, b = nn.Parameter([3.0]), nn.Parameter([4.0])
    a.grad, b.grad = np.array([3.0]), np.array([4.0])
    assert optim.clip_grad_norm_([a, b], max_norm=10.0) == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad, [3.0])  # under the limit: untouched
    optim.clip_grad_norm_([a, b], max_norm=1.0)
    np.testing.assert_allclose(np.hypot(a.grad, b.grad), [1.0], rtol=1e-5)
    b.grad = np.array([-7.0])
    optim.clip_grad_value_([b], 2.0)
    np.testing.assert_array_equal(b.grad, [-2.0])
    assert optim.clip_grad_norm_([nn.Parameter([1.0])], 1.0) == 0.0


def test_a_model_learns_with_every_optimizer():
    x = np.random.default_rng(0).standard_normal((64, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    for name, lr in [
        ("sgd", 0.1),
        ("adam", 0.05),
        ("adamw", 0.05),
        ("rmsprop", 0.01),
        ("adagrad", 0.5),
    ]:
        model = nn.Linear(3, 1, rng=0)
        opt = optim.get(name, model.parameters(), lr=lr)
        loss_fn = nn.MSELoss()
        first = loss_fn(model(x), y).item()
        for _ in range(200):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        assert loss.item() < 0.01 * first, name
    assert gn.is_grad_enabled()
