"""`make test` on a fresh machine installs LibreOffice for the Excel test (tools/ensure-libreoffice).

The script runs as written, except that the program it looks for is a path in a temporary folder
(so that it is "missing") and `apt-get` and `id` are stand-ins that record their calls.
"""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = ROOT / "tools" / "ensure-libreoffice"
BASH = shutil.which("bash") or "/bin/bash"


def _run(tmp_path: Path, *, uid: int, apt_installs: bool = True, **env: str):
    soffice = tmp_path / "usr-bin-soffice"
    text = SCRIPT.read_text(encoding="utf-8")
    assert "SOFFICE=/usr/bin/soffice\n" in text
    script = tmp_path / "ensure-libreoffice"
    script.write_text(text.replace("SOFFICE=/usr/bin/soffice\n", f"SOFFICE={soffice}\n"), encoding="utf-8")
    script.chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "apt.log"
    install = f'touch "{soffice}"; chmod +x "{soffice}"' if apt_installs else "true"
    (bin_dir / "apt-get").write_text(
        "#!/bin/sh\n"
        f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "{log}"\n'
        f'case "$*" in *install*) {install} ;; esac\n',
        encoding="utf-8",
    )
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n", encoding="utf-8")
    for tool in ("apt-get", "id"):
        (bin_dir / tool).chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if k not in {"KC_SKIP_OFFICE", "DEBIAN_FRONTEND"}}
    environment.update(env, PATH=f"{bin_dir}:{os.environ['PATH']}")
    done = subprocess.run(  # noqa: S603 – our own script
        [BASH, str(script)], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
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
