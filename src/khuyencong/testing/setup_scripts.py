"""Running the set-up scripts of ``tools/`` in a test, as written, on a machine that pretends to
lack what they install: ``apt-get`` and ``id`` (and any other tool named) are stand-ins in a
temporary folder put first on the ``PATH``; ``apt-get`` records each call and, for an install,
runs the shell command the test gives (e.g. creating the program that was missing)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BASH = shutil.which("bash") or "/bin/bash"


def run_setup_script(
    tmp_path: Path,
    name: str,
    *,
    uid: int,
    on_install: str = "true",
    replace: Mapping[str, str] | None = None,
    tools: Mapping[str, str] | None = None,
    unset: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``tools/<name>`` as user ``uid``; ``replace``: text replaced in the script first (each
    must be there, e.g. the path of the program it looks for); ``tools``: more stand-ins (name →
    shell body); ``unset``: environment variables removed; ``env``: variables set. Gives the
    finished process and the ``apt-get`` calls (``DEBIAN_FRONTEND=… arguments``)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    script = ROOT / "tools" / name
    if replace:
        text = script.read_text(encoding="utf-8")
        for old, new in replace.items():
            assert old in text, f"{name} no longer holds {old!r}"
            text = text.replace(old, new)
        script = tmp_path / name
        script.write_text(text, encoding="utf-8")
        script.chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "apt.log"
    stand_ins = {
        "apt-get": f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "{log}"\n'
        f'case "$*" in *install*) {on_install} ;; esac',
        "id": f"echo {uid}",
        **(tools or {}),
    }
    for tool, body in stand_ins.items():
        (bin_dir / tool).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / tool).chmod(0o755)
    removed = {"DEBIAN_FRONTEND", *unset}
    environment = {k: v for k, v in os.environ.items() if k not in removed}
    environment.update(env or {}, PATH=f"{bin_dir}:{os.environ['PATH']}")
    done = subprocess.run(  # noqa: S603 – our own script
        [BASH, str(script)], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return done, calls
