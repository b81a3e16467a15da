"""AdamW: Adam with decoupled weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from glassnet.optim.adam import Adam


class AdamW(Adam):
    """Adam whose weight decay shrinks the weights directly instead of adding to the gradient:

        p = p * (1 - lr * weight_decay)
        then the Adam step with the plain gradient

    so the decay is not rescaled by Adam's per-parameter step sizes (Loshchilov & Hutter).
    The default ``weight_decay`` is 0.01, as in PyTorch.
    """

    decoupled_weight_decay = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize)
