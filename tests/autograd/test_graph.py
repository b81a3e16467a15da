"""Graph tracking: per-thread grad mode, versions of saved arrays, hooks, truth values."""

import threading

import numpy as np
import pytest

import glassnet as gn
from glassnet import nn, optim
from glassnet.autograd import graph


# --------------------------------------------------------------------------- grad mode
def test_no_grad_in_one_thread_does_not_stop_another_thread_recording():
    inside, release = threading.Event(), threading.Event()

    def predictor():
        with gn.no_grad():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=predictor)
    thread.start()
    inside.wait(5)
    try:
        w = gn.ones(2, requires_grad=True)
        y = (w * 3).sum()  # recorded here while the other thread sits in no_grad
        assert gn.is_grad_enabled() and y.requires_grad
        y.backward()
        np.testing.assert_array_equal(w.grad, [3.0, 3.0])
    finally:
        release.set()
        thread.join()


def test_threads_predicting_with_one_model_give_the_serial_results():
    model = nn.Sequential(nn.Dense(5, 16, "tanh", rng=0), nn.Dense(16, 3, rng=1))
    batches = [np.random.default_rng(i).standard_normal((32, 5)) for i in range(8)]
    serial = [model.predict(b) for b in batches]
    results: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        for _ in range(20):
            results[i] = model.predict(batches[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    # Meanwhile this thread trains a copy: its graph must be recorded throughout.
    w = gn.ones(3, requires_grad=True)
    for _ in range(200):
        assert (w * 2).requires_grad
    for t in threads:
        t.join()
    for i in range(8):
        np.testing.assert_array_equal(results[i], serial[i])


def test_a_new_thread_starts_with_grad_mode_on_even_if_its_parent_is_in_no_grad():
    seen = []
    with gn.no_grad():
        thread = threading.Thread(target=lambda: seen.append(gn.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]


def test_set_grad_enabled_as_call_and_as_block():
    with gn.set_grad_enabled(False):
        assert not gn.is_grad_enabled()
        with gn.enable_grad():
            assert gn.is_grad_enabled()
        assert not gn.is_grad_enabled()
    assert gn.is_grad_enabled()
    gn.set_grad_enabled(False)
    try:
        assert not (gn.ones(1, requires_grad=True) * 2).requires_grad
    finally:
        gn.set_grad_enabled(True)
    assert gn.is_grad_enabled()


def test_no_grad_as_decorator_nests_under_recursion():
    @gn.no_grad()
    def depth(n: int) -> bool:
        return gn.is_grad_enabled() if n == 0 else depth(n - 1)

    assert depth(3) is False
    assert gn.is_grad_enabled()


# --------------------------------------------------------------------------- versions
def test_optimizer_step_before_backward_is_an_in_place_error_naming_the_op():
    model = nn.Linear(3, 2, rng=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = model(np.ones((4, 3))).sum()
    model.weight.grad = np.ones_like(model.weight.data)
    opt.step()  # changes the weight that LinearOp saved for its backward
    with pytest.raises(RuntimeError, match=r"in-place.*LinearOp.*version 0.*version 1"):
        loss.backward()


def test_every_optimizer_step_bumps_the_version_of_what_it_updates():
    w = gn.ones(3, requires_grad=True)
    frozen = gn.ones(3, requires_grad=True)
    for make in (optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad):
        opt = make([w, frozen], lr=0.1)
        before, frozen_before = w._version, frozen._version
        w.grad = np.ones(3, np.float32)
        frozen.grad = None  # no gradient: not updated, not bumped
        opt.step()
        assert w._version == before + 1, make.__name__
        assert frozen._version == frozen_before


def test_load_state_dict_bumps_versions_so_an_old_graph_cannot_be_used():
    model = nn.Linear(2, 2, rng=0)
    loss = model(np.ones((1, 2))).sum()
    model.load_state_dict(nn.Linear(2, 2, rng=1).state_dict())
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


def test_changing_an_input_an_op_did_not_save_is_fine():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1  # AddOp saves nothing
    graph.bump_version(x)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_changing_a_saved_output_is_caught():
    x = gn.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()  # ExpOp saves its output
    graph.bump_version(y)
    with pytest.raises(RuntimeError, match="ExpOp saved its output"):
        y.sum().backward()


# --------------------------------------------------------------------------- hooks
def test_tensor_hook_sees_and_can_replace_the_gradient():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    seen = []
    h.register_hook(lambda g: seen.append(np.asarray(g).copy()))
    handle = x.register_hook(lambda g: g * 10)
    (h * h).sum().backward()
    np.testing.assert_allclose(seen[0], [6.0, 12.0])  # d(h^2)/dh = 2h
    np.testing.assert_allclose(x.grad, [180.0, 360.0])  # 10 * 2h * 3
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad, [2.0, 2.0])


def test_hook_returning_the_wrong_shape_is_a_named_error():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: np.zeros(3))
    with pytest.raises(ValueError, match=r"hook returned shape \(3,\).*shape \(2,\)"):
        (x * 2).sum().backward()


def test_post_accumulate_grad_hook_runs_once_per_leaf_after_grad_is_set():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    ready = []
    for name, p in model.named_parameters():
        p.register_post_accumulate_grad_hook(
            lambda t, name=name: ready.append((name, t.grad is not None))
        )
    model(np.ones((5, 3))).sum().backward()
    assert sorted(ready) == sorted((n, True) for n, _ in model.named_parameters())
    # Outputs first: the last layer's parameters are ready before the first layer's.
    assert [n for n, _ in ready].index("2.weight") < [n for n, _ in ready].index("0.weight")


def test_hooks_are_refused_where_they_could_never_run():
    with pytest.raises(RuntimeError, match="does not require grad"):
        gn.ones(2).register_hook(lambda g: g)
    w = gn.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        (w * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(TypeError, match="callable"):
        w.register_hook("not a function")


# --------------------------------------------------------------------------- truth values
def test_bool_of_a_tensor_is_its_one_value_or_an_error():
    assert bool(gn.tensor([0.5])) is True
    assert bool(gn.tensor(0.0)) is False
    assert bool(gn.tensor([[3]]))
    with pytest.raises(ValueError, match=r"ambiguous \(shape \(2,\)\).*any\(\).*all\(\)"):
        bool(gn.tensor([1.0, 1.0]))
    with pytest.raises(ValueError, match="0 elements"):
        bool(gn.zeros(0))
    assert gn.tensor([0.0, 1.0]).any().item() and not gn.tensor([0.0, 1.0]).all().item()


def test_grad_fn_is_the_node_and_names_the_op():
    x = gn.tensor([1.0, 2.0], requires_grad=True)
    y = x.relu() * 2
    assert repr(y.grad_fn) == "<MulOp>" and y.grad_fn.name() == "MulOp"
    assert y.grad_fn.parents[0].grad_fn.name() == "ReluOp"
    assert "grad_fn=<MulOp>" in repr(y)
    # No Function shares its name with a layer.
    op_names = {
        cls.__name__
        for module in (gn.ops.arithmetic, gn.ops.elementwise, gn.ops.nn, gn.ops.movement)
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, gn.Function) and cls is not gn.Function
    }
    assert op_names and all(name.endswith("Op") for name in op_names)
    assert not op_names & set(nn.__all__)


def test_a_training_step_leaves_no_reference_cycles_behind():
    # A cycle (say, a node holding its own output) frees a step's activations only when the
    # garbage collector happens to run: memory grows by a step's worth meanwhile.
    import gc

    model = nn.Sequential(nn.Linear(8, 16, rng=0), nn.ReLU(), nn.Tanh(), nn.Linear(16, 3, rng=1))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    x = np.random.default_rng(0).standard_normal((4, 8))
    y = np.array([0, 1, 2, 0])
    loss_fn = nn.CrossEntropyLoss()  # (a Module is itself a small cycle: see nn/by_hand.py)

    def step():
        opt.zero_grad()
        loss_fn(model(x).exp().log(), y).backward()
        opt.step()

    step()
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            step()
        assert gc.collect() == 0
    finally:
        gc.enable()
