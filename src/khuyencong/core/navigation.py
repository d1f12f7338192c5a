"""The shell's menu and the home dashboard's cards, filled by each app in its ``ready()``.

Core knows no business app; apps register what they show, and who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.safestring import SafeString

from khuyencong.core.permissions import Scope


@dataclass
class MenuItem:
    label: str
    url_name: str
    icon: str = "circle"
    visible: Callable[[Scope], bool] = lambda scope: scope.can_use_workspace
    section: str = ""  # a heading over this item and those after it with the same heading

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class MenuGroup:
    key: str
    label: str
    icon: str
    order: int
    items: list[MenuItem] = field(default_factory=list)


_groups: dict[str, MenuGroup] = {}


def menu_group(key: str, label: str, icon: str, order: int) -> MenuGroup:
    group = _groups.get(key)
    if group is None:
        group = _groups[key] = MenuGroup(key, label, icon, order)
    return group


def add_menu_item(group_key: str, item: MenuItem) -> None:
    group = _groups[group_key]
    if all(existing.url_name != item.url_name for existing in group.items):
        group.items.append(item)
        _menu_html.clear()


def menu_for(scope: Scope) -> list[tuple[MenuGroup, list[MenuItem]]]:
    result = []
    for group in sorted(_groups.values(), key=lambda g: g.order):
        items = [i for i in group.items if i.visible(scope)]
        if items:
            result.append((group, items))
    return result


_menu_html: dict[tuple, SafeString] = {}


def menu_html(scope: Scope, active_menu: str | None) -> SafeString:
    """The main menu of ``scope`` as HTML (``includes/main_menu.html``). Every page shows it, and
    it is the same for everyone who may open the same items: rendered once per set of items, active
    group, language and URL prefix, then reused."""
    from django.template.loader import render_to_string
    from django.urls import get_script_prefix
    from django.utils.translation import get_language

    menu = menu_for(scope)
    key = (
        tuple((group.key, tuple(item.url_name for item in items)) for group, items in menu),
        active_menu,
        get_language(),
        get_script_prefix(),
    )
    html = _menu_html.get(key)
    if html is None:
        if len(_menu_html) >= 256:
            _menu_html.clear()
        html = _menu_html[key] = render_to_string(
            "includes/main_menu.html", {"menu": menu, "active_menu": active_menu}
        )
    return html  # a SafeString: rendered by the template engine, which escaped it


def clear_menu_cache(**kwargs) -> None:
    """Forget rendered menus (URLs changed: a test's ``ROOT_URLCONF``, an app registering items)."""
    _menu_html.clear()


@dataclass
class Card:
    """A figure on the home dashboard: a count the user may see, with a link to the list."""

    label: str
    value: str
    url: str | None = None
    icon: str = "bar-chart"
    note: str = ""
    # a few rows of the list, each ``(label, url)`` – e.g. the expert's score sheets to fill
    items: list[tuple[str, str]] = field(default_factory=list)


CardProvider = Callable[[object, Scope], list[Card]]
_cards: list[tuple[int, CardProvider]] = []


def add_cards(order: int, provider: CardProvider) -> None:
    if provider not in [p for _o, p in _cards]:
        _cards.append((order, provider))


def cards_for(request, scope: Scope) -> list[Card]:
    result: list[Card] = []
    for _order, provider in sorted(_cards, key=lambda c: c[0]):
        result.extend(provider(request, scope))
    return result


# A home page in place of the cards for some users (the read-only leaders get the dashboard): a
# provider answers ``provider(request, scope)`` with a response, or ``None`` to leave the cards.
HomePageProvider = Callable[[object, Scope], object]
_home_pages: list[HomePageProvider] = []


def add_home_page(provider: HomePageProvider) -> None:
    if provider not in _home_pages:
        _home_pages.append(provider)


def home_page_for(request, scope: Scope):
    for provider in _home_pages:
        response = provider(request, scope)
        if response is not None:
            return response
    return None
