import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import glassnet as gn

# CI runs about 25 examples per property to stay fast; locally a few more.
settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _fresh_global_state():
    """Each test starts with grad mode on and a seeded global generator."""
    gn.manual_seed(1234)
    yield
    assert gn.is_grad_enabled(), "a test left grad mode switched off"


SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _idx_folder(variable: str, name: str) -> Path:
    folder = Path(os.environ.get(variable) or SHARED_DATA / name)
    if not (folder / "train-images-idx3-ubyte.gz").exists():
        pytest.skip(
            f"{name} IDX files not found in {folder}: set {variable} or put the project's "
            "shared/ folder beside the checkout"
        )
    return folder


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder with the original MNIST gzip IDX files (skips the test without them)."""
    return _idx_folder("GLASSNET_MNIST_DIR", "mnist")


@pytest.fixture(scope="session")
def fashion_mnist_dir() -> Path:
    return _idx_folder("GLASSNET_FASHION_MNIST_DIR", "fashion-mnist")
