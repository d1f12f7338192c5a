"""The project cycle's fixtures (people in every role, a 2027 round, a ready proposal) serve the
reporting tests too: the figures are built through the same services."""

from khuyencong.projects.tests.conftest import (  # noqa: F401
    beneficiary,
    hanoi,
    make_proposal,
    people,
    round_2027,
    tuyen_quang,
)
