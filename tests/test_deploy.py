"""The production profile passes Django's deployment checks with no warning."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _environment() -> dict[str, str]:
    """The process environment without test-only settings (the browser tests set
    DJANGO_ALLOW_ASYNC_UNSAFE, which a production deployment must never have)."""
    return {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_ALLOW_ASYNC", "KC_", "DATABASE_URL"))
    }


def test_check_deploy_is_clean_under_the_production_profile(tmp_path):
    env = {
        **_environment(),
        "KC_PROFILE": "production",
        "KC_SECRET_KEY": "x7Qm2-hard-to-guess-production-key-9fL0aP4zR8sT1uV6wY3bN5cD0eG2iJ7kK",
        "KC_ALLOWED_HOSTS": "khuyencong.example.gov.vn",
        "KC_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "khuyencong.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "KC_PROFILE": "production",
        "KC_ALLOWED_HOSTS": "x.gov.vn",
        "KC_DATA_DIR": str(tmp_path),
    }
    env.pop("KC_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "khuyencong.cli", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0 and "KC_SECRET_KEY is required" in result.stderr
