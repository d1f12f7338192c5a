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


def test_open_data_takes_odd_values(client):
    for path in ["/api/v1/open-data/", "/api/v1/open-data/xyz/", "/api/v1/open-data/%00/"]:
        for params in [{}, {"format": "zip"}, {"page": "9" * 30}, {"year": "abc"}, {"page_size": "-1"}]:
            assert client.get(path, params).status_code < 500, (path, params)
