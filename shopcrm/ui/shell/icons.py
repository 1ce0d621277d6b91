"""The app icon and the small action icon set (resources/icons).

``app_icon()`` is the window/application icon (PNG sizes for sharp small sizes, the SVG for
anything larger). ``icon(name)`` returns one of the line icons in ``resources/icons/actions``;
``decorate(window)`` puts them on the main window's menus and the customer tab's buttons by
objectName, so the widgets that own those actions need not know about icons.

``python -m shopcrm.ui.shell.icons`` re-renders the PNG sizes, the Windows .ico and the macOS .icns
from ``resources/icons/shopcrm.svg`` (run it after changing the SVG; the outputs are committed).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from shopcrm.core.paths import resources_dir

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

# objectName of an action or button -> icon name
DECORATIONS = {
    # customers tab
    "newCustomerButton": "customer-new",
    "openCustomerButton": "open",
    "deleteCustomerButton": "delete",
    "recycleBinButton": "recycle-bin",
    "recordPurchaseButton": "purchase",
    # today / complaints / analysis tabs
    "refreshButton": "refresh",
    "regradeButton": "refresh",
    "careSettingsButton": "settings",
    "complaintSettingsButton": "settings",
    "exportButton": "export",
    "exportViewButton": "export",
    "exportFiguresButton": "export",
    "newComplaintButton": "complaints",
    # main window actions
    "newCustomerAction": "customer-new",
    "findCustomerAction": "search",
    "recycleBinAction": "recycle-bin",
    "lockAction": "lock",
    "unlockAction": "unlock",
    "setPinAction": "pin",
    "tryDemoAction": "demo",
    "leaveDemoAction": "database",
    "shopNameAction": "shop",
    "importCustomersAction": "import",
    "importHistoryAction": "history",
    "exportCustomersAction": "export",
    "exportArchiveAction": "export",
    "backupAction": "backup",
    "auditLogAction": "audit",
    "complaintSettingsAction": "settings",
    "careSettingsAction": "settings",
}
# menu entries found by their (untranslated) source text when they have no objectName
MENU_TEXT_ICONS = {
    "Open database…": "database",
    "Quit": "quit",
    "About ShopCRM": "about",
}
TAB_ICONS = {"CustomersTab": "customers", "TodayTab": "today", "ComplaintsTab": "complaints", "AnalysisTab": "analysis"}


def icons_dir() -> Path:
    return resources_dir() / "icons"


@cache
def icon(name: str) -> QIcon:
    """A line icon from resources/icons/actions (an empty icon when the name is unknown)."""
    path = icons_dir() / "actions" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


@cache
def app_icon() -> QIcon:
    ic = QIcon()
    for size in PNG_SIZES:
        png = icons_dir() / f"shopcrm-{size}.png"
        if png.exists():
            ic.addFile(str(png), QSize(size, size))
    if ic.isNull():
        ic = QIcon(str(icons_dir() / "shopcrm.svg"))
    return ic


def decorate(window) -> int:
    """Give the main window's actions, buttons and tabs their icons. Returns how many got one."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton

    done = 0
    for cls in (QAction, QAbstractButton):
        for obj in window.findChildren(cls):
            name = DECORATIONS.get(obj.objectName())
            if name and obj.icon().isNull():
                obj.setIcon(icon(name))
                done += 1
    from shopcrm.ui.shell.context import AppContext

    ctx = AppContext.of(window)
    menus = [ctx.file_menu, ctx.help_menu]
    sources = {window.tr(text): name for text, name in MENU_TEXT_ICONS.items()}
    for menu in filter(None, menus):
        for action in menu.actions():
            name = sources.get(action.text())
            if name and action.icon().isNull():
                action.setIcon(icon(name))
                done += 1
    tabs = ctx.tabs
    if tabs is not None:
        for i in range(tabs.count()):
            widget = tabs.widget(i)  # a tab, or the stand-in of one built later ("tabClass")
            if widget is None:
                continue
            name = TAB_ICONS.get(widget.property("tabClass") or type(widget).__name__)
            if name:
                tabs.setTabIcon(i, icon(name))
                done += 1
    return done


def render_svg(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG images (Vista and later read PNG entries; Qt's own ico
    writer stores a single image only)."""
    import struct

    header = struct.pack("<HHH", 0, 1, len(pngs))
    entries, offset, data = b"", 6 + 16 * len(pngs), b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        data += png
    return header + entries + data


ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG images."""
    import struct

    body = b"".join(
        ICNS_TYPES[s] + struct.pack(">I", 8 + len(p)) + p for s, p in sorted(pngs.items()) if s in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render_app_icons(out_dir: Path | None = None) -> list[Path]:
    """Render shopcrm.svg to PNG sizes, a multi-size .ico and an .icns."""
    src = icons_dir() / "shopcrm.svg"
    out_dir = Path(out_dir) if out_dir else icons_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        path = out_dir / f"shopcrm-{size}.png"
        if not render_svg(src, size).save(str(path)):
            raise OSError(f"cannot write {path}")
        written.append(path)
    pngs = {size: path.read_bytes() for size, path in zip(PNG_SIZES, written, strict=True)}
    ico = out_dir / "shopcrm.ico"
    ico.write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    icns = out_dir / "shopcrm.icns"
    icns.write_bytes(icns_bytes(pngs))
    written += [ico, icns]
    return written


if __name__ == "__main__":
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for p in render_app_icons(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(p)
