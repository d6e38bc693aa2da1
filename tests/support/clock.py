"""A clock for :class:`ecr_cluster_access.check.read.Pace`: ``time.monotonic`` and
``time.sleep`` replaced, so that sleeping moves the clock and nothing waits."""

from __future__ import annotations

import time

import pytest


class FakeClock:
    """``now`` is what ``time.monotonic`` answers; ``slept`` lists each sleep, rounded to µs."""

    def __init__(self, start: float) -> None:
        self.now, self.slept = start, list[float]()

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def install(monkeypatch: pytest.MonkeyPatch, start: float) -> FakeClock:
    """A :class:`FakeClock` at ``start`` in place of ``time``'s, for one test."""
    fake = FakeClock(start)
    monkeypatch.setattr(time, "monotonic", fake.monotonic)
    monkeypatch.setattr(time, "sleep", fake.sleep)
    return fake
