"""The optimizer API around the update rules: per-group options for every optimizer,
maximize, closures, zero_grad(set_to_none), add_param_group, state_dict checks."""

import numpy as np
import pytest

from glassnet import nn, optim
from glassnet.errors import ShapeError
from tests.optim.test_optimizers import (
    CASES,
    STEPS,
    W0,
    C,
    adagrad_by_hand,
    adam_by_hand,
    rmsprop_by_hand,
    sgd_by_hand,
)


def run(opt, params, loss_sign=1.0, steps=STEPS):
    paths = [[] for _ in params]
    for _ in range(steps):
        opt.zero_grad()
        sum(loss_sign * (0.5 * C * w * w).sum() for w in params).backward()
        opt.step()
        for path, w in zip(paths, params):
            path.append(w.numpy().copy())
    return [np.array(p) for p in paths]


GROUP_CASES = [
    (optim.SGD, dict(lr=0.1), dict(lr=0.05, momentum=0.5, weight_decay=0.2),
     lambda: sgd_by_hand(0.05, momentum=0.5, weight_decay=0.2)),
    (optim.Adam, dict(lr=0.1), dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.2),
     lambda: adam_by_hand(0.05, 0.8, 0.95, weight_decay=0.2)),
    (optim.AdamW, dict(lr=0.1), dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.2, amsgrad=True),
     lambda: adam_by_hand(0.05, 0.8, 0.95, weight_decay=0.2, amsgrad=True, decoupled=True)),
    (optim.RMSprop, dict(lr=0.01), dict(lr=0.02, alpha=0.9, momentum=0.5, weight_decay=0.2),
     lambda: rmsprop_by_hand(0.02, alpha=0.9, momentum=0.5, weight_decay=0.2)),
    (optim.Adagrad, dict(lr=0.5), dict(lr=0.2, lr_decay=0.1, weight_decay=0.2),
     lambda: adagrad_by_hand(0.2, lr_decay=0.1, weight_decay=0.2)),
]  # fmt: skip


@pytest.mark.parametrize("cls, defaults, options, by_hand", GROUP_CASES)
def test_every_optimizer_honours_per_group_options(cls, defaults, options, by_hand):
    first, second = nn.Parameter(W0.copy()), nn.Parameter(W0.copy())
    opt = cls([{"params": [first]}, {"params": [second], **options}], **defaults)
    path_first, path_second = run(opt, [first, second])
    np.testing.assert_allclose(path_second, by_hand(), rtol=1e-10)
    alone = nn.Parameter(W0.copy())
    (path_alone,) = run(cls([alone], **defaults), [alone])
    np.testing.assert_allclose(path_first, path_alone, rtol=1e-12)


def test_add_param_group_takes_its_own_options_and_defaults():
    first, second = nn.Parameter(W0.copy()), nn.Parameter(W0.copy())
    opt = optim.SGD([first], lr=0.1)
    opt.add_param_group({"params": [second], "momentum": 0.5})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0.5
    np.testing.assert_allclose(run(opt, [first, second])[1], sgd_by_hand(0.1, momentum=0.5))
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [first]})


@pytest.mark.parametrize("name, make, by_hand", CASES, ids=[c[0] for c in CASES])
def test_maximize_climbs_as_the_negated_problem_descends(name, make, by_hand):
    w = nn.Parameter(W0.copy())
    opt = make([w])
    for group in opt.param_groups:
        group["maximize"] = True
    (path,) = run(opt, [w], loss_sign=-1.0)  # maximizing -f is minimizing f
    np.testing.assert_allclose(path, by_hand(), rtol=1e-10)
    assert optim.Adam([nn.Parameter([1.0])], maximize=True).defaults["maximize"] is True


def test_step_with_a_closure_returns_its_loss():
    w = nn.Parameter(W0.copy())
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (0.5 * C * w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == pytest.approx(0.5 * (1 + 3 * 4))
    np.testing.assert_allclose(w.numpy(), sgd_by_hand(0.1)[0])


def test_zero_grad_set_to_none_or_zeros_in_place():
    w = nn.Parameter(W0.copy())
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad = np.asarray(w.grad)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(np.asarray(w.grad), [0.0, 0.0])
    assert np.shares_memory(np.asarray(w.grad), grad)
    opt.zero_grad()
    assert w.grad is None


def test_state_dict_has_pytorchs_structure_and_load_checks_sizes():
    w, v = nn.Parameter(W0.copy()), nn.Parameter(np.ones(3))
    opt = optim.Adam([{"params": [w]}, {"params": [v], "lr": 0.5}], lr=0.1)
    run(opt, [w], steps=2)
    state = opt.state_dict()
    assert set(state) == {"state", "param_groups"}
    assert [g["params"] for g in state["param_groups"]] == [[0], [1]]
    assert state["param_groups"][1]["lr"] == 0.5 and state["state"][0]["step"] == 2
    assert set(state["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    with pytest.raises(ValueError, match="has 1 parameter groups, this optimizer has 2"):
        opt.load_state_dict({"state": {}, "param_groups": state["param_groups"][:1]})
    other = optim.Adam(
        [{"params": [nn.Parameter(W0.copy())]}, {"params": [nn.Parameter(W0.copy())]}]
    )
    bad = {"state": {1: {"step": 1, "exp_avg": np.zeros(3)}}, "param_groups": state["param_groups"]}
    with pytest.raises(ShapeError, match=r"'exp_avg' of parameter 1 has shape \(3,\)"):
        other.load_state_dict(bad)
    two = optim.Adam([nn.Parameter(W0.copy()), nn.Parameter(W0.copy())])
    with pytest.raises(ValueError, match="group 0 has 1 parameters, this optimizer's has 2"):
        two.load_state_dict({"state": {}, "param_groups": state["param_groups"][:1]})
