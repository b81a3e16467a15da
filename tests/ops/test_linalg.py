import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import glassnet as gn
from tests.helpers import check_op, seeds, values

SHAPE_PAIRS = [
    ((3,), (3,)),  # dot product
    ((3,), (3, 2)),  # vector @ matrix
    ((2, 3), (3,)),  # matrix @ vector
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),  # batched @ matrix: the engine sums the batch back for b
    ((2, 3), (5, 3, 4)),
    ((5, 1, 2, 3), (4, 3, 2)),  # batch axes broadcast on both sides
    ((3,), (4, 3, 2)),
    ((4, 2, 3), (3,)),
]


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=[f"{a}@{b}" for a, b in SHAPE_PAIRS])
@given(seed=seeds)
def test_matmul_forms(shapes, seed):
    rng = np.random.default_rng(seed)
    a, b = (values(rng, s) for s in shapes)
    check_op(lambda x, y: x @ y, np.matmul, a, b)
    check_op(gn.matmul, np.matmul, a, b)


@given(n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 4), seed=seeds)
def test_matmul_random_sizes(n, k, m, seed):
    rng = np.random.default_rng(seed)
    check_op(gn.matmul, np.matmul, values(rng, (n, k)), values(rng, (k, m)))


def test_matmul_errors_name_the_shapes():
    with pytest.raises(
        gn.ShapeError, match=r"matmul: \(2, 3\) @ \(4, 5\): inner dimensions 3 and 4"
    ):
        gn.ones(2, 3) @ gn.ones(4, 5)
    with pytest.raises(gn.ShapeError, match="batch"):
        gn.ones(2, 2, 3) @ gn.ones(3, 3, 4)
    with pytest.raises(gn.ShapeError, match="at least 1 axis"):
        gn.matmul(gn.tensor(2.0), gn.ones(3))
