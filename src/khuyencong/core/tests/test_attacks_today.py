"""``khuyencong cleanup`` with odd values (2026-11-30 review): a clear error, never a traceback."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", ["-1", "99999999999", str(10**9)])
def test_cleanup_refuses_a_number_of_days_out_of_range(days):
    with pytest.raises(CommandError):
        call_command("cleanup", "--days", days, "--dry-run")


def test_cleanup_keeps_a_long_but_possible_number_of_days(capsys):
    call_command("cleanup", "--days", "36500", "--dry-run")
