"""The history presenter (what a change reads like) and the rule for history links – unit tests against
hand-written expected strings."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from khuyencong.core.fields import MoneyField
from khuyencong.core.history import Shown, field_label, format_value, is_money, may_view_history, present
from khuyencong.core.models import AuditedModel, ObjectChange
from khuyencong.projects.models import (
    ExpertAssignment,
    Project,
    ProjectEvent,
    ProjectLocation,
    ProvincialAppraisal,
)
from khuyencong.testing.factories import OrganisationFactory, user_with_role


def field(model, name):
    return model._meta.get_field(name)


def text(model, name, value):
    return format_value(field(model, name), value).text


def test_money_is_whole_dong_with_vietnamese_separators():
    assert text(ExpertAssignment, "recommended_amount", 250_000_000) == "250.000.000 đồng"
    assert text(ProvincialAppraisal, "recommended_amount", 1_234_567_890) == "1.234.567.890 đồng"
    with translation.override("en"):
        assert text(ExpertAssignment, "recommended_amount", 250_000_000) == "250,000,000 VND"


def test_choices_read_as_their_labels_in_the_users_language():
    assert text(Project, "status", "under_review") == "chuyên gia đang thẩm định"
    assert text(Project, "status", "forwarded") == "đã chuyển Cục"
    assert text(ExpertAssignment, "recommendation", "approve_with_changes") == "phê duyệt có điều chỉnh"
    with translation.override("en"):
        assert text(Project, "status", "under_review") == "under expert review"


def test_times_are_local_vietnam_time_and_dates_day_first():
    # 05:31 UTC is 12:31 in Hà Nội
    assert text(ExpertAssignment, "submitted_at", "2026-11-30T05:31:07.123456+00:00") == "30/11/2026 12:31"
    assert text(ExpertAssignment, "submitted_at", "2026-12-31T20:00:00+00:00") == "01/01/2027 03:00"
    assert text(ProvincialAppraisal, "appraised_on", "2026-09-30") == "30/09/2026"


def test_yes_no_numbers_years_and_empty_values():
    assert text(ExpertAssignment, "conflict_declared", True) == "có"
    assert text(ExpertAssignment, "conflict_declared", False) == "không"
    with translation.override("en"):
        assert text(ExpertAssignment, "conflict_declared", True) == "yes"
    assert text(ProvincialAppraisal, "score", "8.50") == "8,50"
    assert text(ProjectLocation, "share_bp", 10_000) == "10.000"
    assert text(Project, "plan_year", 2027) == "2027"  # a year is not a quantity
    assert text(ExpertAssignment, "comment", "") == "–"
    assert text(ExpertAssignment, "recommended_amount", None) == "–"


def test_field_labels_are_in_the_users_language_even_without_a_declared_name():
    assert field_label(field(Project, "status"), "status") == "Trạng thái"
    assert field_label(field(ExpertAssignment, "recommended_amount"), "recommended_amount") == (
        "Kinh phí nhà nước đề nghị hỗ trợ (đồng)"
    )
    # declared without a verbose name: the related model's name, or the project's own label
    assert field_label(field(ProjectEvent, "project"), "project_id") == "Đề án"
    assert field_label(field(ProjectEvent, "from_status"), "from_status") == "Trạng thái trước"
    assert field_label(field(ProjectEvent, "to_status"), "to_status") == "Trạng thái sau"
    with translation.override("en"):
        assert field_label(field(Project, "status"), "status") == "Status"
        assert field_label(field(ProjectEvent, "from_status"), "from_status") == "Status before"


def test_search_keys_kept_for_the_machine_are_not_history():
    from khuyencong.core.history import is_internal
    from khuyencong.establishments.models import Establishment

    assert is_internal(field(Establishment, "search_text")) and is_internal(field(Establishment, "name_key"))
    assert not is_internal(field(Establishment, "name"))
    assert not is_internal(field(ProjectEvent, "from_status"))  # no declared label, but one of ours
    assert not is_internal(field(ProjectEvent, "project"))
    # the edit counter is the machine's; a field labelled with its own name is a person's, in English too
    assert is_internal(field(Project, "version")) and is_internal(field(Establishment, "version"))
    with translation.override("en"):
        assert not is_internal(field(Project, "status")) and not is_internal(field(Establishment, "name"))


def test_a_reason_the_system_wrote_is_read_in_the_readers_language():
    from khuyencong.core.history import shown_reason

    assert shown_reason("gửi báo cáo") == "gửi báo cáo"
    assert shown_reason("report submitted") == "gửi báo cáo"
    with translation.override("en"):
        assert shown_reason("gửi báo cáo") == "report submitted"
        assert shown_reason("Cùng cơ sở: đăng ký lại sau sáp nhập tỉnh") == (
            "Cùng cơ sở: đăng ký lại sau sáp nhập tỉnh"  # typed by a person: as typed
        )
    assert shown_reason("") == ""


def test_every_amount_of_money_is_declared_as_money():
    """Money is recognised by its field type: every “(VND)” field is a MoneyField, and nothing else."""
    with translation.override("en"):
        for model in apps.get_models():
            for f in model._meta.concrete_fields:
                labelled = "(VND)" in str(f.verbose_name)
                assert labelled == is_money(f), f"{model._meta.label}.{f.name}"
    assert MoneyField().deconstruct()[1] == "django.db.models.BigIntegerField"  # no migration needed


@pytest.mark.django_db
def test_related_records_are_named_and_linked_only_within_the_viewers_scope(
    officer, admin_user, provincial_officer
):
    expert = user_with_role("expert", username="cg_an", full_name="Phạm Văn Ẩn")
    org = OrganisationFactory(name="Trung tâm Khuyến công thử")
    change = ObjectChange(
        time=timezone.make_aware(datetime.datetime(2026, 11, 30, 12, 31)),
        user=officer,
        user_name=officer.username,
        origin="web",
        action="update",
        content_type=ContentType.objects.get_for_model(ExpertAssignment),
        object_id=987654,
        object_repr="KCQG-2027-08-0001 – Phạm Văn Ẩn",
        before={"expert_id": None, "recommendation": "", "project_id": 987001},
        after={"expert_id": expert.pk, "recommendation": "reject", "project_id": 987002},
    )
    org_change = ObjectChange(
        time=timezone.make_aware(datetime.datetime(2026, 11, 30, 12, 31)),
        origin="cli",
        action="update",
        content_type=ContentType.objects.get_for_model(Project),
        object_id=987655,
        object_repr="KCQG-2027-08-0002",
        before={"implementing_org_id": None, "status": "forwarded"},
        after={"implementing_org_id": org.pk, "status": "under_review"},
    )
    row, org_row = present([change, org_change], officer)
    assert row.time == "30/11/2026 12:31"
    assert row.who == officer.get_full_name() and row.who != officer.username
    assert org_row.who == "hệ thống"
    assert row.kind == "Phân công chuyên gia" and row.action_label == "cập nhật"
    by_label = {f.label: f for f in row.fields}
    assert by_label["Chuyên gia"].after == Shown("Phạm Văn Ẩn")  # people by name, never linked
    assert by_label["Đề nghị"].after.text == "không phê duyệt"
    # a record the viewer cannot see (or no longer exists): neither its name nor its id
    assert by_label["Đề án"].before == Shown("(không hiển thị)")
    assert by_label["Đề án"].after == Shown("(không hiển thị)")
    org_fields = {f.label: f for f in org_row.fields}
    assert org_fields["Đơn vị thực hiện"].after == Shown(
        "Trung tâm Khuyến công thử", reverse("orgs:organisation_detail", args=[org.pk])
    )
    assert (org_fields["Trạng thái"].before.text, org_fields["Trạng thái"].after.text) == (
        "đã chuyển Cục",
        "chuyên gia đang thẩm định",
    )
    # the blind review: to a province, an expert is a role, not a name – in every column
    (province_row,) = present([change], provincial_officer)
    assert {f.label: f for f in province_row.fields}["Chuyên gia"].after.text == "Chuyên gia thẩm định"
    (expert_row,) = present([ObjectChange(**{**vars_of(change), "user": expert})], provincial_officer)
    assert expert_row.who == "Chuyên gia thẩm định"
    (own_row,) = present([change], expert)
    assert {f.label: f for f in own_row.fields}["Chuyên gia"].after.text == "Phạm Văn Ẩn"
    (admin_row,) = present([change], admin_user)
    assert {f.label: f for f in admin_row.fields}["Chuyên gia"].after.text == "Phạm Văn Ẩn"


def vars_of(change: ObjectChange) -> dict:
    names = [
        "time",
        "user",
        "origin",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "before",
        "after",
    ]
    return {name: getattr(change, name) for name in names}


@pytest.mark.django_db
def test_history_links_only_for_those_who_may_open_history(make_user, officer):
    public = make_user("public", username="congchung_t")
    org = OrganisationFactory()
    assert may_view_history(officer, org) and may_view_history(officer)
    assert not may_view_history(public, org) and not may_view_history(public)
    assert not may_view_history(None, org)


def test_parts_that_follow_their_parents_scope_do_not_narrow_it():
    """``audit_scope_from_parent`` shows every change of a part (even deleted) to whoever sees the
    parent: a model declaring it must take its scope from the class that declared it, unchanged."""
    for model in apps.get_models():
        if not (issubclass(model, AuditedModel) and model.audit_scope_from_parent):
            continue
        declaring = next(k for k in model.__mro__ if "audit_scope_from_parent" in vars(k))
        owner = next(k for k in model.__mro__ if "scope_filter" in vars(k))
        assert owner is declaring, f"{model._meta.label} overrides scope_filter: set audit_scope_from_parent"


@pytest.mark.django_db
def test_the_change_log_reads_like_the_history_page_and_finds_people_by_name(client, admin_user, make_user):
    from khuyencong.core.audit import audit_context

    editor = make_user("programme_officer", username="bientap", full_name="Lý Thị Biên Tập")
    with audit_context(user=editor, origin="web"):
        org = OrganisationFactory(name="Trung tâm trước")
        org.name = "Trung tâm sau"
        org.save()
    client.force_login(admin_user)
    response = client.get(reverse("core:audit_log"), {"user": "Biên Tập"})
    html = response.content.decode()
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows and {row.who for row in rows} == {"Lý Thị Biên Tập"}
    assert "Trung tâm trước" in html and "Trung tâm sau" in html
    assert ">bientap<" not in html
    assert f'href="{reverse("orgs:organisation_detail", args=[org.pk])}"' in html


@pytest.mark.django_db
def test_a_record_that_still_exists_is_named_as_it_reads_today(officer):
    """Names stored by older versions (``223 recommended 280000000``) or in the writer's language
    are not what the reader sees: an existing record in scope is named and linked as it is now."""
    org = OrganisationFactory(name="Trung tâm Khuyến công Bản Thàng")
    stale = ObjectChange(
        time=timezone.now(),
        origin="cli",
        action="update",
        content_type=ContentType.objects.get_for_model(type(org)),
        object_id=org.pk,
        object_repr=f"organisation {org.pk}",
        before={"note": ""},
        after={"note": "x"},
    )
    gone = ObjectChange(**{**vars_of(stale), "object_id": 99_999_999, "object_repr": "Trung tâm đã xoá"})
    row, gone_row = present([stale, gone], officer)
    assert row.record == Shown("Trung tâm Khuyến công Bản Thàng", org.get_absolute_url())
    assert gone_row.record == Shown("Trung tâm đã xoá")
