"""What the worker tests share: killing a worker outright, waiting for a condition, and a
beat (the outbox's scan, and any producers, every few seconds in a thread)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> float:
    """Wait for `condition`; returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout} s")
        time.sleep(0.1)
    return time.monotonic() - started


def kill_worker(process) -> None:
    """SIGKILL the worker and its pool processes: nothing gets to clean up."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == process.pid:
            children.append(int(stat.parent.name))
    for pid in [*children, process.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


class Beat:
    """The beat, in a thread: every `every` seconds the producers, then the outbox's scan.
    A scan that fails (the broker is down) is what a real beat would see: it tries again
    at the next tick."""

    def __init__(self, every: float, producers: tuple[Callable, ...] = ()):
        self.every, self.producers = every, producers
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection

        from outbox.tasks import scan

        try:
            while not self._stop.is_set():
                try:
                    for produce in self.producers:
                        produce()
                    scan()
                except Exception:  # the broker is down: the next tick tries again
                    self.failures += 1
                self._stop.wait(self.every)
        finally:
            connection.close()

    def __enter__(self) -> Beat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
