"""CPython's cyclic garbage collector, paused while a large schema is built.

Importing a warehouse export allocates millions of objects that all stay alive until the
experiment is returned (sqlglot trees, columns, tables), and every full collection on the way
walks all of them again: 35-45% of a 5 MiB import's CPU, measured with bench/import_bench.py.
While paused, reference counting still frees ordinary garbage; the cyclic garbage left
(sqlglot nodes point at their parents) adds about 10% to the import's peak memory and is
collected as usual once the last import running in the process ends."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0  # imports in progress (dw-sim serve runs several threads)
_resume = False  # whether the collector was on when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    global _running, _resume
    with _lock:
        if _running == 0:
            _resume = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _resume:
                gc.enable()
