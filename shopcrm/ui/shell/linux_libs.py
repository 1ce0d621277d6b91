"""Before the first window on Linux: are the system libraries that Qt's X11 (xcb) platform plugin
needs installed? Without them Qt aborts with "could not load the Qt platform plugin "xcb"", which
tells a shop owner nothing. This module finds the missing ones and says, in Chinese and English,
which Debian/Ubuntu packages to install. No Qt is imported here (no Qt window can come up yet).

The list is what ``ldd`` shows for PySide6's ``plugins/platforms/libqxcb.so`` and
``lib/libQt6XcbQpa.so.6`` (PySide6 6.11), minus the C library and what every desktop has.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

# soname -> Debian / Ubuntu package
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}

# the packages the README's first command installs (the whole list above)
README_PACKAGES = sorted(set(XCB_LIBRARIES.values()))


def _load(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """True when Qt is about to use its X11 (xcb) plugin: Linux, an X display, and no
    QT_QPA_PLATFORM choosing another plugin (offscreen, wayland…). In a Wayland session Qt
    takes its Wayland plugin first, so the X11 libraries are not needed there."""
    if not platform.startswith("linux") or not environ.get("DISPLAY"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if not chosen:
        return not environ.get("WAYLAND_DISPLAY")
    return chosen.startswith("xcb")


def missing_libraries(load: Callable[[str], bool] | None = None) -> list[str]:
    """The sonames of XCB_LIBRARIES that cannot be loaded."""
    load = load or _load
    return [soname for soname in XCB_LIBRARIES if not load(soname)]


def explain(missing: list[str]) -> str:
    """A plain message naming the missing libraries, their packages and the command."""
    packages = sorted({XCB_LIBRARIES[s] for s in missing})
    command = "sudo apt-get install -y " + " ".join(packages)
    libs = "、".join(missing)
    return (
        f"ShopCRM 无法打开窗口：这台电脑缺少显示窗口所需的系统库 {libs}。\n"
        f"请打开终端，运行下面这条命令安装（需要管理员密码），然后重新启动 ShopCRM：\n\n"
        f"    {command}\n\n"
        f"ShopCRM cannot open its window: this computer lacks the system "
        f"{'library' if len(missing) == 1 else 'libraries'} {', '.join(missing)} that Qt needs to "
        f"draw windows.\nOpen a terminal, run the command above to install "
        f"{'it' if len(missing) == 1 else 'them'} (it asks for the administrator password), "
        f"then start ShopCRM again.\n"
    )


def check(
    environ: Mapping[str, str] | None = None, platform: str | None = None, load: Callable[[str], bool] | None = None
) -> str | None:
    """None when all is well (or the check does not apply); otherwise the message to show."""
    if not uses_xcb(os.environ if environ is None else environ, platform or sys.platform):
        return None
    missing = missing_libraries(load)
    return explain(missing) if missing else None
