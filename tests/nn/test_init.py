import numpy as np
import pytest

import glassnet as gn
from glassnet.nn import init


@pytest.mark.parametrize(
    "initializer, expected_std",
    [
        (init.Normal(0.0, 0.5), 0.5),
        (init.Uniform(-1.0, 1.0), 1 / np.sqrt(3)),
        (init.GlorotUniform(), np.sqrt(2 / (300 + 200))),
        (init.GlorotNormal(), np.sqrt(2 / (300 + 200))),
        (init.HeNormal(), np.sqrt(2 / 300)),
        (init.HeUniform(), np.sqrt(2 / 300)),
        (init.LeCunNormal(), np.sqrt(1 / 300)),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, init.Initializer) else "",
)
def test_random_initializers_have_the_documented_spread(initializer, expected_std):
    w = initializer((300, 200), rng=0)
    assert w.shape == (300, 200) and w.dtype == np.float32
    assert abs(w.std() - expected_std) < 0.03 * expected_std
    assert abs(w.mean()) < 0.05 * expected_std


def test_constant_scalar_array_and_shape_check():
    np.testing.assert_array_equal(init.Constant(3.0)((2, 2)), np.full((2, 2), 3.0))
    np.testing.assert_array_equal(init.Zeros()(3), [0, 0, 0])
    np.testing.assert_array_equal(init.Ones()((1, 2), dtype=np.float64), [[1.0, 1.0]])
    with pytest.raises(gn.ShapeError, match=r"Constant initializer holds shape \(2,\).*\(3,\)"):
        init.Constant([1.0, 2.0])((3,))


def test_seeds_make_initialization_reproducible():
    a = init.GlorotUniform()((4, 4), rng=3)
    np.testing.assert_array_equal(a, init.GlorotUniform()((4, 4), rng=3))
    gn.manual_seed(9)
    b = init.HeNormal()((4, 4))
    gn.manual_seed(9)
    np.testing.assert_array_equal(b, init.HeNormal()((4, 4)))


def test_initializers_by_keras_name():
    assert isinstance(init.get("glorot_uniform"), init.GlorotUniform)
    zeros = init.Zeros()
    assert init.get(zeros) is zeros
    with pytest.raises(ValueError, match="unknown initializer 'magic'; choose one of"):
        init.get("magic")
    with pytest.raises(TypeError, match="initializer must be a name or"):
        init.get(3)
