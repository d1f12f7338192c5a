"""The API against its own OpenAPI schema (``/api/schema/``), fuzzed by schemathesis.

Every operation gets a bounded number of generated requests (``KC_FUZZ_EXAMPLES``, default 20), with
a fixed seed so that a run is repeatable, signed in as the demo administrator with an API token and
with the demo data loaded so that ids in paths and bodies meet real records. Each answer must not be
a server error and must match the schema the API publishes for its status. The demo data is loaded
once for the module inside a transaction that is rolled back at its end, so the other tests do not
see it. Runs in-process through Django's WSGI application, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = int(os.environ.get("KC_FUZZ_EXAMPLES", "20"))
SEED = 9  # a fixed seed: a failure found once is found again


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _keep_connection_open() -> None:
    # as Django's test client does: the request must use the test's connection and transaction
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def _restore_connection_handling() -> None:
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db):
    """A fresh token for each operation (``auth/logout`` revokes the one it is called with)."""
    from knox.models import AuthToken

    from khuyencong.accounts.models import User

    _keep_connection_open()
    yield AuthToken.objects.create(User.objects.get(username="quantri"))[1]
    _restore_connection_handling()


def _load_schema():
    """The schema ``/api/schema/`` serves, generated in-process (no database needed); requests go to
    Django's WSGI application."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = WSGIHandler()
    return loaded


pytestmark = pytest.mark.django_db
SCHEMA = _load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _cases(operation):
    """Valid and invalid requests for one operation (schemathesis' positive and negative modes)."""
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            strategies.append(operation.as_strategy(generation_mode=mode))
        except Exception:  # noqa: S112 – an operation with nothing to make invalid has no negative mode
            continue
    return st.one_of(strategies)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_the_api_answers_every_generated_request_as_its_schema_says(operation, demo_world, admin_token):
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation))
    def answer(case):
        case.call_and_validate(
            headers={"Authorization": f"Token {admin_token}"},
            checks=[not_a_server_error, response_schema_conformance],
        )

    answer()


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) > 40
    assert {"GET /api/v1/me/", "POST /api/v1/decisions/{id}/issue/"} <= {o.label for o in OPERATIONS}
