"""The integrity check of a large copy in resumable steps: interrupted part-way (a cancel, or app
exit during a seal), it resumes at the next start from the first step not done and ends with the
same verdict as one whole ``integrity_check``; damage is found whichever step it is in."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import threading
from pathlib import Path

import pytest

from shopcrm import backup
from shopcrm.core.errors import Cancelled
from shopcrm.store.db import close_database, open_database

pytestmark = pytest.mark.sqlite_only("the resumable integrity_check of an SQLite copy")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """A real ShopCRM database with demo data, in rollback-journal mode (as a backup is)."""
    from shopcrm.demo import generate

    path = tmp_path_factory.mktemp("sample") / "shop.db"
    open_database(path)
    generate(300, 3000, seed=6)
    close_database()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = delete")
    con.close()
    return path


@pytest.fixture
def copy(sample, tmp_path) -> Path:
    dest = tmp_path / "shopcrm-20261122-090000-daily.db.unverified"
    shutil.copyfile(sample, dest)
    return dest


def whole_check(path: Path) -> list[str]:
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()
    return [] if rows == [("ok",)] else [r[0] for r in rows]


def stop_after(steps: int, seen: list[tuple[int, int]]):
    """A progress callback that records (done, total) and cancels once ``steps`` are done."""

    def progress(done: int, total: int):
        seen.append((done, total))
        return done < steps

    return progress


def test_an_interrupted_check_resumes_where_it_stopped_and_gives_the_same_verdict(copy):
    first: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        backup.check_in_steps(copy, progress=stop_after(4, first))
    state = backup.check_state_path(copy)
    assert state.exists()  # the steps done are kept beside the copy
    total = first[-1][1]
    assert 4 <= first[-1][0] < total  # part of the work, not all of it

    second: list[tuple[int, int]] = []
    assert backup.check_in_steps(copy, progress=lambda d, t: second.append((d, t))) == []
    assert second[0] == (4, total)  # resumed at the first step not done
    assert second[-1] == (total, total)
    assert not state.exists()
    assert whole_check(copy) == []  # the same verdict as one whole integrity_check


def test_the_state_of_another_file_is_not_trusted(copy):
    with pytest.raises(Cancelled):
        backup.check_in_steps(copy, progress=stop_after(3, []))
    with open(copy, "ab") as fh:  # the file changed since (another copy under the same name)
        fh.write(b"\0" * 4096)
    seen: list[tuple[int, int]] = []
    backup.check_in_steps(copy, progress=lambda d, t: seen.append((d, t)))
    assert seen[0][0] == 0  # checked from the start


def _page_of(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        # its fullest page: the last one may be mostly free space, which damage leaves unnoticed
        return con.execute(
            "SELECT pageno FROM dbstat WHERE name = ? ORDER BY unused, pageno DESC LIMIT 1", (table,)
        ).fetchone()[0]
    finally:
        con.close()


def _damage(path: Path, page: int, size: int = 4096) -> None:
    data = bytearray(path.read_bytes())
    at = (page - 1) * size + 200  # inside the page, past its header: cells torn
    data[at : at + 1500] = b"\xff" * 1500
    path.write_bytes(bytes(data))


def test_a_damaged_table_is_found_also_by_a_resumed_check(copy):
    _damage(copy, _page_of(copy, "purchase"))
    assert whole_check(copy)
    with pytest.raises(Cancelled):
        backup.check_in_steps(copy, progress=stop_after(2, []))  # stops before the purchases
    problems = backup.check_in_steps(copy)
    assert problems and not backup.check_state_path(copy).exists()


def test_damage_outside_every_table_is_found_by_the_page_accounting(tmp_path):
    path = tmp_path / "freelist.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,) for _ in range(400)])
    con.commit()
    con.execute("DELETE FROM t WHERE rowid > 50")  # free pages: a freelist
    con.commit()
    trunk = con.execute("PRAGMA freelist_count").fetchone()[0] and int.from_bytes(path.read_bytes()[32:36], "big")
    con.close()
    assert trunk and backup.check_in_steps(path) == [] == whole_check(path)
    data = bytearray(path.read_bytes())
    data[(trunk - 1) * 4096 + 4 : (trunk - 1) * 4096 + 8] = (5).to_bytes(4, "big")  # the trunk loses its leaves
    path.write_bytes(bytes(data))
    assert whole_check(path)
    assert backup.check_in_steps(path)  # found, though every table is sound


def test_a_seal_interrupted_at_exit_resumes_at_the_next_start(copy, tmp_path):
    folder = copy.parent
    final = folder / copy.name.removesuffix(".unverified")
    pending = backup.PendingBackup(final, "daily", durable=True)
    heard: list[tuple[int, int]] = []

    def interrupt_part_way(done: int, total: int) -> None:
        heard.append((done, total))
        if done == 3:
            pending._cancel()  # what backup.shutdown() does when the app quits

    pending.watch(interrupt_part_way)
    pending._start(None, background=False)
    assert pending.state == "interrupted" and copy.exists() and backup.check_state_path(copy).exists()

    saved = json.loads(backup.check_state_path(copy).read_text(encoding="utf-8"))
    assert len(saved["done"]) == 3 and saved["problems"] == []  # what the next start skips
    [resumed] = backup.resume_unsealed(folder, background=False)  # the next start
    assert resumed.state == "sealed" and final.exists() and not copy.exists()
    assert not backup.check_state_path(copy).exists()
    assert whole_check(final) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_a_background_seal_checks_at_the_lowest_priority(copy, monkeypatch):
    seen: list[int] = []
    monkeypatch.setattr(
        backup,
        "_before_check",
        lambda con, path: seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())),
    )
    final = copy.with_name(copy.name.removesuffix(".unverified"))
    pending = backup.PendingBackup(final, "daily", durable=True)
    pending._start(None, background=True)
    assert pending.wait_sealed(timeout=60) == final
    assert seen == [19]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < 19  # this thread is untouched
