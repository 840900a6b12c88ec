"""The window's three panes share its width in proportions, both as it shrinks and grows.

A plain :class:`QSplitter` gives every pixel a window gains to the stretching pane (the
list) and takes every pixel it loses from it, clamped: after the window was narrow once,
the detail pane stays at its narrow width however wide the window becomes again.
:class:`PaneSplitter` keeps each pane's *share* of the width instead — the default shares,
or the ones the user last dragged the handles to — and lays the panes out from the shares
on every resize, so a dragged proportion survives any number of resizes.

Each pane keeps its minimum width. When the window is too narrow for the shares, the panes
beside the list give way (the detail pane first, then the sidebar, each down to its
minimum) so the list keeps its own minimum, and while the list is cramped no pane beside it
is wider than it (:data:`COMFORT`); the shares themselves are not changed by that,
so the panes come back when the window widens. A hidden pane's share goes to the list (the
sidebar does not widen when the detail pane is hidden), and the pane gets it back when it
is shown again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

COMFORT = 4 / 3
"""Below this many times its minimum, the list is cramped: a pane beside it that is wider
gives way until the two are as wide (a proportion dragged at 1600 px, seen at 800)."""


def valid_shares(values: Sequence[float], count: int) -> tuple[float, ...] | None:
    """``values`` as shares of ``count`` panes that sum to 1, or ``None`` when they cannot
    be (wrong length, a pane with nothing, not a number): a damaged remembered value."""
    if len(values) != count:
        return None
    try:
        shares = [float(v) for v in values]
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(s) and s > 0 for s in shares):
        return None
    total = sum(shares)
    return tuple(s / total for s in shares)


def lay_out(
    shares: Sequence[float],
    minimums: Sequence[int],
    shown: Sequence[bool],
    total: int,
    main: int,
) -> list[int]:
    """The panes' widths for ``total`` pixels: the shown panes' ``shares``, each at least
    its minimum; a hidden pane's share goes to pane ``main`` (when shown). ``main`` keeps
    its minimum first, the panes after it giving way before the panes before it. Hidden
    panes get 0. The widths sum to ``total`` whenever the minimums allow it."""
    panes = [i for i, visible in enumerate(shown) if visible]
    sizes = [0] * len(shares)
    if not panes or total <= 0:
        return sizes
    weights = {i: shares[i] for i in panes}
    if main in weights:
        weights[main] += sum(shares[i] for i in range(len(shares)) if i not in weights)
    weight = sum(weights.values())
    edges = [0]
    running = 0.0
    for i in panes:  # cumulative rounding: the sizes sum to total, and reapply exactly
        running += weights[i] / weight
        edges.append(round(running * total))
    for place, i in enumerate(panes):
        sizes[i] = max(minimums[i], edges[place + 1] - edges[place])
    if main in panes:
        sides = [i for i in panes if i != main]
        sizes[main] = total - sum(sizes[i] for i in sides)
        order = sorted(sides, key=lambda s: (s < main, -s))  # after the list, outer first
        for i in order:
            lack = minimums[main] - sizes[main]
            if lack <= 0:
                break
            give = min(lack, sizes[i] - minimums[i])
            sizes[i] -= give
            sizes[main] += give
        for i in order:  # a cramped list is not narrower than a pane beside it
            if sizes[main] >= minimums[main] * COMFORT:
                break
            give = min((sizes[i] - sizes[main]) // 2, sizes[i] - minimums[i])
            if give > 0:
                sizes[i] -= give
                sizes[main] += give
    else:
        sizes[panes[-1]] += total - sum(sizes)
    return sizes


class PaneSplitter(QSplitter):
    """A horizontal splitter that keeps its panes' shares (see the module docstring)."""

    def __init__(self, shares: Sequence[float], main: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._default = tuple(shares)
        self._shares = tuple(shares)
        self._main = main
        self.setChildrenCollapsible(False)
        self.splitterMoved.connect(self._dragged)

    def shares(self) -> tuple[float, ...]:
        """Each pane's share of the width (hidden panes included), summing to 1."""
        return valid_shares(self._shares, len(self._shares)) or self._default

    def set_shares(self, shares: Sequence[float]) -> bool:
        """Use remembered shares (False, and the current ones kept, when they are not
        valid shares of this splitter's panes) and lay the panes out by them."""
        valid = valid_shares(shares, self.count())
        if valid is None:
            return False
        self._shares = valid
        self.apply()
        return True

    def take_shares_from_sizes(self) -> None:
        """The current sizes become the shares (sizes restored from an older release)."""
        self._dragged()

    def _panes(self) -> list[QWidget]:
        return [w for i in range(self.count()) if (w := self.widget(i)) is not None]

    def apply(self) -> None:
        """Lay the panes out by their shares for the width the splitter has now."""
        panes = self._panes()
        if len(panes) != len(self._shares):
            return
        shown = [not pane.isHidden() for pane in panes]
        total = sum(self.sizes())
        if total <= 0:
            return
        minimums = [pane.minimumWidth() for pane in panes]
        sizes = lay_out(self._shares, minimums, shown, total, self._main)
        if sizes != self.sizes():
            self.setSizes(sizes)

    def _dragged(self, *_args: object) -> None:
        """The user moved a handle: the shown panes' new proportion is their shares (the
        list's share less what it holds of the hidden panes', which they keep)."""
        sizes = self.sizes()
        panes = self._panes()
        if len(panes) != len(self._shares) or len(sizes) != len(panes):
            return
        shown = [i for i, pane in enumerate(panes) if not pane.isHidden()]
        total = sum(sizes[i] for i in shown)
        if total <= 0:
            return
        shares = list(self._shares)
        if self._main in shown:
            hidden = sum(s for i, s in enumerate(shares) if i not in shown)
            for i in shown:
                shares[i] = max(sizes[i], 1) / total
            shares[self._main] = max(shares[self._main] - hidden, 0.05)
        else:
            kept = sum(shares[i] for i in shown)  # a hidden pane keeps its share
            for i in shown:
                shares[i] = max(sizes[i], 1) / total * kept
        self._shares = valid_shares(shares, len(shares)) or self._shares

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.apply()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a pane shown or hidden: re-laid out
            self.apply()
        return handled
