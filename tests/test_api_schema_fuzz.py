"""The API against its own OpenAPI schema (schemathesis): no 5xx, every response as documented.

Every operation of /api/schema/ is called with generated input as three people: nobody, a
citizen (the reporter of some complaints) and an OPD officer, each with a fixed seed. Path
parameters are sometimes the codes of real complaints in several states, so that actions get
past the 404 and reach their validation and the lifecycle.
"""

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationConfig
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.roles import actor_for
from badung_portal.wsgi import application
from complaints.models import Complaint
from tests.factories import complaint_in, file

pytestmark = pytest.mark.django_db

# Generated inputs per operation; each is sent by three people.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "80"))
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
CODES = {
    "submitted": "BDG-AAAAA2",
    "dispatched": "BDG-AAAAA3",
    "in_progress": "BDG-AAAAA4",
    "info_requested": "BDG-AAAAA5",
    "resolved": "BDG-AAAAA6",
    "confidential": "BDG-AAAAA7",
}


@contextmanager
def connection_kept():
    """Call the app as a WSGI server would, but keep the test's database connection.

    A request's end closes old database connections; here that connection holds the test's
    transaction (Django's test client disconnects the same two receivers).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def api_schema():
    # Who is calling comes from the three people below, not from generated auth headers.
    with connection_kept():
        return schemathesis.from_wsgi(
            "/api/schema/",
            application,
            generation_config=GenerationConfig(with_security_parameters=False),
        )


@pytest.fixture
def keep_connection():
    with connection_kept():
        yield


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.hook("before_generate_path_parameters")
def real_codes_too(context, strategy):
    """Half of the tracking codes are those of the complaints made by `world`."""
    if "{tracking_code}" not in context.operation.path:
        return strategy
    real = st.sampled_from(sorted(CODES.values()))
    return st.one_of(
        strategy, strategy.flatmap(lambda p: real.map(lambda c: {**p, "tracking_code": c}))
    )


# Real values for the body fields that name reference data, people or complaints, by operation.
REAL_VALUES = {
    "desa": ["51.03.01.1002", "51.03.02.1004"],
    "category": ["jalan_rusak", "pju_mati"],
    "opd": ["PUPR", "DLHK"],
    "into": [CODES["submitted"]],
    "username": ["officer2_pupr", "officer_dlhk"],
    "reporter_email": ["warga@example.org"],
}
REAL_FIELDS = {
    "/api/v1/complaints/": ["desa", "category", "reporter_email"],
    "/api/v1/complaints/{tracking_code}/dispatch/": ["opd", "category", "desa"],
    "/api/v1/complaints/{tracking_code}/merge/": ["into"],
    "/api/v1/complaints/{tracking_code}/assign/": ["username"],
}


@schema.hook("before_generate_body")
def real_values_too(context, strategy):
    """Half of the bodies carry real codes, so that some get past validation."""
    fields = REAL_FIELDS.get(context.operation.path)
    if not fields:
        return strategy
    real = st.fixed_dictionaries({k: st.sampled_from(REAL_VALUES[k]) for k in fields})

    def with_real(body):
        if not isinstance(body, dict):
            return st.just(body)
        return st.one_of(st.just(body), real.map(lambda values: {**body, **values}))

    return strategy.flatmap(with_real)


@pytest.fixture
def world(
    keep_connection,
    citizen_user,
    verifier,
    officer,
    officer2_user,
    other_officer,
    pupr,
    dlhk,
    monkeypatch,
):
    """Complaints in several states, some the citizen's; tokens; throttles out of the way."""
    for scope in list(SimpleRateThrottle.THROTTLE_RATES):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "1000000/hour")
    citizen = actor_for(citizen_user)
    for state, code in CODES.items():
        if state == "confidential":
            c, _ = complaint_in(
                "dispatched", verifier=verifier, handler=officer, opd=dlhk, privacy="confidential"
            )
        else:
            c, _ = complaint_in(state, verifier=verifier, handler=officer, opd=pupr, actor=citizen)
        Complaint.objects.filter(pk=c.pk).update(tracking_code=code)
    file(title="Sampah di pasar")  # someone else's, still open
    return {
        "anonymous": {},
        "citizen": {"Authorization": f"Token {Token.objects.create(user=citizen_user).key}"},
        "officer": {"Authorization": f"Token {Token.objects.create(user=officer.user).key}"},
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, world):
    # Every generated request is made by each of the three people.
    for headers in world.values():
        response = case.call_wsgi(headers=headers)
        case.validate_response(response, checks=CHECKS)


def test_the_fuzz_reaches_real_complaints(world, api):
    # The codes the hook offers exist, in the states they are named after.
    states = dict(
        Complaint.objects.filter(tracking_code__in=CODES.values()).values_list(
            "tracking_code", "status"
        )
    )
    assert states[CODES["resolved"]] == "resolved"
    assert states[CODES["info_requested"]] == "info_requested"
    assert api.get(f"/api/v1/complaints/{CODES['in_progress']}/").status_code == 200
