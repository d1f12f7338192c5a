"""`make test` on a fresh machine installs the browser the tests need (tools/ensure-chromium).

The script is run as written, except that the browser it looks for is a path in a temporary
folder (so that it is "missing") and `apt-get` and `id` are stand-ins that record their calls.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest

from khuyencong.testing.setup_scripts import run_setup_script

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    apt_calls: list[str]
    browser: Path


def _run(tmp_path: Path, *, uid: int, apt_installs: bool = True, **env: str) -> Result:
    browser = tmp_path / "usr-bin-chromium"
    done, calls = run_setup_script(
        tmp_path,
        "ensure-chromium",
        uid=uid,
        replace={"CHROMIUM=/usr/bin/chromium\n": f"CHROMIUM={browser}\n"},
        on_install=f'touch "{browser}"; chmod +x "{browser}"' if apt_installs else "true",
        unset={"KC_SKIP_BROWSER", "KC_CHROMIUM"},
        env=env,
    )
    return Result(done.returncode, done.stdout, done.stderr, calls, browser)


def test_root_installs_debians_chromium_after_updating_the_package_lists(tmp_path):
    result = _run(tmp_path, uid=0)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.apt_calls == [
        "DEBIAN_FRONTEND= update",
        "DEBIAN_FRONTEND=noninteractive install -y chromium",
    ]
    assert result.browser.exists()


def test_nothing_is_installed_when_chromium_is_there(tmp_path):
    (tmp_path / "usr-bin-chromium").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "usr-bin-chromium").chmod(0o755)
    result = _run(tmp_path, uid=0)
    assert result.returncode == 0 and result.apt_calls == []


def test_a_failed_install_fails(tmp_path):
    result = _run(tmp_path, uid=0, apt_installs=False)
    assert result.returncode != 0
    assert "still missing" in result.stderr


def test_without_root_a_clear_message_says_what_to_run(tmp_path):
    result = _run(tmp_path, uid=1000)
    assert result.returncode == 2
    assert result.apt_calls == []
    assert "apt-get update" in result.stderr
    assert "apt-get install -y chromium" in result.stderr
    assert "KC_SKIP_BROWSER=1" in result.stderr


@pytest.mark.parametrize("uid", [0, 1000])
def test_skipping_the_browser_tests_needs_no_chromium(tmp_path, uid):
    result = _run(tmp_path, uid=uid, KC_SKIP_BROWSER="1")
    assert result.returncode == 0 and result.apt_calls == []


def test_a_chromium_named_by_kc_chromium_is_used_and_must_exist(tmp_path):
    other = tmp_path / "my-chromium"
    assert _run(tmp_path, uid=0, KC_CHROMIUM=str(other)).returncode == 2
    other.write_text("#!/bin/sh\n", encoding="utf-8")
    other.chmod(0o755)
    result = _run(tmp_path, uid=0, KC_CHROMIUM=str(other))
    assert result.returncode == 0 and result.apt_calls == []


def test_make_test_runs_it_before_the_tests():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in test_target.splitlines()]
    ensure = next(i for i, line in enumerate(lines) if line.startswith("tools/ensure-chromium"))
    tests = next(i for i, line in enumerate(lines) if line.startswith("tools/run-tests"))
    assert ensure < tests
