"""The domain layer never imports Qt: import every domain module with PySide6 blocked."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

import shopcrm

UI_MODULES = {"shopcrm.ui.app", "shopcrm.ui", "shopcrm.__main__"}


def domain_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(shopcrm.__path__, "shopcrm."):
        if info.name in UI_MODULES or info.name.startswith("shopcrm.ui."):
            continue
        names.append(info.name)
    return names


def test_domain_modules_import_without_qt():
    names = domain_modules()
    assert "shopcrm.customers" in names and "shopcrm.store.models" in names
    code = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'PySide6' or name.startswith('PySide6.'):\n"
        "            raise ImportError('Qt imported by the domain layer: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for n in {names!r}:\n"
        "    importlib.import_module(n)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_widgets_build_no_sql():
    """Widgets call the domain; SQL text belongs below shopcrm/ui."""
    ui = Path(shopcrm.__file__).parent / "ui"
    offenders = []
    for path in ui.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("execute_sql(", "SELECT ", "INSERT INTO", "UPDATE customer", "DELETE FROM"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_the_double_click_target_finds_the_app():
    """main.py (what a user double-clicks in a source checkout) imports the app's entry point."""
    import runpy

    namespace = runpy.run_path(str(ROOT / "main.py"), run_name="not_main")
    from shopcrm.ui.app import main

    assert namespace["main"] is main
