"""``khuyencong serve [addrport]``: the development server with the job queue's worker beside it
(what ``make run`` starts): no other server to install or to remember.

The worker is a second process (``khuyencong worker``) started before ``runserver`` and stopped
when it stops (Ctrl+C reaches both; on any other exit the worker is sent SIGTERM, then killed if it
has not finished its job within 30 seconds). runserver's reloader re-runs this command in its
child process; only the first one starts a worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


class Command(BaseCommand):
    help = "Run the development server and the job queue's worker together."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_false", dest="use_reloader")
        parser.add_argument(
            "--no-worker", action="store_false", dest="worker", help="Do not start the worker."
        )

    def handle(self, *args: Any, addrport: str, use_reloader: bool, worker: bool, **options: Any) -> None:
        process = None
        if worker and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            command = [sys.executable, "-m", "khuyencong.cli", "worker", "--no-reload", "--interval", "1"]
            process = subprocess.Popen(command)  # noqa: S603 – our own interpreter and command
            self.stdout.write(f"Job queue worker started (process {process.pid}).")
        # stopped by SIGTERM alone (a service manager, `kill`): leave through ``finally`` too
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=use_reloader)
        finally:
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
