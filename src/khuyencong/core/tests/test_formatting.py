"""Vietnamese number, money and date formatting – the figures of the seed documents."""

import datetime

import pytest
from django.utils import translation

from khuyencong.core.formatting import (
    format_date,
    format_money,
    format_number,
    format_percent,
    parse_vnd,
)


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (147_747_000_000, "ty", "147,747 tỷ đồng"),
        (150_000_000_000, "ty", "150,000 tỷ đồng"),
        (1_737_730_000_000, "ty", "1.737,730 tỷ đồng"),
        (9_821_000_000, "trieu", "9.821 triệu đồng"),
        (974_100_000, "trieu", "974 triệu đồng"),
        (10_000_000, "auto", "10 triệu đồng"),
        (1_500, "auto", "1.500 đồng"),
        (-2_000_000_000, "ty", "-2,000 tỷ đồng"),
        (None, "ty", "–"),
    ],
)
def test_money_in_vietnamese(amount, unit, expected):
    assert format_money(amount, unit, lang="vi") == expected


def test_money_decimals_can_be_chosen():
    assert format_money(974_100_000, "trieu", decimals=1, lang="vi") == "974,1 triệu đồng"
    assert format_money(140_467_000_000, "ty", decimals=3, lang="vi") == "140,467 tỷ đồng"


def test_money_in_english_swaps_separators():
    assert format_money(147_747_000_000, "ty", lang="en") == "147.747 billion VND"
    assert format_number(1_234_567, lang="en") == "1,234,567"


def test_numbers_and_percentages():
    assert format_number(18400, lang="vi") == "18.400"
    assert format_number(20.76, 2, lang="vi") == "20,76"
    assert format_percent(12.33, lang="vi") == "12,33%"
    assert format_percent(56.51, lang="vi") == "56,51%"
    assert format_number(None) == "–"


def test_rounding_is_half_up_not_bankers():
    assert format_number(2.5, 0, lang="vi") == "3"
    assert format_number(0.125, 2, lang="vi") == "0,13"


def test_dates_are_day_month_year():
    assert format_date(datetime.date(2020, 11, 20)) == "20/11/2020"
    assert format_date(None) == "–"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1500000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("300.000.000 đ", 300_000_000),
        ("", None),
        ("-5.000", -5_000),
    ],
)
def test_parse_vnd_accepts_what_people_type(text, expected):
    assert parse_vnd(text) == expected


@pytest.mark.parametrize("text", ["1,5", "12.5", "abc", "1.500,50", "1.50.000", "3 5", "1 500.000"])
def test_parse_vnd_refuses_fractions_and_garbage(text):
    with pytest.raises(ValueError):
        parse_vnd(text)


def test_a_whole_number_takes_dots_or_spaces_before_groups_of_three_and_no_comma():
    from khuyencong.core.formatting import parse_whole_number

    for text, expected in [("1.500", 1500), ("1 500", 1500), ("79", 79), ("-3", -3), ("", None)]:
        assert parse_whole_number(text) == expected, text
    # 3.5 is not 35, 3 5 not 35, 1.2.3 not 123; 1,250 is 1¼ in Vietnamese, not 1250
    for text in ["3.5", "3 5", "1.2.3", "1,250", "12.34", ".500", "1.5000", "1 500.000"]:
        with pytest.raises(ValueError):
            parse_whole_number(text)
    # in English the comma groups the thousands (as the page shows them) and the dot is decimal
    with translation.override("en"):
        assert parse_whole_number("1,500") == 1500 and parse_whole_number("1 500") == 1500
        for text in ["1.500", "3,5", "1,2,3"]:
            with pytest.raises(ValueError):
                parse_whole_number(text)
