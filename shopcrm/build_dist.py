"""Build the one-folder desktop app with PyInstaller: ``python -m shopcrm.build_dist``.

Produces ``dist/ShopCRM/ShopCRM`` (``ShopCRM.exe`` on Windows; ``dist/ShopCRM.app`` on macOS)
with the app icon, ``resources/`` as the ``shopcrm.resources`` package (icons; the translations
compiled by ``pyside6-lrelease`` into one ``shopcrm_<lang>.qm`` per language, in place of the
``.ts`` sources), Qt's own Chinese catalogue (qtbase_zh_CN), pypinyin's dictionaries and
python-calamine. PyInstaller does not cross-compile: run this on each system you ship for.

    pip install -e ".[dist]"
    python -m shopcrm.build_dist                # -> dist/ShopCRM/
    python -m shopcrm.build_dist --smoke-test   # build, then start it offscreen and check it

Plain Python (no Qt import here): PyInstaller runs in a child process.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shopcrm import APP_NAME, __version__

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"

# PySide6 modules the app imports (the PySide6 hook collects their plugins and translations).
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtCharts")
# Large Qt parts the app never uses; excluding them keeps the build small and fast.
QT_EXCLUDES = (
    "QtWebEngineCore",
    "QtWebEngineWidgets",
    "QtWebEngineQuick",
    "QtWebChannel",
    "QtWebSockets",
    "QtWebView",
    "Qt3DCore",
    "Qt3DRender",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DAnimation",
    "Qt3DExtras",
    "QtQml",
    "QtQuick",
    "QtQuick3D",
    "QtQuickWidgets",
    "QtQuickControls2",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtSpatialAudio",
    "QtTextToSpeech",
    "QtPdf",
    "QtPdfWidgets",
    "QtBluetooth",
    "QtNfc",
    "QtPositioning",
    "QtLocation",
    "QtSensors",
    "QtSerialPort",
    "QtSerialBus",
    "QtRemoteObjects",
    "QtScxml",
    "QtStateMachine",
    "QtDesigner",
    "QtHelp",
    "QtUiTools",
    "QtDataVisualization",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtHttpServer",
    "QtNetworkAuth",
    "QtSql",
    "QtTest",
    "QtDBus",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtAxContainer",
    "QtConcurrent",
    "QtXml",
)
PY_EXCLUDES = (
    "tkinter",
    "pytest",
    "_pytest",
    "hypothesis",
    "pytestqt",
    "IPython",
    "numpy",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "matplotlib",
    "PIL",
)

# Qt files that PyInstaller's PySide6 hook collects but this app never loads: the PDF image
# plugin and the on-screen virtual keyboard pull in QtPdf, QtQml and QtQuick (about 20 MB).
DROP_BINARIES = ("qpdf", "qtvirtualkeyboard", "qt6virtualkeyboard", "qt6pdf", "qt6qml", "qt6quick")
# Qt's own translations: only the languages the app offers (zh_CN; English is Qt's source text).
KEEP_QT_TRANSLATIONS = ("_zh_CN.qm",)
# where the app's own translations go in the build (shopcrm.resources.translations)
OUR_TRANSLATIONS = "shopcrm/resources/translations"

SPEC_FILTER = """
# --- added by shopcrm.build_dist: leave out Qt parts the app never loads ---
import os as _os
_DROP = {drop!r}
_KEEP_QM = {keep!r}


def _dropped(dest):
    name = _os.path.basename(dest).lower()
    return any(d in name for d in _DROP)


def _unused_qm(dest):
    dest = dest.replace("\\\\", "/")
    if dest.startswith({ours!r}):  # ours: the compiled .qm ship, their .ts sources do not
        return dest.endswith(".ts")
    return "/translations/" in dest and dest.endswith(".qm") and not dest.endswith(_KEEP_QM)


a.binaries = [e for e in a.binaries if not _dropped(e[0])]
a.datas = [e for e in a.datas if not _unused_qm(e[0])]
"""

LAUNCHER = '''"""ShopCRM launcher (written by shopcrm.build_dist)."""
import sys
from shopcrm.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
'''


def icon_file() -> Path | None:
    """The executable's icon (Windows .ico, macOS .icns; Linux uses the .desktop entry's icon)."""
    name = {"win32": "shopcrm.ico", "darwin": "shopcrm.icns"}.get(sys.platform)
    path = RESOURCES / "icons" / name if name else None
    return path if path is not None and path.exists() else None


def app_modules() -> list[str]:
    """Every module under shopcrm/, from the source tree (PyInstaller's collect_submodules
    imports the package in a child process, which fails quietly when it is not installed)."""
    pkg = ROOT / "shopcrm"
    names = []
    for path in sorted(pkg.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "__pycache__" in parts or path.name == "build_dist.py":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def qt_excludes() -> list[str]:
    """Excluded PySide6 modules, minus any the app uses (QtCharts needs QtOpenGL widgets on
    some platforms: keep what QT_MODULES' dependencies pull in)."""
    used = set(QT_MODULES)
    if "QtCharts" in used:
        used |= {"QtOpenGL", "QtOpenGLWidgets"}
    return [f"PySide6.{m}" for m in QT_EXCLUDES if m not in used]


def lrelease() -> Path:
    """Qt's translation compiler as shipped inside PySide6 (found without importing Qt)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("PySide6 is not installed: its lrelease compiles the translations")
    exe = Path(next(iter(spec.submodule_search_locations))) / ("lrelease.exe" if os.name == "nt" else "lrelease")
    if not exe.exists():
        raise SystemExit(f"Qt's translation compiler is missing: {exe}")
    return exe


# all that lrelease says when every message is finished ("Ignored 3 untranslated source text(s)",
# "5 unfinished", duplicate or damaged messages are warnings)
LRELEASE_OK = re.compile(r"^(Updating '.*'\.\.\.|Generated \d+ translation\(s\) \(\d+ finished and 0 unfinished\))$")


def compile_translations(out: Path, source: Path | None = None) -> list[Path]:
    """Compile the ``<module>_<lang>.ts`` files of ``source`` (default: resources/translations)
    into one ``shopcrm_<lang>.qm`` per language in ``out``; lrelease's warnings (an unfinished or
    damaged message) fail the build. Returns the .qm files."""
    source = Path(source or RESOURCES / "translations")
    out.mkdir(parents=True, exist_ok=True)
    langs: dict[str, list[Path]] = {}
    for ts in sorted(source.glob("*.ts")):
        root = ts.read_text(encoding="utf-8")
        lang = root.split('language="', 1)[1].split('"', 1)[0] if 'language="' in root else ""
        if not lang or not ts.stem.endswith("_" + lang):
            raise SystemExit(f"{ts.name}: its language attribute does not match its name")
        langs.setdefault(lang, []).append(ts)
    made = []
    for lang, files in sorted(langs.items()):
        qm = out / f"shopcrm_{lang}.qm"
        proc = subprocess.run(
            [str(lrelease()), *map(str, files), "-qm", str(qm)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        said = [ln.strip() for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
        warnings = [ln for ln in said if not LRELEASE_OK.match(ln)]
        if proc.returncode != 0 or warnings or not qm.exists():
            raise SystemExit(f"lrelease failed for {lang} (exit {proc.returncode}):\n" + "\n".join(said))
        made.append(qm)
    return made


def pyinstaller_args(work: Path, *, windowed: bool = True) -> list[str]:
    """Arguments for PyInstaller's makespec (the .spec is then patched, see :func:`write_spec`)."""
    launcher = work / "shopcrm_launcher.py"
    work.mkdir(parents=True, exist_ok=True)
    launcher.write_text(LAUNCHER, encoding="utf-8")
    qm_dir = work / "translations"
    compile_translations(qm_dir)
    args = [
        str(launcher),
        "--name",
        APP_NAME,
        "--onedir",
        "--log-level",
        "WARN",
        "--specpath",
        str(work),
        "--paths",
        str(ROOT),
        # resources/ is installed as the shopcrm.resources package (see pyproject.toml)
        "--add-data",
        f"{RESOURCES}{os.pathsep}shopcrm/resources",
        # the translations compiled for this build (the .ts sources are filtered out of the spec)
        "--add-data",
        f"{qm_dir}{os.pathsep}{OUR_TRANSLATIONS}",
        "--collect-data",
        "pypinyin",
        "--collect-submodules",
        "pypinyin",
        "--hidden-import",
        "python_calamine",
        "--collect-binaries",
        "python_calamine",
        "--collect-submodules",
        "openpyxl",
        "--hidden-import",
        "platformdirs",
    ]
    # every module of the app: tabs and migrations are imported by name at run time
    for mod in app_modules():
        args += ["--hidden-import", mod]
    for mod in QT_MODULES:
        args += ["--hidden-import", f"PySide6.{mod}"]
    for mod in qt_excludes() + list(PY_EXCLUDES):
        args += ["--exclude-module", mod]
    icon = icon_file()
    if icon is not None:
        args += ["--icon", str(icon)]
    if windowed:
        args.append("--windowed")  # no console window on Windows; an .app bundle on macOS
    if sys.platform == "darwin":
        args += ["--osx-bundle-identifier", "org.shopcrm.ShopCRM"]
    return args


def write_spec(work: Path, *, windowed: bool = True, env: dict | None = None) -> Path:
    """Write ShopCRM.spec with PyInstaller's makespec, then add the filter of unused Qt files."""
    cmd = [sys.executable, "-m", "PyInstaller.utils.cliutils.makespec", *pyinstaller_args(work, windowed=windowed)]
    subprocess.run(cmd, check=True, cwd=str(ROOT), env=env, capture_output=True)
    spec = work / f"{APP_NAME}.spec"
    text = spec.read_text(encoding="utf-8")
    marker = "\npyz = PYZ("
    if marker not in text:
        raise SystemExit(f"unexpected .spec layout (no {marker.strip()!r}) in {spec}")
    filt = SPEC_FILTER.format(drop=DROP_BINARIES, keep=KEEP_QT_TRANSLATIONS, ours=OUR_TRANSLATIONS + "/")
    spec.write_text(text.replace(marker, filt + marker, 1), encoding="utf-8")
    return spec


def executable(dist: Path) -> Path:
    """The built program inside ``dist``."""
    if sys.platform == "win32":
        return dist / APP_NAME / f"{APP_NAME}.exe"
    if sys.platform == "darwin" and (dist / f"{APP_NAME}.app").exists():
        return dist / f"{APP_NAME}.app" / "Contents" / "MacOS" / APP_NAME
    return dist / APP_NAME / APP_NAME


def build(dist: Path | None = None, work: Path | None = None, *, windowed: bool = True, clean: bool = False) -> Path:
    """Run PyInstaller in a child process; returns the built executable."""
    try:
        import PyInstaller  # noqa: F401
    except ModuleNotFoundError as exc:
        raise SystemExit('PyInstaller is not installed: pip install -e ".[dist]"') from exc
    dist = Path(dist or ROOT / "dist").resolve()
    work = Path(work or ROOT / "build").resolve()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    spec = write_spec(work, windowed=windowed, env=env)
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(spec),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    if clean:
        cmd.append("--clean")
    subprocess.run(cmd, check=True, cwd=str(ROOT), env=env)
    exe = executable(dist)
    # PyInstaller links every Qt library into _internal/; drop the links to the files left out
    for link in (dist / APP_NAME).rglob("*"):
        if link.is_symlink() and not link.exists():
            link.unlink()
    if not exe.exists():
        raise SystemExit(f"PyInstaller finished but {exe} is missing")
    # a desktop entry and the icon beside the Linux build, for install_linux_desktop()
    if sys.platform.startswith("linux"):
        shutil.copy2(RESOURCES / "shopcrm.desktop", exe.parent / "shopcrm.desktop")
        shutil.copy2(RESOURCES / "icons" / "shopcrm-256.png", exe.parent / "shopcrm.png")
    return exe


def smoke_test(exe: Path, *, timeout: float = 120.0) -> dict:
    """Start the built program offscreen on a fresh database and check the report it prints."""
    with tempfile.TemporaryDirectory(prefix="shopcrm-smoke-") as tmp:
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            XDG_CONFIG_HOME=f"{tmp}/config",
            XDG_DATA_HOME=f"{tmp}/data",
            HOME=tmp,
            APPDATA=f"{tmp}/appdata",
        )
        env.pop("SHOPCRM_DB", None)
        db = Path(tmp) / "shop.db"
        out = Path(tmp) / "smoke.json"  # the report also goes to a file: windowed builds have no stdout
        env["SHOPCRM_SMOKE_REPORT"] = str(out)
        proc = subprocess.run(
            [str(exe), "--smoke-test", "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(f"smoke test failed (exit {proc.returncode})\n{proc.stdout}\n{proc.stderr}")
        report = json.loads(out.read_text(encoding="utf-8"))
        report["returncode"] = proc.returncode
        report["stderr"] = proc.stderr
        return report


def install_linux_desktop(exe: Path, prefix: Path | None = None) -> Path:
    """Add a menu entry for the built program to ``~/.local/share`` (Linux)."""
    prefix = Path(prefix or Path.home() / ".local" / "share")
    apps = prefix / "applications"
    icons = prefix / "icons" / "hicolor" / "256x256" / "apps"
    apps.mkdir(parents=True, exist_ok=True)
    icons.mkdir(parents=True, exist_ok=True)
    shutil.copy2(RESOURCES / "icons" / "shopcrm-256.png", icons / "shopcrm.png")
    text = (RESOURCES / "shopcrm.desktop").read_text(encoding="utf-8")
    text = (
        "\n".join(
            f"Exec={exe.resolve()}"
            if ln.startswith("Exec=")
            else f"TryExec={exe.resolve()}"
            if ln.startswith("TryExec=")
            else ln
            for ln in text.splitlines()
        )
        + "\n"
    )
    entry = apps / "shopcrm.desktop"
    entry.write_text(text, encoding="utf-8")
    return entry


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m shopcrm.build_dist", description=__doc__.splitlines()[0])
    p.add_argument("--dist", type=Path, help="output folder (default: dist/)")
    p.add_argument("--work", type=Path, help="PyInstaller's work folder (default: build/)")
    p.add_argument("--console", action="store_true", help="keep a console window (Windows debugging)")
    p.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    p.add_argument("--smoke-test", action="store_true", help="start the build offscreen and check it")
    p.add_argument(
        "--install-desktop", action="store_true", help="Linux: add a menu entry and icon under ~/.local/share"
    )
    args = p.parse_args(argv)
    started = time.perf_counter()
    exe = build(args.dist, args.work, windowed=not args.console, clean=args.clean)
    size = folder_size(exe.parent) / 1e6
    print(f"ShopCRM {__version__}: built {exe} in {time.perf_counter() - started:.0f} s ({size:.0f} MB)")
    if args.smoke_test:
        report = smoke_test(exe)
        print(f"smoke test: {report['window']} “{report['title']}”, {report['customers']} demo customers")
    if args.install_desktop and sys.platform.startswith("linux"):
        print(f"desktop entry: {install_linux_desktop(exe)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
