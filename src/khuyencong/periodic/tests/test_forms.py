"""The standard quarterly form is data loaded by ``load-reference``; a new field is a row."""

from __future__ import annotations

import pytest

from khuyencong.periodic.models import FormField, Prefill, ReportForm, SectionKind, ValueType
from khuyencong.periodic.periods import PeriodType

pytestmark = pytest.mark.django_db


def test_the_standard_quarterly_form_with_its_sections():
    form = ReportForm.objects.get(code="bao-cao-quy")
    assert form.period_type == PeriodType.QUARTER
    assert form.deadline_days == 15
    assert [s.kind for s in form.sections.order_by("order")] == [
        SectionKind.LEDGER_FUNDS,
        SectionKind.INDICATORS,
        SectionKind.CENTRE,
        SectionKind.LEGAL_DOCUMENTS,
        SectionKind.TEXT,
    ]
    funds = FormField.objects.filter(section__form=form, prefill=Prefill.LEDGER)
    assert {(f.code, f.measure, f.source) for f in funds} == {
        ("kinh-phi-kcqg", "paid", "kcqg"),
        ("kinh-phi-kcdp", "paid", "kcdp"),
    }
    assert all(f.locked and f.value_type == ValueType.MONEY for f in funds)
    staff = FormField.objects.get(section__form=form, code="can-bo-tong-so")
    assert staff.parts == "can-bo-bien-che+can-bo-hop-dong"
    assert (
        FormField.objects.get(section__form=form, code="lao-dong-dao-tao").indicator.code
        == "lao-dong-dao-tao"
    )
    assert not FormField.objects.get(section__form=form, code="lao-dong-dao-tao").locked


def test_a_field_added_to_the_data_file_is_loaded_without_code(tmp_path, settings):
    import shutil
    from pathlib import Path

    from django.apps import apps

    from khuyencong.core.loading import LoadRun
    from khuyencong.periodic.loaders import load_report_forms

    source = Path(apps.get_app_config("periodic").path) / "data"
    target = tmp_path / "periodic"
    shutil.copytree(source, target)
    with (target / "fields.csv").open("a", encoding="utf-8") as f:
        f.write(
            "bao-cao-quy,trung-tam,xe-chuyen-dung,15,Xe chuyên dụng,Special vehicles,"
            "integer,0,chiếc,,,,,,,,,\n"
        )
    run = LoadRun(data_dir=tmp_path)
    load_report_forms(run)
    added = FormField.objects.get(code="xe-chuyen-dung")
    assert (added.section.code, added.label_en, added.unit_en) == ("trung-tam", "Special vehicles", "")


def test_a_wrong_row_is_named_by_file_row_and_column(tmp_path):
    import shutil
    from pathlib import Path

    from django.apps import apps

    from khuyencong.core.loading import DataFileError, LoadRun
    from khuyencong.periodic.loaders import load_report_forms

    source = Path(apps.get_app_config("periodic").path) / "data"
    target = tmp_path / "periodic"
    shutil.copytree(source, target)
    with (target / "fields.csv").open("a", encoding="utf-8") as f:
        f.write("bao-cao-quy,kinh-phi,sai,9,Sai,,integer,0,,,ledger,,,,,,,\n")
    with pytest.raises(DataFileError) as error:
        load_report_forms(LoadRun(data_dir=tmp_path))
    assert "fields.csv, dòng 31, cột “measure”" in str(error.value)
