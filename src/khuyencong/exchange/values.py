"""Values as Vietnamese spreadsheets hold them, read into what the services take.

Every parser takes what a cell holds – text, a number, a date or a boolean, as the reader gives it –
and returns the value, or raises :class:`ValueProblem` whose message (Vietnamese) says what was
expected and, where something was understood, what. Nothing here guesses between two readings:
an ambiguous value is an error naming the candidates.

>>> parse_integer("1.234.567"), parse_integer("1 234 567"), parse_integer("1,234,567"), parse_integer(12.0)
(1234567, 1234567, 1234567, 12)
>>> parse_money("1,5 tỷ"), parse_money("150 triệu"), parse_money("1.234.567 đ"), parse_money("2 nghìn")
(1500000000, 150000000, 1234567, 2000)
>>> parse_money("1.5 tỷ"), parse_money(2500000.0), parse_money("0,25 triệu")
(1500000000, 2500000, 250000)
>>> parse_date("05/03/2019"), parse_date("5/3/2019"), parse_date("2019-03-05"), parse_date("05.03.2019")
(datetime.date(2019, 3, 5), datetime.date(2019, 3, 5), datetime.date(2019, 3, 5), datetime.date(2019, 3, 5))
>>> parse_date(datetime.datetime(2019, 3, 5, 0, 0)), parse_date(43529.0)
(datetime.date(2019, 3, 5), datetime.date(2019, 3, 5))
>>> parse_bool("Có"), parse_bool("x"), parse_bool("khong"), parse_bool(""), parse_bool(True)
(True, True, False, False, True)
>>> parse_choice("Hộ kinh doanh", [("household", "hộ kinh doanh"), ("cooperative", "hợp tác xã")])
'household'
>>> parse_choice("hop tac xa", [("household", "hộ kinh doanh"), ("cooperative", "hợp tác xã")])
'cooperative'
>>> clean_text("Ca\u0300 Mau  "), clean_text("'=1+2"), clean_text(1234567.0)
('Cà Mau', '=1+2', '1234567')
>>> for bad in ("1,5", "12 abc", "1.23.4"):
...     try:
...         parse_integer(bad)
...     except ValueProblem as problem:
...         print(problem)
“1,5” không phải số nguyên.
“12 abc” không phải số nguyên.
“1.23.4” không phải số nguyên.
>>> try:
...     parse_money("1,5 đồng")
... except ValueProblem as problem:
...     print(problem)
“1,5 đồng” là 1,5 đồng: số tiền phải là số đồng nguyên.
>>> try:
...     parse_date("31/02/2019")
... except ValueProblem as problem:
...     print(problem)
“31/02/2019” không phải ngày có thật (đọc là ngày 31, tháng 02, năm 2019).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core.parsing import MAX_NUMBER_LENGTH
from khuyencong.core.spreadsheets import FORMULA_STARTS
from khuyencong.core.text import fold, normalise


class ValueProblem(ValueError):
    """A cell's value cannot be read; the message says why (in the active language)."""


# --- text ---------------------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """Text as stored: NFC, single spaces, trimmed. A whole number read from a number cell is written
    without ``.0``. The apostrophe the exports put before text starting like a formula
    (``'=…``, see ``core/spreadsheets.py``) is taken off again, so an export imports as it was."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    text = normalise(str(value))
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _shown(value: Any) -> str:
    return clean_text(value)[:80]


# --- numbers ------------------------------------------------------------------------------------

_GROUPED = re.compile(r"^\d{1,3}([., ]\d{3})+$")


def parse_integer(value: Any) -> int:
    """A whole number: ``1234567``, ``1.234.567``, ``1,234,567``, ``1 234 567`` or a number cell."""
    if isinstance(value, bool):
        raise ValueProblem(_("“%(value)s” is not a whole number.") % {"value": _shown(value)})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueProblem(_("“%(value)s” is not a whole number.") % {"value": _shown(value)})
    text = clean_text(value).replace("\u00a0", " ")
    negative = text.startswith("-")
    digits = text.lstrip("-+").strip()
    if _GROUPED.match(digits) and len({c for c in digits if not c.isdigit()}) == 1:
        digits = re.sub(r"[., ]", "", digits)
    if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_NUMBER_LENGTH:
        raise ValueProblem(_("“%(value)s” is not a whole number.") % {"value": _shown(value)})
    number = int(digits)
    return -number if negative else number


def parse_number(value: Any) -> Decimal:
    """A number that may have a fraction: ``12``, ``12,5``, ``1.234,5``, ``1.234.567`` or a number cell."""
    if isinstance(value, bool):
        raise ValueProblem(_("“%(value)s” is not a number.") % {"value": _shown(value)})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem(_("“%(value)s” is not a number.") % {"value": _shown(value)})
        return Decimal(repr(value))
    number = _decimal(clean_text(value))
    if number is None:
        raise ValueProblem(
            _("“%(value)s” is not a number (write e.g. 12 or 12,5).") % {"value": _shown(value)}
        )
    return number


# unit words after an amount (folded), and what one of them is worth in đồng
MONEY_UNITS = {
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
    "trieu": 1_000_000,
    "tr": 1_000_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "dong": 1,
    "d": 1,
    "vnd": 1,
}
_MONEY = re.compile(r"^(?P<number>[-+]?[\d.,\s]+?)\s*(?P<unit>[a-z]+(\s+dong)?)?$")


def _decimal(text: str) -> Decimal | None:
    """``1.234.567`` / ``1,234,567`` / ``1 234 567`` (thousands) or ``1,5`` / ``1.5`` (a fraction)."""
    text = text.replace("\u00a0", " ").strip()
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0].replace("+", ""), text[1:].strip()
    if _GROUPED.match(text) and len({c for c in text if not c.isdigit()}) == 1:
        text = re.sub(r"[., ]", "", text)
    else:
        seps = {c for c in text if not c.isdigit()}
        if len(seps) > 1 or text.count(next(iter(seps), ".")) > 1:
            # 1.234.567,5 (Vietnamese) – thousands dots and a decimal comma
            if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", text):
                text = text.replace(".", "").replace(",", ".")
            elif re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", text):
                text = text.replace(",", "")
            else:
                return None
        else:
            text = text.replace(",", ".")
    if not text or len(text) > MAX_NUMBER_LENGTH:
        return None
    try:
        number = Decimal(sign + text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_money(value: Any) -> int:
    """An amount in whole đồng: ``1.234.567``, ``1.234.567 đ``, ``1,5 tỷ``, ``150 triệu``, a number cell."""
    if isinstance(value, bool):
        raise ValueProblem(_("“%(value)s” is not an amount of money.") % {"value": _shown(value)})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueProblem(
            _("“%(value)s” is %(amount)s đồng: an amount is a whole number of đồng.")
            % {"value": _shown(value), "amount": _shown(value)}
        )
    text = clean_text(value)
    match = _MONEY.match(fold(text).replace("vnd", " vnd").strip())
    number = _decimal(match.group("number")) if match else None
    unit_word = (match.group("unit") or "dong").split()[0] if match else ""
    if number is None or unit_word not in MONEY_UNITS:
        raise ValueProblem(
            _("“%(value)s” is not an amount of money (write e.g. 1.234.567 or 1,5 tỷ or 150 triệu).")
            % {"value": _shown(value)}
        )
    amount = number * MONEY_UNITS[unit_word]
    if amount != amount.to_integral_value():
        shown = f"{amount:f}".rstrip("0").rstrip(".").replace(".", ",")
        raise ValueProblem(
            _("“%(value)s” is %(amount)s đồng: an amount is a whole number of đồng.")
            % {"value": _shown(value), "amount": shown}
        )
    return int(amount)


# --- dates --------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# numbers read as Excel's date serials: 1954 – 2119 (a bare year such as 2024 is not a date)
SERIAL_RANGE = (20_000, 80_000)


def parse_date(value: Any) -> datetime.date:
    """A date: a date cell, ``dd/mm/yyyy`` (also with ``-`` or ``.``), ``yyyy-mm-dd`` or an Excel serial."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueProblem(_("“%(value)s” is not a date (write dd/mm/yyyy).") % {"value": _shown(value)})
    text = clean_text(value)
    match = _DMY.match(text)
    if match:
        day, month, year = match.groups()
    else:
        match = _YMD.match(text.split("T")[0].split(" ")[0])
        if not match:
            raise ValueProblem(_("“%(value)s” is not a date (write dd/mm/yyyy).") % {"value": _shown(value)})
        year, month, day = match.groups()
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ValueProblem(
            _("“%(value)s” is not a real date (read as day %(day)s, month %(month)s, year %(year)s).")
            % {"value": _shown(value), "day": day, "month": month, "year": year}
        ) from exc


# --- yes/no and coded lists ---------------------------------------------------------------------

TRUE_WORDS = {"co", "x", "1", "true", "yes", "dung", "phai", "c"}
FALSE_WORDS = {"khong", "0", "false", "no", "sai", "k", ""}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = fold(clean_text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueProblem(_("“%(value)s” is not yes or no (write Có or Không).") % {"value": _shown(value)})


def _key(text: str) -> str:
    return normalise(text).casefold()


def parse_choice(value: Any, choices: Sequence[tuple[str, str]]) -> str:
    """The code of ``value`` among ``(code, label)`` pairs: by code or label as written (any case),
    then without accents where only one choice matches."""
    text = clean_text(value)
    exact = [code for code, label in choices if _key(text) in (_key(code), _key(label))]
    if len(set(exact)) == 1:
        return exact[0]
    folded = [code for code, label in choices if fold(text) in (fold(code), fold(label))]
    if len(set(folded)) == 1:
        return folded[0]
    allowed = ", ".join(label for _code, label in choices)
    raise ValueProblem(
        _("“%(value)s” is not one of the allowed values: %(allowed)s.")
        % {"value": _shown(value), "allowed": allowed}
    )


# --- places -------------------------------------------------------------------------------------

COMMUNE_KIND_WORDS = ("xa", "phuong", "thi tran", "dac khu", "p.", "tt.")
PROVINCE_KIND_WORDS = ("tinh", "thanh pho", "tp.", "tp")


def _strip_kind(folded: str, words: Iterable[str]) -> str:
    for word in words:
        if folded.startswith(word + " "):
            return folded[len(word) + 1 :].strip()
    return folded


class Places:
    """Provinces and communes of both geographies, read once and matched in memory.

    A name is matched as written (NFC, any case, with or without its kind: “Tỉnh Hà Giang” or “Hà
    Giang”), then without accents when only one unit matches. A name of the 63-province geography
    (“Hà Giang”) still finds its province after 2025; the caller decides which date counts.
    """

    def __init__(self) -> None:
        from khuyencong.geo.models import AdministrativeUnit, Level, Succession

        units = list(
            AdministrativeUnit.objects.only(
                "id",
                "level",
                "kind",
                "code",
                "name",
                "full_name",
                "other_names",
                "parent_id",
                "valid_from",
                "valid_until",
            )
        )
        self.by_id = {u.pk: u for u in units}
        for unit in units:  # parents in memory: ``unit.province()`` without a query
            if unit.parent_id:
                unit.parent = self.by_id[unit.parent_id]
        self.provinces = [u for u in units if u.level == Level.PROVINCE]
        self._province_names: dict[str, list] = defaultdict(list)
        self._province_folded: dict[str, list] = defaultdict(list)
        for unit in self.provinces:
            for name in self._names(unit):
                self._province_names[_key(name)].append(unit)
                self._province_folded[_strip_kind(fold(name), PROVINCE_KIND_WORDS)].append(unit)
        self.communes_of: dict[int, list] = defaultdict(list)  # province id → its communes
        self.commune_by_code: dict[str, list] = defaultdict(list)
        # a commune's names → the ids of the communes so named: as written (name or full name),
        # without accents (full name, or name without its kind)
        self._named: dict[str, set[int]] = defaultdict(set)
        self._folded_full: dict[str, set[int]] = defaultdict(set)
        self._folded_bare: dict[str, set[int]] = defaultdict(set)
        for unit in units:
            if unit.level == Level.COMMUNE:
                self.communes_of[unit.province().pk].append(unit)
                self.commune_by_code[unit.code].append(unit)
                self._named[_key(unit.name)].add(unit.id)
                self._named[_key(unit.full_name)].add(unit.id)
                self._folded_bare[fold(unit.name)].add(unit.id)
                self._folded_full[fold(unit.full_name)].add(unit.id)
        self._memo: dict[tuple, Any] = {}
        self.successors: dict[int, list[tuple[int, datetime.date, int]]] = defaultdict(list)
        for pred, succ, when, share in Succession.objects.values_list(
            "predecessor_id", "successor_id", "effective_date", "share_percent"
        ):
            self.successors[pred].append((succ, when, share))

    @staticmethod
    def _names(unit) -> list[str]:
        names = [unit.name, unit.full_name]
        names += [n.strip() for n in (unit.other_names or "").split(",") if n.strip()]
        return names

    def successor(self, unit, on: datetime.date):
        """What :func:`khuyencong.geo.queries.successor_of` answers, from memory."""
        current, seen = unit, {unit.pk}
        while not current.valid_on(on):
            nexts = [e for e in self.successors.get(current.pk, []) if e[1] <= on]
            if not nexts:
                break
            nxt = max(nexts, key=lambda e: e[2])[0]
            if nxt in seen:
                break
            seen.add(nxt)
            current = self.by_id[nxt]
        return current

    def find_provinces(self, value: Any) -> list:
        text = clean_text(value)
        found = self._province_names.get(_key(text)) or self._province_names.get(
            _key(re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", text, flags=re.IGNORECASE))
        )
        if not found:
            found = self._province_folded.get(_strip_kind(fold(text), PROVINCE_KIND_WORDS), [])
        unique = {u.pk: u for u in found}
        return list(unique.values())

    def province(self, value: Any, on: datetime.date):
        """The province named ``value`` that is valid on ``on``: the one of that name then, else
        the successor of a former one (“Hà Giang” on 1/1/2026 → Tuyên Quang)."""
        found = self.find_provinces(value)
        if not found:
            raise ValueProblem(_("No province is called “%(value)s”.") % {"value": _shown(value)})
        valid = [u for u in found if u.valid_on(on)]
        if len(valid) == 1:
            return valid[0]
        successors = {self.successor(u, on).pk for u in found}
        if len(successors) == 1:
            return self.by_id[successors.pop()]
        raise ValueProblem(
            _("“%(value)s” names several provinces: %(names)s.")
            % {"value": _shown(value), "names": ", ".join(sorted({u.full_name for u in found}))}
        )

    def commune(self, value: Any, *, provinces: list, on: datetime.date, code: Any = None):
        """The commune named ``value`` in one of ``provinces`` (any geography; the province as it was
        and its successor), valid on ``on``; or the commune with official ``code``. Answers are
        remembered: a file names the same communes again and again."""
        memo_key = (clean_text(value), tuple(p.pk for p in provinces), on, clean_text(code))
        answer = self._memo.get(memo_key)
        if answer is None:
            try:
                answer = self._commune(value, provinces=provinces, on=on, code=code)
            except ValueProblem as problem:
                answer = problem
            if len(self._memo) > 50_000:
                self._memo.clear()
            self._memo[memo_key] = answer
        if isinstance(answer, ValueProblem):
            raise answer
        return answer

    def _commune(self, value: Any, *, provinces: list, on: datetime.date, code: Any = None):
        if code not in (None, ""):
            code_text = clean_text(code)
            if code_text.isdigit():
                code_text = code_text.zfill(5)
            units = self.commune_by_code.get(code_text, [])
            valid = [u for u in units if u.valid_on(on)]
            if len(valid) == 1:
                return valid[0]
            if not units:
                raise ValueProblem(_("No commune has the code “%(value)s”.") % {"value": code_text})
            raise ValueProblem(
                _("The commune with code %(code)s (%(name)s) did not exist on %(date)s.")
                % {"code": code_text, "name": units[0].full_name, "date": on.strftime("%d/%m/%Y")}
            )
        text = clean_text(value)
        candidates = [c for p in provinces for c in self.communes_of.get(p.pk, [])]
        for matcher in (self._exact, self._folded):
            found = matcher(text, candidates)
            if found:
                break
        if not found:
            raise ValueProblem(
                _("No commune “%(value)s” in %(provinces)s.")
                % {
                    "value": _shown(value),
                    "provinces": ", ".join(dict.fromkeys(p.full_name for p in provinces)),
                }
            )
        valid = [u for u in found if u.valid_on(on)]
        if len(valid) == 1:
            return valid[0]
        if not valid:
            periods = "; ".join(
                f"{u.full_name} ({(u.valid_from or datetime.date(1900, 1, 1)).strftime('%d/%m/%Y')} – "
                f"{u.valid_until.strftime('%d/%m/%Y') if u.valid_until else '…'})"
                for u in found[:5]
            )
            raise ValueProblem(
                _("“%(value)s” did not exist on %(date)s (found: %(found)s).")
                % {"value": _shown(value), "date": on.strftime("%d/%m/%Y"), "found": periods}
            )
        names = "; ".join(
            f"{u.full_name}"
            + (f", {u.parent.full_name}" if u.parent and u.parent.level == "district" else "")
            + f" – {u.code}"
            for u in valid[:6]
        )
        raise ValueProblem(
            _("“%(value)s” matches several communes: %(names)s. Write the commune code.")
            % {"value": _shown(value), "names": names}
        )

    def _exact(self, text: str, candidates: list) -> list:
        ids = self._named.get(_key(text))
        return [c for c in candidates if c.id in ids] if ids else []

    def _folded(self, text: str, candidates: list) -> list:
        key = fold(text)
        ids = self._folded_full.get(key, set()) | self._folded_bare.get(
            _strip_kind(key, COMMUNE_KIND_WORDS), set()
        )
        return [c for c in candidates if c.id in ids] if ids else []
