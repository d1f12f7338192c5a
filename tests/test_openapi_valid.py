"""``/api/schema/`` is a valid OpenAPI 3 document (``openapi-spec-validator``), as served."""

from __future__ import annotations

import copy

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(client) -> dict:
    response = client.get("/api/schema/")  # what a client downloads (YAML, drf-spectacular's default)
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_served_schema_is_valid_openapi(served):
    assert served["openapi"].startswith("3.")
    validate(served)
    paths = served["paths"]
    assert "/api/v1/open-data/" in paths and "/api/v1/open-data/{resource}/" in paths
    # the open data needs no token: its operations say so
    assert {} in paths["/api/v1/open-data/"]["get"]["security"]


def test_the_validator_refuses_a_broken_schema(served):
    """The check above can fail: a parameter placed where no request has one."""
    broken = copy.deepcopy(served)
    operation = broken["paths"]["/api/v1/open-data/{resource}/"]["get"]
    operation["parameters"][0]["in"] = "body"
    with pytest.raises(OpenAPIValidationError):
        validate(broken)
