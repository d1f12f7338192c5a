"""`make test` on a fresh machine installs LibreOffice for the Excel test (tools/ensure-libreoffice).

The script runs as written, except that the program it looks for is a path in a temporary folder
(so that it is "missing") and `apt-get` and `id` are stand-ins that record their calls.
"""

from pathlib import Path

from khuyencong.testing.setup_scripts import run_setup_script


def _run(tmp_path: Path, *, uid: int, apt_installs: bool = True, **env: str):
    soffice = tmp_path / "usr-bin-soffice"
    done, calls = run_setup_script(
        tmp_path,
        "ensure-libreoffice",
        uid=uid,
        replace={"SOFFICE=/usr/bin/soffice\n": f"SOFFICE={soffice}\n"},
        on_install=f'touch "{soffice}"; chmod +x "{soffice}"' if apt_installs else "true",
        unset={"KC_SKIP_OFFICE"},
        env=env,
    )
    return done, calls, soffice


def test_root_installs_the_calc_of_libreoffice_without_recommends(tmp_path):
    done, calls, soffice = _run(tmp_path, uid=0)
    assert done.returncode == 0, done.stdout + done.stderr
    assert calls == [
        "DEBIAN_FRONTEND= update",
        "DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends libreoffice-calc-nogui",
    ]
    assert soffice.exists()


def test_nothing_is_installed_when_it_is_there_or_skipped(tmp_path):
    done, calls, _soffice = _run(tmp_path, uid=0, KC_SKIP_OFFICE="1")
    assert done.returncode == 0 and calls == []
    (tmp_path / "usr-bin-soffice").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "usr-bin-soffice").chmod(0o755)
    done, calls, _soffice = _run(tmp_path, uid=0)
    assert done.returncode == 0 and calls == []


def test_a_failed_install_fails_and_a_user_is_told_what_to_run(tmp_path):
    done, _calls, _soffice = _run(tmp_path, uid=0, apt_installs=False)
    assert done.returncode != 0 and "still missing" in done.stderr
    user = tmp_path / "user"
    user.mkdir()
    done, calls, _soffice = _run(user, uid=1000)
    assert done.returncode == 2 and calls == []
    assert "apt-get install -y --no-install-recommends libreoffice-calc-nogui" in done.stderr
    assert "KC_SKIP_OFFICE=1" in done.stderr
