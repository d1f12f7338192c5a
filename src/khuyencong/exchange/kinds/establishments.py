"""Establishments (cơ sở CNNT): one row per establishment, written through
``establishments/services.py`` – the same validation, norms and scope as the registration form.

Natural key: the **tax code**. A row without a tax code (household businesses, cooperative groups)
is found by its name (compared as the duplicate check compares names: without accents, case and
legal-form words) in the same commune; two such records → an error asking for the tax code.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.permissions import CHANGE, VIEW
from khuyencong.exchange import values
from khuyencong.exchange.kinds import CellError, Column, Kind, Parsed, read_cell, register, today


def _kinds() -> list[tuple[str, str]]:
    from khuyencong.establishments.models import EstablishmentKind

    return [(c, str(label)) for c, label in EstablishmentKind.choices]


def _statuses() -> list[tuple[str, str]]:
    from khuyencong.establishments.models import Status

    return [(c, str(label)) for c, label in Status.choices if c != Status.MERGED]


def _artisan_titles() -> list[tuple[str, str]]:
    from khuyencong.establishments.models import ArtisanTitle

    return [(c, str(label)) for c, label in ArtisanTitle.choices if c]


def _provinces() -> list[tuple[str, str]]:
    from khuyencong.geo.models import AdministrativeUnit, Level

    names = (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return [(n, n) for n in dict.fromkeys(names)]


def _divisions() -> list[tuple[str, str]]:
    from khuyencong.establishments.models import SectorDivision

    return [(d.code, f"{d.code} – {d.name}") for d in SectorDivision.objects.order_by("code")]


COLUMNS = [
    Column("tax_code", _("tax code / enterprise code"), _("10 digits, or 13 digits for a branch (e.g. 0100233488 or 0314409058-002).") , example="0100233488", field="tax_code", max_length=20),
    Column("name", _("legal name"), _("The establishment's registered name."), required=True, example="Hộ kinh doanh Mây tre đan Thanh Hà", field="name", max_length=255),
    Column("other_names", _("other names"), _("Trade or former names."), field="other_names", max_length=255),
    Column("kind", _("kind"), _("Legal form and size."), type="choice", required=True, choices=_kinds, example="hộ kinh doanh", field="kind"),
    Column("registration_number", _("business registration number"), _("For household businesses and cooperative groups without a tax code."), field="registration_number", max_length=50),
    Column("registration_date", _("date of business registration"), _("As on the registration certificate."), type="date", example="15/03/2016", field="registration_date"),
    Column("established_on", _("date established"), _("When the establishment began its activity."), type="date", field="established_on"),
    Column("representative", _("owner or legal representative"), _("Full name of the owner or legal representative."), required=True, example="Nguyễn Thị Hoa", field="representative", max_length=150),
    Column("representative_title", _("title"), _("Title of the representative (e.g. Giám đốc, Chủ hộ)."), field="representative_title", max_length=100),
    Column("women_owned", _("owned or run by a woman"), _("A priority group under Decree 235/2025."), type="bool", example="Có", field="women_owned"),
    Column("ethnic_minority_owned", _("owned by an ethnic-minority person"), _("A priority group under Decree 235/2025."), type="bool", example="Không", field="ethnic_minority_owned"),
    Column("artisan_title", _("artisan title of the owner"), _("Empty when the owner holds no title."), type="choice", choices=_artisan_titles, field="artisan_title"),
    Column("address", _("address (house, street, village)"), _("Without the commune and province, which have their own columns."), required=True, example="Thôn Thanh Hà", field="address", max_length=300),
    Column("province", _("province"), _("The province of the address as it was on the address date; a former province (e.g. Hà Giang) is accepted and its communes are looked for in it and in the province that holds it now."), type="province", required=True, choices=_provinces, example="Tuyên Quang", validation_list=False),
    Column("commune", _("commune / ward"), _("The commune, ward or special zone of the address (with or without “Xã”/“Phường”)."), type="commune", required=True, example="Xã Minh Thanh", field="commune"),
    Column("commune_code", _("Commune code"), _("The official code of the commune (5 digits); when given it decides, and the names are not needed."), type="code", example="", field="commune"),
    Column("address_as_of", _("address valid on"), _("The date the address refers to; the commune must exist on that date. Empty: the record's date, else today, else the last day the commune existed."), type="date", example="01/07/2025", field="address_as_of"),
    Column("in_craft_village", _("in a craft village"), _("Whether the establishment is in a craft village."), type="bool", field="in_craft_village"),
    Column("craft_village", _("craft village"), _("Name of the craft village (needed when it is in one)."), field="craft_village", max_length=200),
    Column("craft_village_recognised", _("craft village recognised by the province"), _("Recognised by the Provincial People's Committee."), type="bool", field="craft_village_recognised"),
    Column("vsic_code", _("main sector (VSIC 2018 code)"), _("At least the two-digit division, e.g. 23 or 2393."), type="code", required=True, choices=_divisions, example="1629", field="vsic_code", validation_list=False),
    Column("is_handicraft", _("handicraft / fine-art products"), _("Whether the products are handicraft or fine-art products."), type="bool", field="is_handicraft"),
    Column("products", _("main products"), _("What the establishment makes."), required=True, example="Sản phẩm mây tre đan", field="products", max_length=5000),
    Column("employees", _("employees"), _("Number of workers."), type="integer", unit=_("persons"), example="12", field="employees"),
    Column("phone", _("phone"), _("Contact phone."), field="phone", max_length=50),
    Column("email", _("e-mail"), _("Contact e-mail."), field="email", max_length=254),
    Column("status", _("status"), _("Empty: active."), type="choice", choices=_statuses, example="đang hoạt động", field="status"),
    Column("status_since", _("status since"), _("When the status began."), type="date", field="status_since"),
    Column("note", _("note"), _("Anything else."), field="note", max_length=5000),
]  # fmt: skip

FIELD_COLUMN = {c.field: c.key for c in COLUMNS if c.field and c.key != "commune_code"}


class Context:
    def __init__(self, user) -> None:
        from khuyencong.core.permissions import get_scope
        from khuyencong.establishments.models import ReferenceData
        from khuyencong.establishments.services import EstablishmentWriter

        self.user = user
        self.checking = True  # check the rows through the services (off while writing: they check)
        self.scope = get_scope(user)
        self.places = values.Places()
        # the services check and prepare every row from the units read once for the places
        self.reference = ReferenceData(units=self.places.by_id)
        self.divisions = set(self.reference.divisions)
        self.writer = EstablishmentWriter(user=user, reference=self.reference)
        self.written: list[int] = []  # the rows handed to the writer since its last flush
        self.read_choice: dict[tuple[str, Any], Any] = {}  # (column, cell) → code or ValueProblem
        self.choices: dict[str, list[tuple[str, str]]] = {}
        from django.utils.translation import override

        for column in COLUMNS:
            if column.choices and column.type == "choice":
                pairs = []
                for language in ("vi", "en"):
                    with override(language):
                        pairs += column.choices()
                self.choices[column.key] = pairs


class EstablishmentKindOfData(Kind):
    key = "establishments"
    label = _("Establishments (cơ sở CNNT)")
    description = _("One row per rural industrial establishment: identity, owner, address, sector.")
    natural_key = _(
        "The tax code; without one, the name (without accents and legal-form words) in the same commune."
    )
    columns = COLUMNS

    menu = "establishments"
    list_url = "establishments:list"
    list_label = _("All establishments")

    def prepare(self, user) -> Context:
        return Context(user)

    def may_import(self, user) -> bool:
        from khuyencong.establishments.services import can_create_establishments

        return can_create_establishments(user)

    def record_url(self, object_id: int) -> str | None:
        from django.urls import reverse

        return reverse("establishments:detail", args=[object_id])

    def record_labels(self, object_ids: list[int]) -> dict[int, tuple[str, str | None]]:
        from django.urls import reverse

        from khuyencong.establishments.models import Establishment

        found = Establishment.objects.filter(pk__in=object_ids).only("pk", "name", "tax_code")
        return {
            e.pk: (
                f"{e.name} – {e.tax_code}" if e.tax_code else e.name,
                reverse("establishments:detail", args=[e.pk]),
            )
            for e in found
        }

    # --- reading a row ------------------------------------------------------------------------

    def parse(self, row: int, cells: dict[str, Any], context: Context) -> Parsed:
        from khuyencong.establishments.models import name_key
        from khuyencong.establishments.validators import normalise_tax_code

        parsed = Parsed(row)
        read: dict[str, Any] = {}
        for column in self.columns:
            raw = cells.get(column.key)
            try:
                if (
                    column.type == "choice"
                    and raw not in (None, "")
                    and not (isinstance(raw, str) and not raw.strip())
                ):
                    value: Any = self._choice(column.key, raw, context)
                else:
                    value = read_cell(column, raw)
            except values.ValueProblem as problem:
                parsed.error(column.key, str(problem), raw)
                continue
            if value is None and column.required and column.key not in ("province", "commune"):
                parsed.error(column.key, gettext("This column is required."), raw)
            read[column.key] = value
        data = parsed.data
        for column in self.columns:
            if (
                column.field
                and column.key in read
                and column.key not in ("province", "commune", "commune_code")
            ):
                data[column.field] = read[column.key]
        for boolean in (
            "women_owned",
            "ethnic_minority_owned",
            "in_craft_village",
            "craft_village_recognised",
            "is_handicraft",
        ):
            if boolean in data:
                data[boolean] = bool(data[boolean])
        for text in (
            "other_names",
            "registration_number",
            "representative_title",
            "artisan_title",
            "craft_village",
            "phone",
            "email",
            "note",
        ):
            if text in data and data[text] is None:
                data[text] = ""
        if "employees" in data and data["employees"] is None:
            data["employees"] = 0
        if "status" in data and not data["status"]:
            data["status"] = "active"
        vsic = data.get("vsic_code")
        if vsic and (not vsic.isdigit() or not 2 <= len(vsic) <= 5):
            parsed.error("vsic_code", gettext("A VSIC code has 2 to 5 digits (e.g. 23 or 2393)."), vsic)
        elif vsic and vsic[:2] not in context.divisions:
            parsed.error(
                "vsic_code",
                gettext("Division “%(code)s” does not exist in VSIC 2018.") % {"code": vsic[:2]},
                vsic,
            )
        if data.get("tax_code"):
            try:
                data["tax_code"] = normalise_tax_code(data["tax_code"])
            except ValidationError as error:
                parsed.error("tax_code", " ".join(error.messages), data["tax_code"])
        else:
            data["tax_code"] = None
        parsed.extra["date_given"] = data.get("address_as_of") is not None
        self._place(parsed, read, cells, context)
        if parsed.errors:
            # a refused row is not checked by the services: its other cells are checked here with
            # the record's own rules, so the list names every error of the row at once
            self._check_fields(parsed, read)
        if data.get("tax_code"):
            parsed.key = ("tax", data["tax_code"])
        elif data.get("name") and data.get("commune"):
            parsed.key = ("name", name_key(values.normalise(data["name"])), data["commune"].pk)
        return parsed

    def _check_fields(self, parsed: Parsed, read: dict) -> None:
        """The validators of each read cell's model field (a negative number of employees, an
        e-mail address that is not one), for the cells without an error yet."""
        from khuyencong.establishments.models import Establishment

        flagged = {e.column for e in parsed.errors}
        for column in self.columns:
            value = parsed.data.get(column.field) if column.field else None
            if column.key in flagged or value in (None, "") or column.key not in read:
                continue
            model_field = Establishment._meta.get_field(column.field)
            if model_field.is_relation:
                continue
            try:
                model_field.run_validators(value)
            except ValidationError as error:
                parsed.error(column.key, " ".join(error.messages), read[column.key])

    @staticmethod
    def _choice(key: str, raw: Any, context: Context) -> Any:
        """``values.parse_choice``, once per distinct cell of a column (a file repeats its kinds and
        statuses on every row)."""
        memo = context.read_choice
        answer = memo.get((key, raw))
        if answer is None:
            try:
                answer = values.parse_choice(raw, context.choices[key])
            except values.ValueProblem as problem:
                answer = problem
            if len(memo) > 10_000:
                memo.clear()
            memo[(key, raw)] = answer
        if isinstance(answer, values.ValueProblem):
            raise answer
        return answer

    def _place(self, parsed: Parsed, read: dict, cells: dict, context: Context) -> None:
        places = context.places
        code = read.get("commune_code")
        on = parsed.data.get("address_as_of")
        dates = [on] if on else [today()]
        if code:
            try:
                commune = self._commune_by_code(code, dates, on, places)
            except values.ValueProblem as problem:
                parsed.error("commune_code", str(problem), code)
                return
        else:
            if not read.get("province"):
                parsed.error("province", gettext("This column is required (or give the commune code)."), "")
                return
            if not read.get("commune"):
                parsed.error("commune", gettext("This column is required (or give the commune code)."), "")
                return
            found = places.find_provinces(read["province"])
            if not found:
                parsed.error(
                    "province",
                    gettext("No province is called “%(value)s”.") % {"value": read["province"]},
                    read["province"],
                )
                return
            commune = None
            problem: values.ValueProblem | None = None
            for date in dates:
                provinces = list(
                    {p.pk: p for p in found + [places.successor(p, date) for p in found]}.values()
                )
                try:
                    commune = places.commune(read["commune"], provinces=provinces, on=date)
                    break
                except values.ValueProblem as error:
                    problem = problem or error
            if commune is None and not on:
                # no date: an address of a commune that no longer exists is its address as it was,
                # on the last day the commune existed
                provinces = list({p.pk: p for p in found}.values())
                candidates = [
                    c
                    for c in places._exact(
                        read["commune"], [c for p in provinces for c in places.communes_of.get(p.pk, [])]
                    )
                    if c.valid_until
                ]
                if len(candidates) == 1:
                    commune = candidates[0]
            if commune is None:
                assert problem is not None
                parsed.error("commune", str(problem), read["commune"])
                return
        parsed.data["commune"] = commune
        if not on:
            parsed.data["address_as_of"] = today() if commune.valid_on(today()) else commune.valid_until

    @staticmethod
    def _commune_by_code(code, dates, on, places):
        problem = None
        for date in dates:
            try:
                return places.commune(None, provinces=[], on=date, code=code)
            except values.ValueProblem as error:
                problem = problem or error
        if not on:
            units = places.commune_by_code.get(values.clean_text(code).zfill(5), [])
            old = [u for u in units if u.valid_until]
            if len(units) == 1 and old:
                return old[0]
        raise problem

    # --- finding and checking the records -------------------------------------------------------

    def resolve(self, rows: list[Parsed], context: Context) -> None:
        """Find each row's record – by tax code, else by name in the commune: one query each for the
        whole chunk – and check the chunk through the services at once (``establishments_check``:
        the same rules as the form, without a query per row)."""
        from khuyencong.establishments.models import Establishment, Status
        from khuyencong.establishments.services import establishments_check

        codes = [p.key[1] for p in rows if p.key and p.key[0] == "tax"]
        by_code = (
            {
                e.tax_code: e
                for e in Establishment.objects.filter(tax_code__in=codes).select_related("province_now")
            }
            if codes
            else {}
        )
        named = {p.key for p in rows if p.key and p.key[0] == "name"}
        by_name: dict[tuple, list] = {}
        if named:
            found = Establishment.objects.filter(
                name_key__in={key for _n, key, _c in named},
                commune_id__in={commune for _n, _k, commune in named},
                tax_code__isnull=True,
            ).select_related("province_now")
            for e in found:
                key = ("name", e.name_key, e.commune_id)
                if key in named:
                    by_name.setdefault(key, []).append(e)
        changeable = (
            set(
                Establishment.objects.restrict(context.user, CHANGE)
                .filter(
                    pk__in=[e.pk for e in by_code.values()] + [e.pk for es in by_name.values() for e in es]
                )
                .values_list("pk", flat=True)
            )
            if by_code or by_name
            else set()
        )
        checks: list[tuple[Parsed, Any]] = []
        for parsed in rows:
            if parsed.errors or parsed.key is None:
                continue
            if parsed.key[0] == "tax":
                existing = by_code.get(parsed.key[1])
            else:
                # matched by its name in a commune the user does not manage: read as a new record
                # there, so the answer is the one a name nobody registered gets (the commune's) and
                # tells nothing of what is registered in it
                matches = [m for m in by_name.get(parsed.key, []) if m.pk in changeable]
                if len(matches) > 1:
                    parsed.error(
                        "name",
                        gettext(
                            "Several establishments without a tax code have this name in this commune; give the tax code."
                        ),
                        parsed.data.get("name"),
                    )
                    continue
                existing = matches[0] if matches else None
            if existing is not None:
                if existing.pk not in changeable:
                    visible = (
                        Establishment.objects.restrict(context.user, VIEW).filter(pk=existing.pk).exists()
                    )
                    if visible:
                        message = gettext(
                            "“%(name)s” (%(province)s) is registered with this tax code, outside the provinces you manage."
                        ) % {"name": existing.name, "province": existing.province_now.name}
                    else:
                        message = gettext(
                            "This tax code is already registered in another province. Ask the agency to check the record."
                        )
                    parsed.error("tax_code", message, parsed.data.get("tax_code"))
                    continue
                if existing.status == Status.MERGED:
                    parsed.error(
                        "tax_code",
                        gettext("This record was merged into another; change the record it was merged into."),
                        parsed.data.get("tax_code"),
                    )
                    continue
                if not parsed.extra["date_given"] and existing.commune_id == parsed.data["commune"].pk:
                    parsed.data["address_as_of"] = existing.address_as_of
                changes = {
                    k: v
                    for k, v in parsed.data.items()
                    if _differs(getattr(existing, k + "_id" if k == "commune" else k), v)
                }
                parsed.extra["existing"] = existing
                parsed.extra["changes"] = changes
                parsed.extra["action"] = "updated" if changes else "unchanged"
                if not changes:
                    continue
            else:
                parsed.extra["action"] = "created"
            checks.append((parsed, existing))
        if not context.checking or not checks:
            return
        answers = establishments_check(
            user=context.user,
            items=[(parsed.data, existing) for parsed, existing in checks],
            reference=context.reference,
        )
        for (parsed, _existing), answer in zip(checks, answers, strict=True):
            if isinstance(answer, ValidationError):
                self._add_validation(parsed, answer)
            elif isinstance(answer, Exception):
                parsed.error("", str(answer))

    def _add_validation(self, parsed: Parsed, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field_name, errors in error.error_dict.items():
                column = FIELD_COLUMN.get(field_name, "")
                value = parsed.data.get(field_name, "")
                if field_name == "commune" and value:
                    value = value.full_name
                for e in errors:
                    for message in e.messages:
                        parsed.error(column, message, value)
        else:
            for message in error.messages:
                parsed.error("", message)

    def write(self, parsed: Parsed, context: Context) -> tuple[str, Any]:
        """Hand one checked row to the services' writer; :meth:`flush` writes the chunk."""
        action = parsed.extra.get("action")
        existing = parsed.extra.get("existing")
        if action == "unchanged":
            return "unchanged", existing
        context.written.append(parsed.row)
        if existing is not None:
            record = context.writer.update(existing, parsed.extra["changes"], version=existing.version)
            return "updated", record
        return "created", context.writer.create(parsed.data)

    keeps_checked_rows = True  # rows are found by keys unique in the file: no row needs another's write

    def pack(self, rows: list[Parsed], context: Context) -> Any:
        """The rows to write, with each commune as its id (the units are the run's look-up tables)."""
        kept = []
        for parsed in rows:
            data = dict(parsed.data)
            if data.get("commune") is not None:
                data["commune"] = data["commune"].pk
            extra = parsed.extra
            if "commune" in extra.get("changes", ()):
                extra = {**extra, "changes": {**extra["changes"], "commune": data["commune"]}}
            kept.append((parsed.row, data, parsed.key, extra))
        return kept

    def unpack(self, packed: Any, context: Context) -> list[Parsed]:
        # checked through the services in this run: the writer checks only what may have changed since
        context.writer.checked = True
        rows = []
        for row, data, key, extra in packed:
            if data.get("commune") is not None:
                data["commune"] = context.places.by_id[data["commune"]]
                if "commune" in extra.get("changes", ()):
                    extra["changes"]["commune"] = data["commune"]
            rows.append(Parsed(row, data=data, key=key, extra=extra))
        return rows

    def flush(self, context: Context) -> list[CellError]:
        rows, context.written = context.written, []
        refusals = context.writer.flush()
        errors: list[CellError] = []
        for position, refusal in sorted(refusals.items()):
            parsed = Parsed(rows[position])
            if isinstance(refusal, ValidationError):
                self._add_validation(parsed, refusal)
            else:
                parsed.error("", str(refusal))
            errors.extend(parsed.errors)
        return errors

    # --- export in the template's columns --------------------------------------------------------

    def export_queryset(self, user) -> Any:
        from khuyencong.establishments.models import Establishment

        return Establishment.objects.restrict(user, VIEW).select_related("commune", "province")

    def export_values(self, e: Any) -> list[Any]:
        yes, no = capfirst(gettext("yes")), capfirst(gettext("no"))

        def flag(value: bool) -> str:
            return yes if value else no

        return [
            e.tax_code or "",
            e.name,
            e.other_names,
            e.get_kind_display(),
            e.registration_number,
            e.registration_date,
            e.established_on,
            e.representative,
            e.representative_title,
            flag(e.women_owned),
            flag(e.ethnic_minority_owned),
            e.get_artisan_title_display() if e.artisan_title else "",
            e.address,
            e.province.name,
            e.commune.full_name,
            e.commune.code,
            e.address_as_of,
            flag(e.in_craft_village),
            e.craft_village,
            flag(e.craft_village_recognised),
            e.vsic_code,
            flag(e.is_handicraft),
            e.products,
            e.employees,
            e.phone,
            e.email,
            e.get_status_display(),
            e.status_since,
            e.note,
        ]


def _differs(current: Any, new: Any) -> bool:
    if hasattr(new, "pk"):
        new = new.pk
    if current in (None, "") and new in (None, ""):
        return False
    return current != new


ESTABLISHMENTS = register(EstablishmentKindOfData())
