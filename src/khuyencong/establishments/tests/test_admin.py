"""Business records are read-only in the Django admin: their changes go through the services."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from khuyencong.core.models import AuditedModel, ReferenceModel
from khuyencong.establishments.models import Establishment

pytestmark = pytest.mark.django_db

# Administered in the admin on purpose: reference and configuration data (``ReferenceModel``) and
# the user accounts with their roles.
MAINTAINED_IN_ADMIN = {"accounts.User"}


def test_an_administrator_reads_an_establishment_in_the_admin_but_cannot_change_it(
    client, admin_user, create, tq_commune
):
    establishment = create(tq_commune, name="Cơ sở mây tre Kim Bình")
    client.force_login(admin_user)
    url = f"/admin/establishments/establishment/{establishment.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "Cơ sở mây tre Kim Bình" in page.content.decode()
    assert client.get("/admin/establishments/establishment/").status_code == 200

    assert client.post(url, {"name": "Đổi tên qua admin", "tax_code": ""}).status_code == 403
    assert client.get("/admin/establishments/establishment/add/").status_code == 403
    deleted = client.post(f"/admin/establishments/establishment/{establishment.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    establishment.refresh_from_db()
    assert establishment.name == "Cơ sở mây tre Kim Bình"
    assert Establishment.objects.filter(pk=establishment.pk).exists()


def test_every_business_model_in_the_admin_is_read_only(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    business = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if issubclass(model, AuditedModel)
        and not issubclass(model, ReferenceModel)
        and model._meta.label not in MAINTAINED_IN_ADMIN
    ]
    assert Establishment in [model for model, _admin in business]
    for model, model_admin in business:
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
