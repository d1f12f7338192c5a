from khuyencong.establishments.tests.conftest import (  # noqa: F401 – the same places and users
    ha_giang,
    hanoi,
    hanoi_commune,
    tq_commune,
    tuyen_quang,
)
