"""Extension points: how an app uses what an app above it knows, without importing it.

The apps depend on each other in one order – core → geo → orgs → accounts → programmes →
establishments → projects – and never the other way (``tests/test_architecture.py`` fails on a
cycle). When a lower app needs something only a higher one knows (the geography page lists the
organisations of a province; an establishment is visible to the implementing units of the projects
it benefits from), the lower app declares an :class:`ExtensionPoint` and asks it; the higher app
answers in its ``ready()``. ``core/navigation.py`` (menu and home cards) and
``core.permissions.register_territory`` work the same way.

>>> point = ExtensionPoint("example.detail")
>>> def organisations(unit):
...     return {"organisations": [f"centre of {unit}"]}
>>> point.register(organisations)
>>> point.register(organisations)  # registering twice (ready() may run again) changes nothing
>>> point.context("Tuyên Quang")
{'organisations': ['centre of Tuyên Quang']}
>>> ExtensionPoint("nobody.answers").context("x"), ExtensionPoint("nobody.answers").results("x")
({}, [])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class ExtensionPoint:
    """A named list of providers; each is called with the same arguments."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Callable[..., Any]] = []

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {len(self._providers)} providers>"

    def register(self, provider: Callable[..., Any]) -> None:
        if provider not in self._providers:
            self._providers.append(provider)

    def results(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Every provider's answer, in the order they registered, leaving out ``None``."""
        answers = (provider(*args, **kwargs) for provider in self._providers)
        return [answer for answer in answers if answer is not None]

    def context(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The providers' dictionaries merged (for a page's template context)."""
        merged: dict[str, Any] = {}
        for answer in self.results(*args, **kwargs):
            merged.update(answer)
        return merged
