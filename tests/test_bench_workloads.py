"""The benchmark compares like with like: glassnet and the hand-written NumPy reference in
``bench/`` train the same network to the same numbers, step after step."""

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
        from worker import initial_weights

        yield workload_glassnet, workload_numpy, initial_weights
    finally:
        sys.path.remove(str(BENCH))


def test_glassnet_and_the_numpy_reference_train_identically(workloads):
    ours_module, reference_module, initial_weights = workloads
    weights = initial_weights((20, 16, 8, 4))
    ours, reference = (w.MLP(weights, lr=1e-2) for w in (ours_module, reference_module))
    rng = np.random.default_rng(1)
    X = rng.standard_normal((64, 20)).astype(np.float32)
    y = rng.integers(0, 4, 64)
    for step in range(10):
        batch = slice(8 * (step % 8), 8 * (step % 8) + 8)
        loss_ours = ours.train_batch(X[batch], y[batch])
        loss_reference = reference.train_batch(X[batch], y[batch])
        assert loss_ours == pytest.approx(loss_reference, rel=1e-5), step
    for p, q in zip(ours.model.parameters(), reference.params):
        # Linear stores (out, in), the NumPy reference (in, out)
        np.testing.assert_allclose(
            p.numpy().T if p.ndim == 2 else p.numpy(), q, rtol=1e-4, atol=1e-6
        )
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-4, atol=1e-5)
    assert not np.allclose(reference.params[0], weights[0])  # it did train


def test_the_op_chains_compute_the_same_gradient(workloads):
    glassnet_chain, numpy_chain = (w.op_chain(20) for w in workloads[:2])
    np.testing.assert_allclose(glassnet_chain(), numpy_chain(), rtol=1e-5, atol=1e-7)
