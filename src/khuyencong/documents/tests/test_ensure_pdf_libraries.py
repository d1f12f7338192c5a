"""`make test` installs the libraries WeasyPrint needs when they are missing
(tools/ensure-pdf-libraries); `ldconfig`, `apt-get` and `id` are stand-ins that record their calls."""

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[4] / "tools" / "ensure-pdf-libraries"
BASH = shutil.which("bash") or "/bin/bash"
PANGO = "libpango-1.0.so.0 (libc6,x86-64) => /lib/libpango-1.0.so.0\nlibpangoft2-1.0.so.0 (libc6) => /lib/x\n"
SUBSET = "libharfbuzz-subset.so.0 (libc6,x86-64) => /lib/libharfbuzz-subset.so.0\n"


def _run(tmp_path: Path, *, uid: int, libraries: str, installs: str = "", **env: str):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    listing = tmp_path / "ldconfig.txt"
    listing.write_text(libraries, encoding="utf-8")
    log = tmp_path / "apt.log"
    (bin_dir / "ldconfig").write_text(f'#!/bin/sh\ncat "{listing}"\n', encoding="utf-8")
    (bin_dir / "apt-get").write_text(
        "#!/bin/sh\n"
        f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "{log}"\n'
        f"case \"$*\" in *install*) printf '%s' '{installs}' >> \"{listing}\" ;; esac\n",
        encoding="utf-8",
    )
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n", encoding="utf-8")
    for tool in ("ldconfig", "apt-get", "id"):
        (bin_dir / tool).chmod(0o755)
    environment = {
        k: v for k, v in os.environ.items() if k not in {"KC_SKIP_PDF_LIBRARIES", "DEBIAN_FRONTEND"}
    }
    environment.update(env, PATH=f"{bin_dir}:{os.environ['PATH']}")
    done = subprocess.run(  # noqa: S603 – our own script
        [BASH, str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return done, calls


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
