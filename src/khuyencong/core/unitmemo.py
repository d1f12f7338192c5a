"""Answers kept for the length of one unit of work.

A batch of imports asks the same questions thousands of times – the province that holds a former
one today, whether an organisation may implement a project, the advance rule of a content on a
day – and nothing it writes changes their answers. Inside :func:`kept_answers` each is computed
once (:func:`remembered`); outside, every call computes it again, as before.

>>> calls = []
>>> def answer():
...     calls.append(1)
...     return 42
>>> with kept_answers():
...     remembered(("q", 1), answer), remembered(("q", 1), answer)
(42, 42)
>>> len(calls)
1
>>> remembered(("q", 1), answer), len(calls)  # outside: computed again
(42, 2)
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_answers: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "kc_unit_answers", default=None
)


@contextlib.contextmanager
def kept_answers() -> Iterator[None]:
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    answers = _answers.get()
    if answers is None:
        return compute()
    if key not in answers:
        answers[key] = compute()
    return answers[key]
