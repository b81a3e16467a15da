"""Learning-rate schedules against tables from their documented formulas (PyTorch's)."""

import math
import warnings

import numpy as np
import pytest

from glassnet import nn, optim
from glassnet.optim import lr_scheduler


def sgd(lr=1.0, groups=None, **options):
    if groups is not None:
        return optim.SGD([{"params": [nn.Parameter([1.0])], "lr": g} for g in groups], lr=lr)
    return optim.SGD([nn.Parameter([1.0])], lr=lr, **options)


def rates(make, epochs=8, lr=1.0, opt=None):
    """The rate of every group at epochs 0, 1, ...: optimizer.step(), then scheduler.step()."""
    opt = opt or sgd(lr)
    schedule = make(opt)
    seen = []
    for _ in range(epochs):
        seen.append(schedule.get_last_lr())
        assert schedule.get_last_lr() == [g["lr"] for g in opt.param_groups]
        opt.step()
        schedule.step()
    return np.array(seen)[:, 0] if len(opt.param_groups) == 1 else np.array(seen)


EPOCHS = np.arange(8)
TABLES = {
    "StepLR": (lambda o: lr_scheduler.StepLR(o, 3, 0.5), 0.5 ** (EPOCHS // 3)),
    "MultiStepLR": (
        lambda o: lr_scheduler.MultiStepLR(o, [2, 5, 5], 0.1),
        [1, 1, 0.1, 0.1, 0.1, 1e-3, 1e-3, 1e-3],  # 5 listed twice: two cuts there
    ),
    "ExponentialLR": (lambda o: lr_scheduler.ExponentialLR(o, 0.9), 0.9**EPOCHS),
    "ConstantLR": (lambda o: lr_scheduler.ConstantLR(o, 0.25, 3), [0.25] * 3 + [1] * 5),
    "LinearLR": (
        lambda o: lr_scheduler.LinearLR(o, 0.2, 1.0, 4),
        [0.2 + 0.8 * min(e, 4) / 4 for e in EPOCHS],
    ),
    "CosineAnnealingLR": (
        lambda o: lr_scheduler.CosineAnnealingLR(o, 5, 0.1),
        [0.1 + 0.9 * (1 + math.cos(math.pi * e / 5)) / 2 for e in EPOCHS],  # past T_max: up
    ),
    "PolynomialLR": (
        lambda o: lr_scheduler.PolynomialLR(o, 4, 2.0),
        [(1 - min(e, 4) / 4) ** 2 for e in EPOCHS],
    ),
    "LambdaLR": (lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (e + 1)), 1 / (EPOCHS + 1)),
    "MultiplicativeLR": (
        lambda o: lr_scheduler.MultiplicativeLR(o, lambda e: 0.5 if e % 2 else 1.0),
        [1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.0625],
    ),
    "CosineAnnealingWarmRestarts": (
        lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.0),
        # cycles of 2, 4, 8 epochs: T_cur = 0 1 | 0 1 2 3 | 0 1
        [
            (1 + math.cos(math.pi * t / T)) / 2
            for t, T in [(0, 2), (1, 2), (0, 4), (1, 4), (2, 4), (3, 4), (0, 8), (1, 8)]
        ],
    ),
    "LinearWarmup": (
        lambda o: lr_scheduler.LinearWarmup(o, 4, 0.2),
        [0.2, 0.4, 0.6, 0.8] + [1] * 4,
    ),
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_schedule_values_epoch_by_epoch(name):
    make, expected = TABLES[name]
    np.testing.assert_allclose(rates(make), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(set(TABLES) - {"CosineAnnealingLR"}))  # eta_min > 0.01
def test_each_group_follows_the_schedule_from_its_own_lr(name):
    make, expected = TABLES[name]
    table = rates(make, opt=sgd(groups=[1.0, 0.01]))
    np.testing.assert_allclose(table[:, 0], expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(table[:, 1], 0.01 * np.asarray(expected), rtol=1e-12, atol=1e-17)


def test_step_with_an_epoch_uses_the_closed_form_and_warns():
    opt = sgd()
    schedule = lr_scheduler.StepLR(opt, 2, 0.5)
    opt.step()
    with pytest.warns(UserWarning, match="epoch parameter"):
        schedule.step(5)
    assert schedule.last_epoch == 5 and schedule.get_last_lr() == [0.25]


def test_stepping_the_scheduler_before_the_optimizer_warns():
    opt = sgd()
    schedule = lr_scheduler.ExponentialLR(opt, 0.5)
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
        schedule.step()
    opt2 = sgd()
    schedule2 = lr_scheduler.ExponentialLR(opt2, 0.5)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schedule2.step()


def test_last_epoch_resumes_and_needs_initial_lr():
    with pytest.raises(KeyError, match=r"'initial_lr' is not specified in param_groups\[0\]"):
        lr_scheduler.StepLR(sgd(), 2, 0.5, last_epoch=3)
    opt = sgd()
    opt.param_groups[0]["initial_lr"] = 1.0
    opt.param_groups[0]["lr"] = 0.5  # where epoch 3 of the schedule left it
    schedule = lr_scheduler.StepLR(opt, 2, 0.5, last_epoch=3)
    assert schedule.last_epoch == 4 and schedule.get_last_lr() == [0.25]


def test_state_dict_round_trip_with_the_optimizer():
    opt = sgd()
    schedule = lr_scheduler.CosineAnnealingLR(opt, 6)
    for _ in range(3):
        opt.step()
        schedule.step()
    opt2 = sgd()
    schedule2 = lr_scheduler.CosineAnnealingLR(opt2, 6)
    opt2.load_state_dict(opt.state_dict())
    schedule2.load_state_dict(schedule.state_dict())
    for _ in range(2):
        opt.step(), opt2.step()
        schedule.step(), schedule2.step()
    assert schedule.get_last_lr() == schedule2.get_last_lr()
    assert schedule2.get_last_lr()[0] == pytest.approx((1 + math.cos(math.pi * 5 / 6)) / 2)
    assert "lr_lambdas" not in lr_scheduler.LambdaLR(sgd(), lambda e: 1.0).state_dict()


def test_sequential_lr_restarts_each_schedule_at_its_milestone():
    def make(o):
        warmup = lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2)
        decay = lr_scheduler.ExponentialLR(o, gamma=0.9)
        return lr_scheduler.SequentialLR(o, [warmup, decay], milestones=[2])

    # ConstantLR for epochs 0, 1; ExponentialLR from its own epoch 0 at epoch 2
    np.testing.assert_allclose(rates(make, 6), [0.1, 0.1, 1.0, 0.9, 0.81, 0.729], rtol=1e-12)


def test_chained_scheduler_multiplies_the_factors():
    def make(o):
        return lr_scheduler.ChainedScheduler(
            [lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2),
             lr_scheduler.ExponentialLR(o, gamma=0.9)]
        )  # fmt: skip

    # epoch 0: ConstantLR's 0.1 (ExponentialLR keeps the rate at its epoch 0); then x0.9 per
    # epoch, and ConstantLR's x10 at epoch 2
    np.testing.assert_allclose(rates(make, 5), [0.1, 0.09, 0.81, 0.729, 0.6561], rtol=1e-12)


def one_cycle_table(total=10, pct=0.3, high=1.0, div=25.0, final=1e4):
    low, floor = high / div, high / div / final
    up_end, table = pct * total - 1, []
    for step in range(total):
        if step <= up_end:
            t, a, b = step / up_end, low, high
        else:
            t, a, b = (step - up_end) / (total - 1 - up_end), high, floor
        table.append((b + (a - b) / 2 * (math.cos(math.pi * t) + 1), t, step <= up_end))
    return table


def test_one_cycle_lr_and_momentum_with_sgd():
    opt = sgd(momentum=0.9)
    schedule = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    for lr, t, rising in one_cycle_table():
        assert schedule.get_last_lr()[0] == pytest.approx(lr, rel=1e-12)
        a, b = (0.95, 0.85) if rising else (0.85, 0.95)  # momentum moves against the rate
        momentum = b + (a - b) / 2 * (math.cos(math.pi * t) + 1)
        assert opt.param_groups[0]["momentum"] == pytest.approx(momentum, rel=1e-12)
        opt.step()
        schedule.step()  # the 10th step reaches step 10, past the table: allowed
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        schedule.step()


def test_one_cycle_lr_three_phase_linear_with_adam_betas():
    opt = optim.Adam([nn.Parameter([1.0])], lr=1.0, betas=(0.9, 0.99))
    schedule = lr_scheduler.OneCycleLR(
        opt, max_lr=1.0, epochs=2, steps_per_epoch=5, pct_start=0.3, anneal_strategy="linear",
        three_phase=True, div_factor=10.0, final_div_factor=10.0,
    )  # fmt: skip
    # phases end at steps 2, 4, 9: 0.1 -> 1 -> 0.1 -> 0.01 (linear)
    expected = [0.1, 0.55, 1.0, 0.55, 0.1, 0.082, 0.064, 0.046, 0.028, 0.01]
    betas = [0.95, 0.9, 0.85, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]
    for lr, beta in zip(expected, betas):
        assert schedule.get_last_lr()[0] == pytest.approx(lr, rel=1e-12)
        assert opt.param_groups[0]["betas"] == pytest.approx((beta, 0.99), rel=1e-12)
        opt.step()
        schedule.step()
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([nn.Parameter([1.0])]), 1.0, total_steps=3)
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(opt, 1.0)


@pytest.mark.parametrize(
    ("mode", "threshold_mode", "values", "expected"),
    [
        # rel/min: improving means below best * (1 - 0.1)
        ("min", "rel", [10, 9.5, 9.2, 8.0, 7.9, 7.8], [1, 1, 0.5, 0.5, 0.5, 0.25]),
        # abs/min: below best - 0.1
        ("min", "abs", [10, 9.95, 9.8, 9.75, 9.72, 9.5], [1, 1, 1, 1, 0.5, 0.5]),
        ("max", "rel", [1, 1.05, 1.2, 1.25, 1.3, 1.5], [1, 1, 1, 1, 0.5, 0.5]),
    ],
)
def test_reduce_on_plateau_threshold_modes(mode, threshold_mode, values, expected):
    opt = sgd()
    plateau = lr_scheduler.ReduceLROnPlateau(
        opt, mode=mode, factor=0.5, patience=1, threshold=0.1, threshold_mode=threshold_mode
    )
    seen = []
    for value in values:
        plateau.step(value)
        seen.append(plateau.get_last_lr()[0])
    assert seen == expected


def test_reduce_on_plateau_cooldown_min_lr_per_group():
    opt = sgd(groups=[1.0, 0.3])
    plateau = lr_scheduler.ReduceLROnPlateau(
        opt, factor=0.5, patience=1, cooldown=1, min_lr=[0.2, 0.25]
    )
    history = []
    for loss in [1.0, 0.9] + [0.9] * 8:
        plateau.step(loss)
        history.append(plateau.get_last_lr())
    # 2 epochs without improvement (> patience 1) halve the rate; the epoch after a cut is
    # cooldown; the rate never drops below min_lr (group 2: 0.3 -> 0.25, then stays).
    assert [h[0] for h in history] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2]
    assert [h[1] for h in history] == [0.3] * 3 + [0.25] * 7
    with pytest.raises(ValueError, match=r"Factor should be < 1\.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=2.0)
    with pytest.raises(ValueError, match="threshold mode"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="relative")
