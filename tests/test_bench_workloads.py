"""The benchmark compares like with like: glassnet and the hand-written NumPy reference in
``bench/`` train the same network to the same numbers, step after step."""

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def workloads():
    sys.path.insert(0, str(BENCH))
    try:
        import workload_glassnet
        import workload_numpy

        yield workload_glassnet, workload_numpy
    finally:
        sys.path.remove(str(BENCH))


def small_weights(sizes=(20, 16, 8, 4), seed=0):
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = 1 / np.sqrt(fan_in)
        weights += [rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
                    rng.uniform(-bound, bound, fan_out).astype(np.float32)]  # fmt: skip
    return weights


def test_glassnet_and_the_numpy_reference_train_identically(workloads):
    ours, reference = (w.MLP(small_weights(), lr=1e-2) for w in workloads)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((64, 20)).astype(np.float32)
    y = rng.integers(0, 4, 64)
    for step in range(10):
        batch = slice(8 * (step % 8), 8 * (step % 8) + 8)
        loss_ours = ours.train_batch(X[batch], y[batch])
        loss_reference = reference.train_batch(X[batch], y[batch])
        assert loss_ours == pytest.approx(loss_reference, rel=1e-5), step
    for p, q in zip(ours.model.parameters(), reference.params):
        np.testing.assert_allclose(p.numpy(), q, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-4, atol=1e-5)
    assert not np.allclose(reference.params[0], small_weights()[0])  # it did train


def test_the_op_chains_compute_the_same_gradient(workloads):
    glassnet_chain, numpy_chain = (w.op_chain(20) for w in workloads)
    np.testing.assert_allclose(glassnet_chain(), numpy_chain(), rtol=1e-5, atol=1e-7)
