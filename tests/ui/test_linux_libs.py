"""Linux start-up: a missing system library of Qt's X11 plugin is explained in plain words (and
named with its package and the apt command) instead of Qt's "could not load the Qt platform
plugin xcb" abort; the README's first command installs every one of them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from shopcrm.ui.shell import linux_libs

X11 = {"DISPLAY": ":0"}


def test_the_check_applies_only_where_qt_would_use_its_x11_plugin():
    assert linux_libs.uses_xcb(X11, "linux")
    assert linux_libs.uses_xcb({**X11, "QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not linux_libs.uses_xcb({**X11, "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not linux_libs.uses_xcb({**X11, "WAYLAND_DISPLAY": "wayland-0"}, "linux")  # Qt takes Wayland
    assert not linux_libs.uses_xcb({}, "linux")  # no display: Qt says so itself
    assert not linux_libs.uses_xcb(X11, "win32")
    assert linux_libs.check({"QT_QPA_PLATFORM": "offscreen"}, "linux", load=lambda _s: False) is None


def test_a_missing_library_is_named_with_its_package_and_the_command():
    message = linux_libs.check(X11, "linux", load=lambda soname: soname != "libxcb-cursor.so.0")
    assert "libxcb-cursor.so.0" in message
    assert "sudo apt-get install -y libxcb-cursor0" in message
    assert "缺少" in message and "cannot open its window" in message and "library libxcb" in message
    assert linux_libs.check(X11, "linux", load=lambda _s: True) is None


def test_main_explains_and_exits_before_any_qt_window(monkeypatch, capsys):
    from shopcrm.ui import app

    missing = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    monkeypatch.setattr(linux_libs, "_load", lambda soname: soname not in missing)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(app, "start", lambda argv: pytest.fail("Qt was started"))
    assert app.main([]) == 3
    err = capsys.readouterr().err
    assert "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1" in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux shared libraries")
def test_the_real_loader_tells_present_from_missing():
    assert linux_libs._load("libc.so.6")
    assert not linux_libs._load("libshopcrm-no-such-library.so.7")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux shared libraries")
def test_the_list_covers_what_the_xcb_plugin_links():
    """Every xcb/xkb/X11 library that PySide6's xcb plugin links is in the list (read from the
    plugin's ELF dynamic section, as ldd would)."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    plugin = qt / "plugins" / "platforms" / "libqxcb.so"
    qpa = sorted((qt / "lib").glob("libQt6XcbQpa.so*"))
    if not plugin.exists() or not qpa:
        pytest.skip("this PySide6 has no xcb plugin")
    needed = set()
    for lib in (plugin, qpa[0]):
        data = lib.read_bytes()
        needed |= {s.decode() for s in re.findall(rb"lib(?:xcb|xkb|X11)[\w.+-]*\.so\.\d+", data)}
    assert needed, "no xcb libraries found in the plugin"
    assert needed <= set(linux_libs.XCB_LIBRARIES), sorted(needed - set(linux_libs.XCB_LIBRARIES))


def test_the_readme_first_command_installs_every_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    apt = next(line for line in first_block.splitlines() if "apt-get install" in line)
    assert set(linux_libs.README_PACKAGES) <= set(apt.split())
