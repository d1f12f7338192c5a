"""The action machine: one declarative table per workflow (projects, periodic reports, …).

An :class:`Action` says everything the product needs to know about one step of a workflow – its
name, its label, the states it starts from and the state it leads to, who may take it, the form
that collects its fields, the service that performs it and the form's defaults. Pages, the API,
menus and imports all read the same :class:`Registry`, so a rule lives in one place: the page
and the API endpoint are the same few lines for every action, and a new action is one entry.

Core knows no business app: each app declares its registry (e.g. ``projects/actions.py``).

>>> from types import SimpleNamespace
>>> flow = Registry("document", state="status")
>>> approve = flow.register(
...     Action(
...         "approve",
...         "Approve",
...         sources=frozenset({"draft"}),
...         target="approved",
...         allowed=lambda scope, document: scope.is_admin,
...         service="builtins.dict",  # any callable taking keywords
...     )
... )
>>> admin, clerk = SimpleNamespace(is_admin=True), SimpleNamespace(is_admin=False)
>>> [a.name for a in flow.available(admin, SimpleNamespace(status="draft"))]
['approve']
>>> flow.available(clerk, SimpleNamespace(status="draft"))
[]
>>> flow.available(admin, SimpleNamespace(status="approved"))
[]
>>> flow.perform("approve", user="someone", obj="doc 1", data={"note": "ok"})
{'user': 'someone', 'document': 'doc 1', 'note': 'ok'}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


def _always(scope: Any, obj: Any) -> bool:
    return True


def _no_defaults(obj: Any, params: Mapping[str, str]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Action:
    """One step of a workflow.

    * ``sources``: the states it may start from; ``target``: the state it leads to (``None``: the
      state does not change).
    * ``allowed(scope, obj)``: who may take it (role and scope); the service checks it again under
      lock. ``offered(scope, obj)``: an extra condition for *offering* the action, which the service
      enforces itself with its own reason (e.g. a deadline).
    * ``form``: the form class of its fields; ``service``: the dotted path of the service function,
      called as ``service(user=…, <subject>=obj, **cleaned_data)``; ``files``: names of multi-file
      inputs passed to the service as lists; ``initial(obj, params)``: the form's defaults.
    * ``event``: the kind of timeline event it records; ``danger``: shown as a destructive button.
    """

    name: str
    label: Any
    sources: frozenset[str]
    allowed: Callable[[Any, Any], bool]
    service: str
    target: str | None = None
    form: type | None = None
    event: str = ""
    danger: bool = False
    offered: Callable[[Any, Any], bool] = _always
    initial: Callable[[Any, Mapping[str, str]], dict[str, Any]] = _no_defaults
    files: tuple[str, ...] = ()

    def applies(self, scope: Any, obj: Any, state: str) -> bool:
        return state in self.sources and self.allowed(scope, obj)


class Registry:
    """The actions of one workflow, in the order they are shown.

    ``subject`` is the keyword under which the services receive the object (``project``) and the
    attribute forms ask for with ``needs_<subject> = True``; ``state`` the object's state field.
    """

    def __init__(self, subject: str, state: str = "status") -> None:
        self.subject = subject
        self.state = state
        self._actions: dict[str, Action] = {}

    def register(self, action: Action) -> Action:
        if action.name in self._actions:
            raise ValueError(f"action {action.name!r} is already registered for {self.subject}")
        self._actions[action.name] = action
        return action

    def __contains__(self, name: object) -> bool:
        return name in self._actions

    def __getitem__(self, name: str) -> Action:
        return self._actions[name]

    def __iter__(self) -> Iterator[Action]:
        return iter(self._actions.values())

    def __len__(self) -> int:
        return len(self._actions)

    def get(self, name: str | None) -> Action | None:
        return self._actions.get(name) if name else None

    def names(self) -> list[str]:
        return list(self._actions)

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.state)

    def available(self, scope: Any, obj: Any) -> list[Action]:
        """The actions this scope may take on the object now, in the registry's order."""
        state = self.state_of(obj)
        return [a for a in self if a.applies(scope, obj, state) and a.offered(scope, obj)]

    def form(self, name: str, obj: Any, data: Any = None, files: Any = None, initial: Any = None):
        """The action's form, bound when ``data`` is given (an action without fields binds an
        empty form all the same, so that it validates)."""
        form_class = self[name].form
        if form_class is None:
            raise LookupError(f"action {name!r} has no form")
        kwargs = {self.subject: obj} if getattr(form_class, f"needs_{self.subject}", False) else {}
        if initial is not None:
            kwargs["initial"] = initial
        form = form_class(data, files, **kwargs)
        # a JSON body may send an object or a list where a field takes one value: a form field would
        # read it as its text ("{'a': 1}"); it is refused, naming the field
        if isinstance(data, Mapping) and not hasattr(data, "getlist"):
            from django import forms
            from django.utils.translation import gettext as _

            several = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)
            wrong = [
                name
                for name, value in data.items()
                if name in form.fields
                and isinstance(value, (dict, list))
                and not isinstance(form.fields[name], several)
            ]
            if wrong:
                form.full_clean()
                for name in wrong:
                    form.add_error(name, _("Not a single value."))
        return form

    def service(self, name: str) -> Callable[..., Any]:
        return import_string(self[name].service)

    def perform(self, name: str, *, user: Any, obj: Any, data: Mapping[str, Any], files: Any = None) -> Any:
        """Call the action's service with the form's cleaned data."""
        action = self[name]
        arguments = dict(data)
        for field in action.files:
            arguments[field] = files.getlist(field) if files is not None else []
        return self.service(name)(user=user, **{self.subject: obj}, **arguments)
