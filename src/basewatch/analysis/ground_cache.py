"""Prepared grounds kept in the process by content key (LRU), shared by the API's threads.

Apart from :mod:`basewatch.analysis.ground` so that a reader of stored distances holds the
cache without importing numpy or shapely; a ground is prepared (and they are imported) only
when a question misses the stored rows.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from basewatch.analysis.ground import Ground

__all__ = ["GroundCache"]


class GroundCache:
    """A bounded in-memory map from a ground's key to its prepared :class:`Ground` (LRU)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[str, Ground] = OrderedDict()
        self._lock = threading.Lock()  # the API's worker threads share one cache

    def get(self, key: str, load: Callable[[], BaseGeometry]) -> Ground:
        """The prepared ground of ``key``; ``load()`` gives its geometry if not prepared yet."""
        with self._lock:
            g = self._items.get(key)
            if g is not None:
                self._items.move_to_end(key)
                return g
        from basewatch.analysis.ground import Ground  # numpy, shapely: only to prepare one

        g = Ground(load())  # outside the lock: two threads may prepare one ground, both right
        with self._lock:
            self._items[key] = g
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return g

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
