#!/usr/bin/env python
"""Django's manage.py for developers; operators use the ``khuyencong`` console script."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from khuyencong.cli import main

if __name__ == "__main__":
    main()
