"""Lists and cards count alike, exactly up to the limit and without a full count above it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from khuyencong.core.counting import Tally, tally
from khuyencong.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_exact_up_to_the_limit():
    organisations = Organisation.objects.all()
    total = organisations.count()
    assert total > 20
    assert tally(organisations, limit=total) == Tally(total, exact=True)
    assert str(tally(organisations, limit=total)) == f"{total:,}".replace(",", ".")


def test_above_the_limit_no_full_count_on_postgresql():
    organisations = Organisation.objects.all()
    total = organisations.count()
    with CaptureQueriesContext(connection) as queries:
        result = tally(organisations, limit=10)
    if connection.vendor == "postgresql":
        assert not result.exact and result.value > 10
        assert str(result).startswith("khoảng ")
        assert "LIMIT 11" in queries.captured_queries[0]["sql"]  # the count stops at the limit
        assert queries.captured_queries[1]["sql"].startswith("EXPLAIN")
    else:  # SQLite has no estimate: it counts
        assert result == Tally(total, exact=True)


def test_the_card_and_its_list_agree_above_the_limit(client, officer, settings):
    """With a limit below the number of organisations, the card and the list's header show the
    same figure – “about …” on PostgreSQL, exact on SQLite."""
    settings.KC_EXACT_COUNT_LIMIT = 10
    client.force_login(officer)
    card = next(
        c for c in client.get("/").context["cards"] if c.url.startswith(reverse("orgs:organisation_list"))
    )
    page = client.get(card.url)
    assert page.context["total_display"] == card.value
    assert page.content.decode().count(card.value) >= 1
    expected = Organisation.objects.valid_on(timezone.localdate()).count()
    if connection.vendor == "postgresql":
        assert card.value.startswith("khoảng ")
    else:
        assert card.value == f"{expected:,}".replace(",", ".")


def test_list_pages_render_their_selects_and_rows(client, officer):
    """The filter form's selects and the table's rows are written in Python: same HTML as before."""
    from khuyencong.geo.models import AdministrativeUnit, Level

    client.force_login(officer)
    html = client.get(reverse("orgs:organisation_list"), {"kind": "extension_centre"}).content.decode()
    assert '<select name="kind" class="form-select form-select-sm" id="id_kind">' in html
    assert '<option value="extension_centre" selected>' in html
    province = AdministrativeUnit.objects.filter(level=Level.PROVINCE).first()
    assert f'<option value="{province.pk}">' in html
    org = Organisation.objects.filter(kind="extension_centre").order_by("name").first()
    assert f'<a href="{org.get_absolute_url()}">' in html
    empty = client.get(reverse("orgs:organisation_list"), {"q": "khong-co-ten-nay"}).content.decode()
    assert "Không có bản ghi nào phù hợp với điều kiện lọc." in empty and 'colspan="7"' in empty


def test_several_subsets_in_one_query_each_as_tally_counts_it():
    from django.db.models import Q

    from khuyencong.core.counting import tally_many

    organisations = Organisation.objects.all()
    subsets = {"centres": Q(kind="extension_centre"), "committees": Q(kind="peoples_committee")}
    with CaptureQueriesContext(connection) as queries:
        counts = tally_many(organisations, subsets)
    assert len(queries.captured_queries) == 1
    for name, condition in subsets.items():
        assert counts[name] == tally(organisations.filter(condition))
        assert counts[name].value == organisations.filter(condition).count() > 0
