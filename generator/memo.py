"""Results computed from an object, kept while that very object is in use.

`digest serve` rebuilds from caches that hand back the same Article and TomlDoc objects
while their inputs are unchanged, so work derived from one of them (the glossary spellings
an article contains, a document's references) can be reused by identity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


class ByIdentity:
    def __init__(self):
        self._items: dict[int, tuple] = {}

    def get(self, obj, compute: Callable, key=None):
        """compute(obj), reused while `obj` is the same object and `key` the same value."""
        item = self._items.get(id(obj))
        if item is None or item[0] is not obj or item[1] != key:
            item = (obj, key, compute(obj))
            self._items[id(obj)] = item
        return item[2]

    def keep_only(self, objects: Iterable) -> None:
        """Forget results for objects no longer in use (they would otherwise be kept alive)."""
        live = {id(obj) for obj in objects}
        for stale in [k for k in self._items if k not in live]:
            del self._items[stale]

