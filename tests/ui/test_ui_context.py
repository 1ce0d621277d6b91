"""The app context (shopcrm.ui.shell.context): tabs and dialogs use it instead of probing the main
window, and nothing is hung on the window or the application from outside."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT
from PySide6.QtWidgets import QDialog, QWidget

from shopcrm.ui.shell.context import AppContext

UI = ROOT / "shopcrm" / "ui"
WINDOW_NAMES = {"window", "main_window", "mw", "win", "main"}


def _is_window(node: ast.expr) -> bool:
    """``window``, ``main_window``, ``self.window``, ``self.main_window``, ``self.window()``…"""
    if isinstance(node, ast.Call) and not node.args:
        node = node.func
    if isinstance(node, ast.Name):
        return node.id in WINDOW_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in WINDOW_NAMES
    return False


def _hits(path: Path, root: Path = UI.parent.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    where = path.relative_to(root)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"hasattr", "getattr", "setattr"}
            and node.args
            and _is_window(node.args[0])
        ):
            found.append(f"{where}:{node.lineno} {node.func.id}() on a main window")
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        for t in targets:
            if isinstance(t, ast.Attribute) and (
                _is_window(t.value) or (isinstance(t.value, ast.Name) and t.value.id == "app")
            ):
                found.append(f"{where}:{node.lineno} sets .{t.attr} on a window or the application")
    return found


def test_nothing_probes_the_main_window_or_hangs_attributes_on_it():
    found = [hit for path in sorted(UI.rglob("*.py")) for hit in _hits(path)]
    assert found == [], "use shopcrm.ui.shell.context.AppContext:\n" + "\n".join(found)


def test_the_scan_sees_a_probe(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "if hasattr(self.main_window, 'tabs'):\n    window.thing = 1\n"
        "menu = getattr(window, 'tools_menu', None)\napp._hooked = True\n",
        encoding="utf-8",
    )
    assert len(_hits(probe, tmp_path)) == 4


def test_a_detached_context_does_nothing_and_says_so(app):
    ctx = AppContext()
    assert not ctx.attached and ctx.db_path is None and ctx.tools_menu is None and ctx.tabs is None
    assert not ctx.notify_data_changed() and not ctx.on_first_painted(lambda: None)
    assert ctx.open_customer(1) is None and ctx.customer_list_in_view() == (None, [])
    ctx.status("nobody sees this")
    assert not AppContext.of(None).attached and not AppContext.of(QWidget()).attached


def test_the_main_window_hands_its_context_to_tabs_and_dialogs(window, qtbot):
    ctx = window.context
    assert ctx.attached and ctx.db_path == window.db_path and ctx.tools_menu is window.tools_menu
    for tab in window.extra_tabs:
        assert tab.context is ctx
    dialog = QDialog(window)
    qtbot.addWidget(dialog)
    assert AppContext.of(dialog) is ctx and AppContext.of(window) is ctx
    assert ctx.security is not None and ctx.seal_monitor is not None  # installed into the context
    # the tabs find the Tools menu built (a probe used to find nothing and drop this entry)
    assert "careSettingsAction" in {a.objectName() for a in window.tools_menu.actions()}
    with qtbot.waitSignal(window.data_changed):
        assert ctx.notify_data_changed()
    ctx.show_tab(window.extra_tabs[0])
    assert ctx.is_current_tab(window.extra_tabs[0]) and ctx.current_tab() is window.extra_tabs[0]
    assert ctx.customer_list_in_view() == (None, [])  # the customer list is out of sight
    ctx.show_tab(window.customers_tab)
    query, selected = ctx.customer_list_in_view()
    assert query is not None and selected == []
