import pytest

from tests.views.helpers import new_client


@pytest.fixture
def client(app, session):  # type: ignore[no-untyped-def]
    """Each request gets a fresh flask.g (see tests/views/helpers.py)."""
    return new_client(app)
