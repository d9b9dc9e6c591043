"""A minute's in-process cache of pages that are the same for every anonymous reader: the
results of a closed round. When the whole room refreshes the results after the close (or a
million people follow a consultation), each worker renders the page once a minute instead of
once per request; a 500-proposal round's page costs about 0.3 s to render.

The key holds everything the page depends on besides the frozen figures: the round and its
results digest, the address, the language and the display preferences. A proposal's title
edited after the close shows within the minute, as the HTTP cache headers already allow.
``RESULTS_CACHE_SECONDS`` sets the minute (0 turns the cache off, as the tests do)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app

CAPACITY = 16  # pages per worker (a 500-proposal round's page is about 1.3 MB)


class SharedPages:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._pages: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: float) -> str | None:
        with self._lock:
            hit = self._pages.get(key)
            if hit is None or hit[0] <= now:
                self._pages.pop(key, None)
                return None
            self._pages.move_to_end(key)
            return hit[1]

    def put(self, key: Hashable, page: str, expires: float) -> None:
        with self._lock:
            self._pages[key] = (expires, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.capacity:
                self._pages.popitem(last=False)


def shared_page(key: Hashable, render: Callable[[], str], *, clock: Callable[[], float] = time.monotonic) -> str:
    """The page for ``key``, rendered by ``render`` at most once per period and worker."""
    seconds = current_app.config.get("RESULTS_CACHE_SECONDS", 0)
    if seconds <= 0:
        return render()
    pages: SharedPages = current_app.extensions.setdefault("plenaria.shared_pages", SharedPages())
    page = pages.get(key, clock())
    if page is None:
        page = render()
        pages.put(key, page, clock() + seconds)
    return page
