"""The ``khuyencong`` console script: Django's management commands under the product's name.

    khuyencong migrate
    khuyencong load-reference
    khuyencong load-demo
    khuyencong runserver 127.0.0.1:8000

Dashes and underscores are interchangeable in command names (``load-reference`` runs
``load_reference``). Every command that writes data records its changes in the audit trail with
origin "cli".
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "khuyencong"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
