"""Deployment: the production profile passes Django's deployment checks with no warning, and the
servers operators and `make run` start answer as they should (each started in its own process on
a free local port, with a database of its own in a temporary folder)."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


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


# --- servers ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, host: str | None = None, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={**({"Host": host} if host else {}), **(headers or {})})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 – our local server
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def _khuyencong(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 – our own console script
        [sys.executable, "-m", "khuyencong.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@contextmanager
def _serving(
    command: list[str], env: dict[str, str], port: int, log: Path, seconds: float = 60, cwd: Path = ROOT
):
    """Start ``command``, wait (at most ``seconds``) until it accepts connections on ``port``, and
    stop it – its whole process group – afterwards, whatever happens."""
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 – our own server commands
            command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                pytest.fail(f"{command[0]} stopped (exit {process.returncode}):\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"{command[0]} did not listen on {port} within {seconds} s:\n{log.read_text()}"
                    )
                time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait(timeout=20)


QUEUE_A_JOB = """
from khuyencong.accounts.models import User
from khuyencong.core import jobs
user = User.objects.create_superuser("vanhanh", "vanhanh@example.com", "Khuyencong@2025-test")
print(jobs.enqueue("core.list_export", user=user, params={"view": "khuyencong.geo.views.UnitListView",
      "kwargs": {}, "path": "/danh-muc/dia-gioi/", "query": "", "fmt": "csv"}, title="x").pk)
"""
JOB_STATE = "from khuyencong.core.models import Job; print(Job.objects.get(pk={pk}).state)"


def _shell(env: dict[str, str], code: str) -> str:
    result = subprocess.run(  # noqa: S603 – our own console script
        [sys.executable, "-m", "khuyencong.cli", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's own notice of what it imported


def test_make_run_shows_the_friendly_404_serves_static_files_and_runs_jobs(tmp_path):
    """`make run` is `khuyencong serve` with no profile set: the development profile. An unknown
    link gets the product's page, not Django's technical one listing every URL pattern; a job
    queued by another process (here a shell) is run by the worker it started beside the server."""
    env = {**_environment(), "KC_DATA_DIR": str(tmp_path)}
    _khuyencong(env, "migrate", "--no-input")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/khuyencong serve $(HOST)" in makefile
    port = _free_port()
    command = [sys.executable, "-m", "khuyencong.cli", "serve", "--noreload", f"127.0.0.1:{port}"]
    with _serving(command, env, port, tmp_path / "runserver.log"):
        status, content_type, body = _get(f"http://127.0.0.1:{port}/de-an/khong-co-trang-nay/")
        page = body.decode()
        assert status == 404 and content_type.startswith("text/html")
        assert "Không tìm thấy trang" in page
        assert "URLconf" not in page and "DEBUG = True" not in page and "Traceback" not in page

        status, content_type, body = _get(f"http://127.0.0.1:{port}/static/kc/kc.css")
        assert status == 200 and content_type.startswith("text/css")
        assert body == (ROOT / "src/khuyencong/static/kc/kc.css").read_bytes()

        job = _shell(env, QUEUE_A_JOB)
        deadline = time.monotonic() + 60
        state = _shell(env, JOB_STATE.format(pk=job))
        while state in {"queued", "running"} and time.monotonic() < deadline:
            time.sleep(1)
            state = _shell(env, JOB_STATE.format(pk=job))
        assert state == "done", (tmp_path / "runserver.log").read_text()


def _documented_gunicorn_command() -> list[str]:
    """The gunicorn line of the operator guide's installation, as written."""
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    shell = "\n".join(re.findall(r"```sh\n(.*?)```", guide, flags=re.DOTALL))
    lines = [line.split("#", 1)[0].strip() for line in shell.splitlines() if line.startswith("gunicorn ")]
    assert len(lines) == 1, lines
    return lines[0].split()


def test_the_documented_production_command_serves_the_application(tmp_path):
    """docs/operations.md: the production profile, collectstatic, then the gunicorn line as
    written (only the port is a free one). It answers the health check, pages and static files."""
    command = _documented_gunicorn_command()
    assert "127.0.0.1:8000" in command
    port = _free_port()
    command = [
        str(BIN / "gunicorn"),
        *(f"127.0.0.1:{port}" if arg == "127.0.0.1:8000" else arg for arg in command[1:]),
    ]
    host = "khuyencong.example.gov.vn"
    env = {
        **_environment(),
        "KC_PROFILE": "production",
        "KC_SECRET_KEY": "x7Qm2-hard-to-guess-production-key-9fL0aP4zR8sT1uV6wY3bN5cD0eG2iJ7kK",
        "KC_ALLOWED_HOSTS": host,
        "KC_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),  # gunicorn's control socket goes under ~/.gunicorn: not a shared one
    }
    _khuyencong(env, "migrate", "--no-input")
    _khuyencong(env, "collectstatic", "--no-input")
    run_dir = tmp_path / "run"  # not the source tree: the installed package is what runs
    run_dir.mkdir()
    with _serving(command, {**env, "PWD": str(run_dir)}, port, tmp_path / "gunicorn.log", cwd=run_dir):
        base = f"http://127.0.0.1:{port}"
        status, content_type, body = _get(f"{base}/healthz", host=host)
        assert status == 200 and content_type == "application/json", body
        assert json.loads(body)["database"]["status"] == "ok"

        https = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy sends it
        status, _type, body = _get(f"{base}/tai-khoan/dang-nhap/", host=host, headers=https)
        page = body.decode()
        assert status == 200 and "Đăng nhập" in page
        stylesheet = re.search(r'href="(/static/kc/kc\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page links the collected, hashed stylesheet"
        status, content_type, _body = _get(base + stylesheet.group(1), host=host, headers=https)
        assert status == 200 and content_type.startswith("text/css")

        status, _type, body = _get(f"{base}/de-an/khong-co-trang-nay/", host=host, headers=https)
        assert status == 404 and "Không tìm thấy trang" in body.decode()
