"""The node's GC tuning (csms/runtime.py) and its setting."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from csms.runtime import tune_gc
from csms.settings import load_settings


@pytest.fixture
def restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_tune_gc_sets_thresholds_and_freezes_what_is_alive(restore_gc: None) -> None:
    alive = [object() for _ in range(3)]  # noqa: F841 - kept alive across the freeze
    tune_gc((12_345, 7, 9))
    assert gc.get_threshold() == (12_345, 7, 9)
    assert gc.get_freeze_count() > 0


def test_gc_thresholds_setting_defaults_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().gc_thresholds == (50_000, 20, 100)
    monkeypatch.setenv("CSMS_GC_THRESHOLDS", "[700, 10, 10]")
    assert load_settings().gc_thresholds == (700, 10, 10)
