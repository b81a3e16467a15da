import math

import numpy as np
import pytest

from glassnet import nn, optim
from glassnet.optim import lr_scheduler


def rates(make, epochs=6, lr=1.0):
    opt = optim.SGD([nn.Parameter([1.0])], lr=lr)
    schedule = make(opt)
    seen = []
    for _ in range(epochs):
        seen.append(schedule.get_last_lr()[0])
        schedule.step()
    return seen


def test_closed_form_schedules():
    np.testing.assert_allclose(
        rates(lambda o: lr_scheduler.StepLR(o, 2, 0.5)), [1, 1, 0.5, 0.5, 0.25, 0.25]
    )
    np.testing.assert_allclose(
        rates(lambda o: lr_scheduler.ExponentialLR(o, 0.9)), 0.9 ** np.arange(6)
    )
    cosine = [0.1 + 0.9 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(6)]
    np.testing.assert_allclose(rates(lambda o: lr_scheduler.CosineAnnealingLR(o, 4, 0.1)), cosine)
    np.testing.assert_allclose(
        rates(lambda o: lr_scheduler.LinearWarmup(o, 4, 0.2)), [0.2, 0.4, 0.6, 0.8, 1, 1]
    )
    np.testing.assert_allclose(rates(lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (e + 1))),
                               [1 / (e + 1) for e in range(6)])  # fmt: skip


def test_scheduler_state_round_trip():
    opt = optim.SGD([nn.Parameter([1.0])], lr=1.0)
    schedule = lr_scheduler.StepLR(opt, 2, 0.5)
    for _ in range(3):
        schedule.step()
    state = schedule.state_dict()
    opt2 = optim.SGD([nn.Parameter([1.0])], lr=1.0)
    schedule2 = lr_scheduler.StepLR(opt2, 2, 0.5)
    schedule2.load_state_dict(state)
    schedule.step()
    schedule2.step()
    assert schedule.get_last_lr() == schedule2.get_last_lr() == [0.25]


def test_reduce_on_plateau():
    opt = optim.SGD([nn.Parameter([1.0])], lr=1.0)
    plateau = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1, min_lr=0.2)
    history = []
    for loss in [1.0, 0.9] + [0.9] * 8:
        plateau.step(loss)
        history.append(plateau.get_last_lr()[0])
    # 2 epochs without improvement (> patience 1) halve the rate; the epoch after a cut is
    # cooldown; the rate never drops below min_lr.
    assert history == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2]
    with pytest.raises(ValueError):
        lr_scheduler.ReduceLROnPlateau(opt, factor=2.0)
