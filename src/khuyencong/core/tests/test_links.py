"""``record_url`` gives exactly what ``reverse()`` gives, for every record page a list links to."""

import pytest
from django.test import override_settings
from django.urls import reverse

from khuyencong.core.links import record_url
from khuyencong.core.tables import choice_label
from khuyencong.establishments.models import Establishment

VIEWS = [
    "establishments:detail",
    "projects:detail",
    "projects:decision_detail",
    "orgs:organisation_detail",
    "geo:unit_detail",
    "programmes:document_detail",
    "programmes:programme_detail",
]


@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("pk", [1, 7, 10, 987, 2_147_483_647])
def test_the_same_url_as_reverse(name, pk):
    assert record_url(name, pk) == reverse(name, args=[pk])


def test_two_ids_and_a_script_prefix():
    assert record_url("projects:attachment", 12, 345) == reverse("projects:attachment", args=[12, 345])
    from django.urls import set_script_prefix

    set_script_prefix("/kc/")
    try:
        assert record_url("establishments:detail", 5) == reverse("establishments:detail", args=[5])
        assert record_url("establishments:detail", 5).startswith("/kc/")
    finally:
        set_script_prefix("/")


@override_settings(ROOT_URLCONF="khuyencong.urls")
def test_a_new_url_configuration_is_read_again():
    assert record_url("establishments:detail", 3) == reverse("establishments:detail", args=[3])


def test_choice_labels_as_django_shows_them():
    from django.utils import translation

    for language in ("vi", "en"):
        with translation.override(language):
            for value, _label in Establishment._meta.get_field("kind").choices:
                shown = Establishment(kind=value).get_kind_display()
                assert choice_label(Establishment, "kind", value) == shown
    assert choice_label(Establishment, "kind", "no-such-kind") == "no-such-kind"
    assert choice_label(Establishment, "kind", None) is None
