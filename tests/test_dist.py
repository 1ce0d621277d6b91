"""The double-click distribution: PyInstaller one-folder build, app icon files, desktop entry,
and the app started as a real process (from source, and as the built executable)."""

from __future__ import annotations

import configparser
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from shopcrm import build_dist

ICONS = ROOT / "resources" / "icons"


def smoke_env(tmp_path: Path) -> dict:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    env.pop("SHOPCRM_DB", None)
    return env


def check_report(report: dict, demo: Path) -> None:
    assert report["window"] == "MainWindow" and report["visible"] is True
    assert report["tabs"][0] == "客户"  # the Chinese translations were found
    assert report["qt_cancel"] == "取消"  # Qt's own qtbase_zh_CN catalogue too
    assert "演示数据" in report["title"] or "DEMO" in report["title"]
    assert report["customers"] == 1000
    assert Path(report["database"]) == demo
    assert {"zw", "cengwei", "zengwei"} <= set(report["pinyin"])  # pypinyin's dictionaries
    assert report["libraries"] == ["python_calamine"]
    assert report["lunar"] == "农历1978年八月十五"  # shopcrm/lunar_data.py is in the build


def test_source_app_starts_offscreen_on_a_fresh_database(tmp_path, db_location):
    """main.py, the double-click target, as a real process: welcome answered, window, exit 0.
    The demo goes beside a file, and into this computer's data folder for a shop on a server."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--smoke-test", "--db", str(db_location)],
        env=smoke_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("SMOKE "))
    report = json.loads(line[len("SMOKE ") :])
    demo_beside = Path(str(db_location)).with_name("shop-demo.db")
    check_report(report, demo_beside if isinstance(db_location, Path) else tmp_path / "data/ShopCRM/shopcrm-demo.db")
    assert report["frozen"] is False
    assert report["translations"] == "ts"  # a source checkout reads the .ts files
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_pyinstaller_build_starts_offscreen_and_exits_cleanly(tmp_path):
    pytest.importorskip("PyInstaller", reason='PyInstaller is not installed (pip install -e ".[test]")')
    if not sys.platform.startswith("linux"):
        pytest.skip("the packaged-build test runs on Linux; build on Windows/macOS with build_dist")
    exe = build_dist.build(tmp_path / "dist", tmp_path / "work")
    assert exe == tmp_path / "dist" / "ShopCRM" / "ShopCRM" and os.access(exe, os.X_OK)
    internal = exe.parent / "_internal"
    # resources travel as shopcrm/resources: icons, and the translations compiled (no .ts sources)
    assert (internal / "shopcrm" / "resources" / "icons" / "shopcrm.svg").exists()
    shipped = {p.name for p in (internal / "shopcrm" / "resources" / "translations").iterdir()}
    assert shipped == {"shopcrm_en.qm", "shopcrm_zh_CN.qm"}
    # unused Qt parts stay out (modules, the plugins that would pull in QtQuick/QtPdf, other languages)
    for pattern in (
        "*QtWebEngine*",
        "*Qt3D*",
        "*Qt6Quick*",
        "*Qt6Qml*",
        "*Qt6Pdf*",
        "*qpdf*",
        "*virtualkeyboard*",
        "qtbase_de.qm",
    ):
        assert not list(internal.rglob(pattern)), pattern
    assert list(internal.rglob("qtbase_zh_CN.qm")) and list(internal.rglob("*Qt6Charts*"))
    assert (work := tmp_path / "work" / "ShopCRM.spec").exists() and "_unused_qm" in work.read_text()
    assert (exe.parent / "shopcrm.desktop").exists()

    report = build_dist.smoke_test(exe)
    assert report["returncode"] == 0
    assert report["frozen"] is True
    assert report["translations"] == "qm"  # Qt's QTranslator on the compiled catalogue
    check_report(report, Path(report["database"]).with_name("shop-demo.db"))
    assert "Traceback" not in report["stderr"]


def test_pyinstaller_arguments_name_everything_the_app_loads_at_run_time(tmp_path):
    args = build_dist.pyinstaller_args(tmp_path / "work")
    joined = " ".join(args)
    assert args[args.index("--name") + 1] == "ShopCRM" and "--onedir" in args
    data = args[args.index("--add-data") + 1]
    assert data.endswith(f"{os.pathsep}shopcrm/resources") and Path(data.split(os.pathsep)[0]).is_dir()
    hidden = {args[i + 1] for i, a in enumerate(args) if a == "--hidden-import"}
    # migrations and tabs are imported by name; PyInstaller cannot see those imports
    assert {
        "shopcrm.store.migrations.m0001_initial",
        "shopcrm.ui.main_window",
        "shopcrm.ui.first_run",
        "PySide6.QtCharts",
        "python_calamine",
        "shopcrm.core.lunar_data",
    } <= hidden
    assert "shopcrm.build_dist" not in hidden
    excluded = {args[i + 1] for i, a in enumerate(args) if a == "--exclude-module"}
    assert {
        "PySide6.QtWebEngineCore",
        "PySide6.Qt3DCore",
        "PySide6.QtQuick",
        "PySide6.QtQml",
        "tkinter",
        "pytest",
    } <= excluded
    assert "PySide6.QtCharts" not in excluded and "PySide6.QtSvg" not in excluded
    assert "--collect-data pypinyin" in joined
    launcher = tmp_path / "work" / "shopcrm_launcher.py"
    assert "from shopcrm.ui.app import main" in launcher.read_text(encoding="utf-8")


@pytest.mark.parametrize("platform, suffix", [("win32", ".ico"), ("darwin", ".icns"), ("linux", None)])
def test_executable_icon_per_system(monkeypatch, platform, suffix):
    monkeypatch.setattr(sys, "platform", platform)
    icon = build_dist.icon_file()
    assert (icon.suffix if icon else None) == suffix


def test_ico_file_holds_every_size_as_png():
    data = (ICONS / "shopcrm.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for i in range(count):
        w, _h, _c, _r, _planes, bpp, size, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert bpp == 32 and data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + size <= len(data)
        sizes.append(w or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_icns_file_holds_png_entries():
    data = (ICONS / "shopcrm.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    pos, kinds = 8, []
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        assert data[pos + 8 : pos + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind)
        pos += length
    assert pos == len(data) and kinds == [b"icp4", b"icp5", b"icp6", b"ic07", b"ic08", b"ic09"]


def test_png_sizes_match_their_names(qapp):
    from PySide6.QtGui import QImage

    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        img = QImage(str(ICONS / f"shopcrm-{size}.png"))
        assert (img.width(), img.height()) == (size, size)
        assert img.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not blank


def test_action_icons_are_valid_svg_of_one_style(qapp):
    from PySide6.QtSvg import QSvgRenderer

    from shopcrm.ui.shell.icons import DECORATIONS, MENU_TEXT_ICONS, TAB_ICONS

    files = sorted((ICONS / "actions").glob("*.svg"))
    assert len(files) >= 20
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert 'viewBox="0 0 24 24"' in text and 'stroke-width="1.8"' in text, f.name
        assert QSvgRenderer(str(f)).isValid(), f.name
    names = {f.stem for f in files}
    assert set(DECORATIONS.values()) | set(MENU_TEXT_ICONS.values()) | set(TAB_ICONS.values()) <= names


def test_desktop_entry():
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str
    entry.read(ROOT / "resources" / "shopcrm.desktop", encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application" and d["Name"] == "ShopCRM" and d["Exec"] == "ShopCRM"
    assert d["Icon"] == "shopcrm" and d["Terminal"] == "false"
    assert d["Name[zh_CN]"] and d["Categories"].endswith(";")
    assert d["StartupWMClass"] == "ShopCRM"


def test_install_linux_desktop_points_at_the_build(tmp_path):
    exe = tmp_path / "dist" / "ShopCRM" / "ShopCRM"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    entry = build_dist.install_linux_desktop(exe, tmp_path / "share")
    text = entry.read_text(encoding="utf-8")
    assert f"Exec={exe}" in text and f"TryExec={exe}" in text
    assert (tmp_path / "share" / "icons" / "hicolor" / "256x256" / "apps" / "shopcrm.png").exists()


def test_build_dist_imports_no_qt():
    code = "import sys\nimport shopcrm.build_dist\nprint(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr
