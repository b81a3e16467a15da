import os

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
