"""`make test` installs the libraries WeasyPrint needs when they are missing
(tools/ensure-pdf-libraries); `ldconfig`, `apt-get` and `id` are stand-ins that record their calls."""

from pathlib import Path

from khuyencong.testing.setup_scripts import run_setup_script

PANGO = "libpango-1.0.so.0 (libc6,x86-64) => /lib/libpango-1.0.so.0\nlibpangoft2-1.0.so.0 (libc6) => /lib/x\n"
SUBSET = "libharfbuzz-subset.so.0 (libc6,x86-64) => /lib/libharfbuzz-subset.so.0\n"


def _run(tmp_path: Path, *, uid: int, libraries: str, installs: str = "", **env: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    listing = tmp_path / "ldconfig.txt"
    listing.write_text(libraries, encoding="utf-8")
    return run_setup_script(
        tmp_path,
        "ensure-pdf-libraries",
        uid=uid,
        on_install=f"printf '%s' '{installs}' >> \"{listing}\"",
        tools={"ldconfig": f'cat "{listing}"'},
        unset={"KC_SKIP_PDF_LIBRARIES"},
        env=env,
    )


def test_root_installs_only_what_is_missing(tmp_path):
    done, calls = _run(tmp_path, uid=0, libraries=PANGO, installs=SUBSET)
    assert done.returncode == 0, done.stdout + done.stderr
    assert calls == [
        "DEBIAN_FRONTEND= update",
        "DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends libharfbuzz-subset0",
    ]


def test_nothing_happens_when_all_are_there_or_skipped(tmp_path):
    (tmp_path / "a").mkdir()
    done, calls = _run(tmp_path / "a", uid=0, libraries=PANGO + SUBSET)
    assert done.returncode == 0 and calls == []
    (tmp_path / "b").mkdir()
    done, calls = _run(tmp_path / "b", uid=0, libraries="", KC_SKIP_PDF_LIBRARIES="1")
    assert done.returncode == 0 and calls == []


def test_a_failed_install_fails_and_a_user_is_told_what_to_run(tmp_path):
    (tmp_path / "root").mkdir()
    done, _calls = _run(tmp_path / "root", uid=0, libraries=PANGO)
    assert done.returncode == 2 and "still missing" in done.stderr
    (tmp_path / "user").mkdir()
    done, calls = _run(tmp_path / "user", uid=1000, libraries="")
    assert done.returncode == 2 and calls == []
    assert "libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0" in done.stderr
