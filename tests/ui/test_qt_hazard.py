"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call and aborts
after a few thousand (DESIGN.md). This test tells when an upgrade is safe."""

from __future__ import annotations

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal on 3.12+: the bug hides")
def test_void_qt_calls_do_not_steal_references_to_none(app):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(10_000):
        label.setText("x" if i % 2 else "y")
    after = sys.getrefcount(None)
    assert after >= before - 50, f"None lost {before - after} references in 10,000 void calls"


def test_installed_pyside6_is_below_the_broken_release():
    import PySide6

    major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
    assert (major, minor) < (6, 12)
