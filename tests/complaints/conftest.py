"""The category router for the tests that need one: fitted once a session, stored per test."""

import pytest
from django.utils import timezone

from complaints import router
from complaints.models import RouterModel


@pytest.fixture(scope="session")
def fitted_router():
    """A router fitted on the examples file (no corrections), with its metrics."""
    examples = router.read_examples(router.EXAMPLES_FILE)
    fitted, metrics = router.fit(examples, folds=3)
    return fitted, metrics, len(examples), router.dumps(fitted)


@pytest.fixture
def router_model(db, fitted_router):
    """The session's router stored as the newest version, as `train_router` would."""
    _fitted, metrics, count, blob = fitted_router
    newest = RouterModel.objects.order_by("-version").first()
    row = RouterModel.objects.create(
        version=newest.version + 1 if newest else 1,
        created_at=timezone.now(),
        example_count=count,
        metrics=metrics,
        blob=blob,
    )
    router.forget()
    return row


@pytest.fixture(autouse=True)
def _no_router_left_behind():
    # A model loaded in one test must not outlive its (rolled back) row in the next.
    router.forget()
    yield
    router.forget()
