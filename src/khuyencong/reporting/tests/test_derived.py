"""Derived figures against hand-computed values."""

from decimal import Decimal

import pytest
from django.utils import translation

from khuyencong.reporting import derived


def test_percentages_shares_and_leverage():
    assert derived.percent_of_plan(147_747_000_000, 150_000_000_000) == Decimal("98.50")
    assert derived.percent_of_plan(1, 0) is None
    assert derived.share_of_total(1, 3) == Decimal("33.33")
    assert derived.shares({"a": 1, "b": 1, "c": 2}) == {
        "a": Decimal("25.00"),
        "b": Decimal("25.00"),
        "c": Decimal("50.00"),
    }
    assert derived.leverage(159_246_000_000, 158_293_000_000) == Decimal("1.01")
    assert derived.leverage(5, 0) is None
    assert derived.change_on_previous(120, 100) == Decimal("20.00")
    assert derived.change_on_previous(90, 120) == Decimal("-25.00")
    assert derived.change_on_previous(5, 0) is None


def test_mean_per_province_states_its_formula_and_who_is_above_it():
    mean = derived.mean_per_province(1_067_300_000_000, 63)  # 1.067,3 bn over the 63 provinces
    assert mean.value == Decimal(16_941_269_841)
    with translation.override("vi"):
        assert mean.formula == "1.067,300 tỷ đồng ÷ 63 tỉnh = 16,941 tỷ đồng"
    values = {"A": 20_000_000_000, "B": 16_941_269_841, "C": 10_000_000_000, "D": 17_000_000_000}
    assert derived.above_mean(values, mean) == ["A", "D"]  # largest first; equal is not above
    with pytest.raises(ValueError):
        derived.mean_per_province(1, 0)


def test_results_against_the_target():
    over = derived.against_target(1_150, 1_000)
    assert (over.percent, over.over) == (Decimal("115.00"), Decimal("15.00"))
    with translation.override("vi"):
        assert over.text == "+15,00 % so với mục tiêu"
        assert derived.against_target(870, 1_000).text == "đạt 87,00 % mục tiêu"
    under = derived.against_target(870, 1_000)
    assert (under.percent, under.over) == (Decimal("87.00"), None)
    assert derived.against_target(5, 0).text == "–"


def test_growth_by_year_and_its_mean():
    growth = derived.growth({2016: 100, 2017: 110, 2018: 121, 2019: 96})
    assert growth == {2017: Decimal("10.00"), 2018: Decimal("10.00"), 2019: Decimal("-20.66")}
    assert derived.mean_growth({2016: 100, 2017: 110, 2018: 99}) == Decimal("0.00")  # (+10 % −10 %) ÷ 2
    assert derived.mean_growth({2016: 100, 2017: 120, 2018: 150}) == Decimal("22.50")  # (20 + 25) ÷ 2
    assert derived.mean_growth({2016: 100}) is None
    assert derived.mean_growth({2016: 0, 2017: 5}) is None
