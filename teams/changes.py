"""What the apps above teams do when a team changes, inside the same action.

Teams sit below consent in the layers (pyproject's import-linter contracts), so ``update_team``
cannot call consent. Consent registers one listener here, explicitly, in ``ConsentConfig.ready``
(it ends the team's emergency accesses that the change ends); ``update_team`` calls every listener
inside its atomic action, so that their rows and events share its fate: an error undoes the change
and what the listeners did, together. No signal, no hidden import: this module is the whole contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from teams.asking import Manager
from teams.models import Team


@dataclass(frozen=True)
class TeamChange:
    """A change of a team that narrows what its members may open or read."""

    by: Manager
    team: Team
    glass_turned_off: bool  # emergency access was allowed, and no longer is
    categories_left: frozenset[str]  # codes the team's mission needed and no longer needs


TeamListener = Callable[[TeamChange], None]

_listeners: list[TeamListener] = []


def listen(listener: TeamListener) -> None:
    """Register ``listener`` (once, however often an app's ``ready`` runs)."""
    if listener not in _listeners:
        _listeners.append(listener)


def team_changed(change: TeamChange) -> None:
    """Tell every listener, in the caller's action: a listener's error undoes the whole change."""
    for listener in _listeners:
        listener(change)
