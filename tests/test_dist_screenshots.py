"""The README screenshots are made by a script: it renders every tab offscreen, in Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_screenshot_script_renders_every_tab(tmp_path, qapp):
    from PySide6.QtGui import QImage

    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "shopcrm.ui.screenshots", "--out", str(tmp_path / "shots")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    names = {Path(line).name for line in proc.stdout.split()}
    assert {
        "first_run.png",
        "window_customers.png",
        "window_today.png",
        "window_complaints.png",
        "customer_form.png",
    } <= names
    from shopcrm.ui.main_window import tab_classes

    assert len([n for n in names if n.startswith("window_")]) == 1 + len(tab_classes())
    shot = QImage(str(tmp_path / "shots" / "window_customers.png"))
    assert (shot.width(), shot.height()) == (1280, 800)
    # the user's settings were not touched
    assert not (tmp_path / "config" / "ShopCRM").exists()
