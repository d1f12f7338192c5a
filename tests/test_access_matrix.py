"""For every role, which pages and API endpoints answer, which send away, which give 404.

The expected table is ``khuyencong.testing.access_matrix.CHECKS``; ``docs/access-matrix.md`` is
written from it by ``khuyencong access-matrix``.
"""

import pytest

from khuyencong.testing.access_matrix import CHECKS, ROLES
from khuyencong.testing.roles import matrix_context, role_users, run_checks

pytestmark = pytest.mark.django_db


def test_every_role_gets_exactly_the_expected_answer():
    users = role_users()
    actual = run_checks(CHECKS, users, matrix_context())
    wrong = [
        f"{check.method.upper()} {check.label} as {role}: "
        f"expected {check.expect(role)}, got {actual[(check.label, role)]}"
        for check in CHECKS
        for role in ROLES
        if actual[(check.label, role)] != check.expect(role)
    ]
    assert wrong == []


def test_no_check_expects_a_server_error():
    assert all(code < 500 for check in CHECKS for code in check.expected.values())
