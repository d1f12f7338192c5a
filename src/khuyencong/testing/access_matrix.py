"""Who may open what: the expected answer of every page and API endpoint for every role.

One table, used by ``tests/test_access_matrix.py`` (which asserts it) and by
``khuyencong access-matrix`` (which writes ``docs/access-matrix.md``). 200 = answers, 302 = sent
to sign in, 400 = the role may use it but the request is invalid (a POST sent empty), 401 = API needs
credentials, 403 = the role may not use this, 404 = the record is outside the user's scope (it does not
exist for them), 405 = method not allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ROLES = [
    "anonymous",
    "admin",
    "programme_officer",
    "expert",
    "provincial_officer",
    "implementing_unit",
    "leader",
    "leader_province",
    "public",
]

ROLE_LABELS = {
    "anonymous": "anonymous",
    "admin": "ministry admin",
    "programme_officer": "agency officer",
    "expert": "expert",
    "provincial_officer": "provincial officer",
    "implementing_unit": "implementing unit",
    "leader": "leader (national)",
    "leader_province": "leader (province)",
    "public": "public",
}


@dataclass
class Check:
    label: str
    url: Callable[[dict], str]
    expected: dict[str, int]
    method: str = "get"

    def expect(self, role: str) -> int:
        return self.expected.get(role, self.expected.get("*", 200))


def _all(code: int, **overrides: int) -> dict[str, int]:
    return {"*": code, **overrides}


SIGNED_IN = {"anonymous": 302}
WORKSPACE = {"anonymous": 302, "public": 403}
API_SIGNED_IN = {"anonymous": 401}

CHECKS: list[Check] = [
    Check("home page", lambda c: "/", _all(200)),
    Check("my account", lambda c: "/tai-khoan/", _all(200, **SIGNED_IN)),
    Check("administrative units (public)", lambda c: "/danh-muc/dia-gioi/", _all(200)),
    Check("map of provinces", lambda c: "/danh-muc/dia-gioi/ban-do/", _all(200, **WORKSPACE)),
    Check("a province's history (public)", lambda c: f"/danh-muc/dia-gioi/{c['province'].pk}/", _all(200)),
    Check("organisations (public)", lambda c: "/danh-muc/co-quan/", _all(200)),
    Check(
        "programme with targets (public)", lambda c: f"/danh-muc/chuong-trinh/{c['programme'].pk}/", _all(200)
    ),
    Check("contents and indicators (public)", lambda c: "/danh-muc/noi-dung/", _all(200)),
    Check("legal documents (public)", lambda c: "/danh-muc/van-ban/", _all(200)),
    Check(
        "history of a record",
        lambda c: f"/lich-su/geo/administrativeunit/{c['province'].pk}/",
        _all(200, **WORKSPACE),
    ),
    Check("change log", lambda c: "/lich-su/", _all(403, anonymous=302, admin=200)),
    Check("my jobs", lambda c: "/cong-viec/", _all(200, **WORKSPACE)),
    Check("another user's job", lambda c: f"/cong-viec/{c['job'].pk}/", _all(404, **WORKSPACE, admin=200)),
    Check("administration site", lambda c: "/admin/", _all(302, admin=200)),
    Check("API root", lambda c: "/api/v1/", _all(200)),
    Check("API: me", lambda c: "/api/v1/me/", _all(200, **API_SIGNED_IN)),
    Check("API: users (own account only)", lambda c: "/api/v1/users/", _all(200, **API_SIGNED_IN)),
    Check(
        "API: another user's account",
        lambda c: f"/api/v1/users/{c['other_user'].pk}/",
        _all(404, anonymous=401, admin=200),
    ),
    Check("API: jobs (own only)", lambda c: "/api/v1/jobs/", _all(200, anonymous=401, public=403)),
    Check(
        "API: another user's job",
        lambda c: f"/api/v1/jobs/{c['job'].pk}/",
        _all(404, anonymous=401, public=403, admin=200),
    ),
    Check("API: units (public)", lambda c: "/api/v1/units/?level=province", _all(200)),
    Check("API: programmes (public)", lambda c: "/api/v1/programmes/", _all(200)),
    Check("establishments list", lambda c: "/co-so/", _all(200, **WORKSPACE)),
    Check(
        "an establishment in Tuyên Quang",
        lambda c: f"/co-so/{c['tq_establishment'].pk}/",
        _all(200, anonymous=302, public=403, expert=404, implementing_unit=404),
    ),
    Check(
        "an establishment in Hà Nội",
        lambda c: f"/co-so/{c['hanoi_establishment'].pk}/",
        _all(404, anonymous=302, public=403, admin=200, programme_officer=200, leader=200),
    ),
    Check(
        "edit an establishment in Tuyên Quang",
        lambda c: f"/co-so/{c['tq_establishment'].pk}/sua/",
        _all(
            403,
            anonymous=302,
            admin=200,
            programme_officer=200,
            provincial_officer=200,
            expert=404,
            implementing_unit=404,
        ),
    ),
    Check(
        "register an establishment",
        lambda c: "/co-so/them/",
        _all(403, anonymous=302, admin=200, programme_officer=200, provincial_officer=200),
    ),
    Check("possible duplicates", lambda c: "/co-so/co-the-trung/", _all(200, **WORKSPACE)),
    Check("API: establishments", lambda c: "/api/v1/establishments/", _all(200, anonymous=401, public=403)),
    Check(
        "API: an establishment in Hà Nội",
        lambda c: f"/api/v1/establishments/{c['hanoi_establishment'].pk}/",
        _all(404, anonymous=401, public=403, admin=200, programme_officer=200, leader=200),
    ),
    Check(
        "API: eligibility of a Tuyên Quang establishment",
        lambda c: f"/api/v1/establishments/{c['tq_establishment'].pk}/eligibility/",
        _all(200, anonymous=401, public=403, expert=404, implementing_unit=404),
    ),
    Check("projects list", lambda c: "/de-an/", _all(200, **WORKSPACE)),
    Check(
        "a project of Tuyên Quang",
        lambda c: f"/de-an/{c['tq_project'].pk}/",
        _all(200, anonymous=302, public=403, expert=404, implementing_unit=404),
    ),
    Check(
        "a partner's project in Hà Nội",
        lambda c: f"/de-an/{c['partner_project'].pk}/",
        _all(200, anonymous=302, public=403, expert=404, provincial_officer=404, leader_province=404),
    ),
    Check(
        "edit a project of Tuyên Quang",
        lambda c: f"/de-an/{c['tq_project'].pk}/sua/",
        _all(
            403,
            anonymous=302,
            admin=200,
            programme_officer=200,
            provincial_officer=200,
            expert=404,
            implementing_unit=404,
        ),
    ),
    Check(
        "register a proposal",
        lambda c: "/de-an/them/",
        _all(
            403,
            anonymous=302,
            admin=200,
            programme_officer=200,
            provincial_officer=200,
            implementing_unit=200,
        ),
    ),
    Check("consolidation of proposals", lambda c: "/de-an/tong-hop/", _all(200, **WORKSPACE)),
    Check("plan and execution", lambda c: "/de-an/ke-hoach/", _all(200, **WORKSPACE)),
    Check("custom summary (pivot)", lambda c: "/bao-cao/tong-hop-tu-chon/", _all(200, **WORKSPACE)),
    Check("dashboard", lambda c: "/bang-dieu-khien/", _all(200, **WORKSPACE)),
    Check("standard reports", lambda c: "/bao-cao/", _all(200, **WORKSPACE)),
    Check(
        "standard report: Appendix 2",
        lambda c: "/bao-cao/phu-luc-2/?from_year=2021&to_year=2025",
        _all(200, **WORKSPACE),
    ),
    Check(
        "appraisal councils",
        lambda c: "/de-an/hoi-dong/",
        _all(200, **WORKSPACE),
    ),
    Check("support norms (public)", lambda c: "/de-an/dinh-muc/", _all(200)),
    Check("API: projects", lambda c: "/api/v1/projects/", _all(200, anonymous=401, public=403)),
    Check(
        "API: a project of Tuyên Quang",
        lambda c: f"/api/v1/projects/{c['tq_project'].pk}/",
        _all(200, anonymous=401, public=403, expert=404, implementing_unit=404),
    ),
    Check(
        "API: history of a project of Tuyên Quang",
        lambda c: f"/api/v1/history/projects/project/{c['tq_project'].pk}/",
        _all(200, anonymous=401, public=403, expert=404, implementing_unit=404),
    ),
    Check(
        "API: history of a record",
        lambda c: f"/api/v1/history/geo/administrativeunit/{c['province'].pk}/",
        _all(200, anonymous=401, public=403),
    ),
    Check("API: change log", lambda c: "/api/v1/history/", _all(403, anonymous=401, admin=200)),
    Check("API: appraisal councils", lambda c: "/api/v1/councils/", _all(200, anonymous=401, public=403)),
    Check("API: my reviews", lambda c: "/api/v1/reviews/?mine=true", _all(200, anonymous=401, public=403)),
    Check("API: my API tokens", lambda c: "/api/v1/me/tokens/", _all(200, **API_SIGNED_IN)),
    Check(
        "API: ledger of a partner's project in Hà Nội",
        lambda c: f"/api/v1/projects/{c['partner_project'].pk}/ledger/",
        _all(200, anonymous=401, public=403, expert=404, provincial_officer=404, leader_province=404),
    ),
    Check(
        "API: consolidation report",
        lambda c: "/api/v1/reports/consolidation/?plan_year=2027",
        _all(200, anonymous=401, public=403),
    ),
    Check(
        "API: custom summary (pivot)",
        lambda c: "/api/v1/reports/pivot/?rows=province&columns=source&measures=plan",
        _all(200, anonymous=401, public=403),
    ),
    Check(
        "API: standard report Appendix 1",
        lambda c: "/api/v1/reports/phu-luc-1/?from_year=2021&to_year=2025",
        _all(200, anonymous=401, public=403),
    ),
    Check(
        "API: delete a unit",
        lambda c: f"/api/v1/units/{c['province'].pk}/",
        _all(405, anonymous=401),
        method="delete",
    ),
    Check(
        "API: catalogue of standard reports",
        lambda c: "/api/v1/reports/",
        _all(200, anonymous=401, public=403),
    ),
    Check("API: registration rounds", lambda c: "/api/v1/rounds/", _all(200, anonymous=401, public=403)),
    Check(
        "API: forward proposals to the agency (none chosen)",
        lambda c: "/api/v1/projects/forward/",
        _all(403, anonymous=401, admin=400, programme_officer=400, provincial_officer=400),
        method="post",
    ),
    Check(
        "API: completeness of periodic reporting",
        lambda c: "/api/v1/periodic/completeness/",
        _all(403, anonymous=401, admin=200, programme_officer=200, leader=200),
    ),
    Check("support norms (public)", lambda c: "/de-an/dinh-muc/", _all(200)),
    Check("API: support norms (public)", lambda c: "/api/v1/norms/", _all(200)),
    Check("API: advance rules (public)", lambda c: "/api/v1/advance-rules/", _all(200)),
    Check("open data (public)", lambda c: "/du-lieu-mo/", _all(200)),
    Check("open data package (public)", lambda c: "/du-lieu-mo/datapackage.json", _all(200)),
    Check("API: open data (public)", lambda c: "/api/v1/open-data/", _all(200)),
    Check("API: open data rows (public)", lambda c: "/api/v1/open-data/projects/?page_size=5", _all(200)),
]


def _publication(c: dict) -> str:
    """A published national report (made once, by an agency officer): only the readers of the whole
    country open it."""
    if "publication" not in c:
        from khuyencong.accounts.models import RoleAssignment
        from khuyencong.reporting import snapshots
        from khuyencong.reporting.catalogue import REPORTS

        officer = RoleAssignment.objects.filter(role="programme_officer").first().user
        c["publication"] = snapshots.publish(
            user=officer, report=REPORTS["phu-luc-1"], data={"from_year": 2021, "to_year": 2025}
        )
    return f"{c['publication'].report}/cong-bo/{c['publication'].pk}/"


NATIONAL_ONLY = {"expert": 404, "provincial_officer": 404, "implementing_unit": 404, "leader_province": 404}
CHECKS += [
    Check(
        "a published national report",
        lambda c: "/bao-cao/" + _publication(c),
        _all(200, **WORKSPACE, **NATIONAL_ONLY),
    ),
    Check(
        "API: a published national report",
        lambda c: "/api/v1/reports/" + _publication(c).replace("cong-bo", "published"),
        _all(200, anonymous=401, public=403, **NATIONAL_ONLY),
    ),
]


def render_markdown(actual: dict[tuple[str, str], int]) -> str:
    header = "| page or endpoint | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |"
    lines = [header, "|" + "---|" * (len(ROLES) + 1)]
    for check in CHECKS:
        cells = [str(actual[(check.label, role)]) for role in ROLES]
        lines.append(f"| {check.method.upper()} {check.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
