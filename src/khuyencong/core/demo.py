"""Registry of demo-data loaders (``khuyencong load-demo``). Each returns a one-line summary."""

from __future__ import annotations

from collections.abc import Callable

DEMO_PASSWORD = "Khuyencong@2025"  # noqa: S105 – documented demo password, development only

_loaders: list[tuple[int, str, Callable[[], str]]] = []


def register_demo_loader(order: int, name: str, func: Callable[[], str]) -> None:
    if all(existing != name for _o, existing, _f in _loaders):
        _loaders.append((order, name, func))


def demo_loaders() -> list[tuple[int, str, Callable[[], str]]]:
    return sorted(_loaders, key=lambda item: item[0])
