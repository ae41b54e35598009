"""The worker processes of a build: forked (they inherit the builder as it is when they start), or none.

A build forks its processes first, while it is small (a process forked from a large one counts all of its
memory again): the workers that read the files, one that reads the files of tables, and two for the end.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any


@contextlib.contextmanager
def processes(wanted: bool, most: int = 4) -> Iterator[Any]:
    """A pool of (at most ``most``) worker processes that inherit this one (fork), or None: small builds, or no
    fork here. The processes are forked at the pool's first task. Ctrl-C (sent to the whole process group)
    interrupts a worker's task, which ends with it."""
    with _pool(wanted, most, None) as pool:
        yield pool


@contextlib.contextmanager
def finishers(wanted: bool) -> Iterator[Any]:
    """Two processes for the end of a build, forked now (while the build is small) and idle until then, or None.
    They ignore Ctrl-C: a process waiting for a task would print a traceback; this one ends them."""
    with _pool(wanted, 2, _ignore_interrupts) as pool:
        if pool is not None:  # forking, the pool starts all its processes for its first task
            pool.submit(os.getpid).result()
        yield pool


@contextlib.contextmanager
def _pool(wanted: bool, most: int, initializer: Callable[[], None] | None) -> Iterator[Any]:
    import multiprocessing

    if not wanted or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 2, most), mp_context=multiprocessing.get_context("fork"),
                             initializer=initializer) as pool:
        yield pool


def _ignore_interrupts() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def in_order(pool: Any, work: Callable[[Any], Any], tasks: Iterable[Any], ahead: int = 2) -> Iterator[Any]:
    """``map(work, tasks)``; with a pool, in its processes, at most ``ahead`` tasks sent ahead of the result
    awaited (each task is read only when it is sent: a range of terms is megabytes, held here until done, and
    two ahead keep two processes busy)."""
    if pool is None:
        yield from map(work, tasks)
        return
    sent: deque[Any] = deque()
    for task in tasks:
        sent.append(pool.submit(work, task))
        if len(sent) > ahead:
            yield sent.popleft().result()
    while sent:
        yield sent.popleft().result()
