"""Shared fixtures: reference data once per run, one actor per role, clients."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import ANONYMOUS, SYSTEM, actor_for
from accounts.services import staff_create
from complaints import router
from complaints.models import RouterModel
from opd.calendar import forget_extra_days
from opd.models import Category, Desa, Opd
from opd.routing import forget_rules

SHARED_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def _reference_after_flush(request):
    # Transactional tests empty every table when they end: reload the reference data first.
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Tests add extra days off and routing rules straight into the tables; read them afresh.
    forget_extra_days()
    forget_rules()


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; every test starts with none.
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploaded photos of a test go to its own folder, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Fixtures set many passwords; the production hasher costs a quarter second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shared_reference():
    """../shared/reference (read-only facts); tests that need it skip when it is absent."""
    if not SHARED_REFERENCE.is_dir():
        pytest.skip("../shared/reference is not present on this machine")
    return SHARED_REFERENCE


def _staff(username, role, opd=None, kecamatan=None):
    user, _ = staff_create(
        username=username,
        password="pw-" + username,
        role=role,
        opd_code=opd,
        kecamatan_code=kecamatan,
        email=f"{username}@example.org",
    )
    return user


@pytest.fixture
def verifier_user(db):
    return _staff("verifier", "verifier")


@pytest.fixture
def officer_user(db):
    return _staff("officer_pupr", "opd_officer", opd="PUPR")


@pytest.fixture
def officer2_user(db):
    return _staff("officer2_pupr", "opd_officer", opd="PUPR")


@pytest.fixture
def head_user(db):
    return _staff("head_pupr", "opd_head", opd="PUPR")


@pytest.fixture
def other_officer_user(db):
    return _staff("officer_dlhk", "opd_officer", opd="DLHK")


@pytest.fixture
def camat_user(db):
    return _staff("camat_kuta", "camat", kecamatan="51.03.01")


@pytest.fixture
def leadership_user(db):
    return _staff("sekda", "leadership")


@pytest.fixture
def citizen_user(db, django_user_model):
    return django_user_model.objects.create_user(
        "citizen", email="citizen@example.org", password="pw-citizen", first_name="Wayan"
    )


@pytest.fixture
def verifier(verifier_user):
    return actor_for(verifier_user)


@pytest.fixture
def officer(officer_user):
    return actor_for(officer_user)


@pytest.fixture
def head(head_user):
    return actor_for(head_user)


@pytest.fixture
def other_officer(other_officer_user):
    return actor_for(other_officer_user)


@pytest.fixture
def camat(camat_user):
    return actor_for(camat_user)


@pytest.fixture
def leadership(leadership_user):
    return actor_for(leadership_user)


@pytest.fixture
def anonymous():
    return ANONYMOUS


@pytest.fixture
def system():
    return SYSTEM


@pytest.fixture
def pupr(db):
    return Opd.objects.get(code="PUPR")


@pytest.fixture
def dlhk(db):
    return Opd.objects.get(code="DLHK")


@pytest.fixture
def jalan_rusak(db):
    return Category.objects.get(code="jalan_rusak")


@pytest.fixture
def desa_kuta(db):
    return Desa.objects.select_related("kecamatan").get(code="51.03.01.1002")


@pytest.fixture
def desa_mengwi(db):
    return Desa.objects.select_related("kecamatan").get(code="51.03.02.1004")


@pytest.fixture
def api():
    return APIClient()


def pytest_collection_modifyitems(config, items):
    if os.environ.get("REQUIRE_INTEGRATION"):
        return
    for item in items:
        if "integration" in item.keywords and not (
            os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")
        ):
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL and REDIS_URL"))


# The category router, for the tests that need one: fitted once a session, stored per test.


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
