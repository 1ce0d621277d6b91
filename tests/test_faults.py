"""Fault tests with real processes: kill -9 mid-import, two writers at once, refused files, and
the first released schema opening in the current one."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, db_contents

from shopcrm.store import db as dbmod
from shopcrm.store.db import close_database, open_database

pytestmark = pytest.mark.slow


def _child(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _dump(path: Path, tables: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (or of the given columns), in primary-key order."""
    con = sqlite3.connect(path)
    try:
        if tables is None:
            names = [
                r[0]
                for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            ]
            tables = {n: ["*"] for n in names}
        out = {}
        for name, cols in tables.items():
            col_sql = ", ".join(c if c == "*" else f'"{c}"' for c in cols)
            out[name] = con.execute(f'SELECT {col_sql} FROM "{name}" ORDER BY 1, 2').fetchall()
        return out
    finally:
        con.close()


def _integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def _contents(location) -> dict:
    """Every row and index of a database of either engine, opened and closed again."""
    open_database(location)
    try:
        return db_contents()
    finally:
        close_database()


def _healthy(location) -> bool:
    """The SQLite file passes ``integrity_check``; a PostgreSQL database answers and is ShopCRM's."""
    if isinstance(location, Path):
        return _integrity(location) == "ok"
    open_database(location)
    try:
        return dbmod.check_integrity() is None
    finally:
        close_database()


def test_kill_9_during_a_large_import_leaves_exactly_the_rows_from_before(db_location, engine_name):
    from shopcrm.demo import generate

    path = db_location
    open_database(path)
    generate(500, 3000, seed=11)
    close_database()
    before = _contents(path)
    assert len(before["rows"]["customer"]) == 500

    child = _child(
        """
        import sys
        from shopcrm.store.db import open_database
        from shopcrm.demo import generate
        open_database(sys.argv[1])
        def progress(stage, frac):
            print(stage, flush=True)
        generate(60_000, 400_000, seed=12, progress=progress)
        print("committed", flush=True)
    """,
        str(path),
    )
    try:
        stages = []
        for line in child.stdout:  # blocks until the child reports, no sleeping
            stages.append(line.strip())
            if line.strip() == "purchases":  # customers written, purchases going in, not committed
                break
        if engine_name == "sqlite":
            wal = Path(str(path) + "-wal")
            assert wal.exists() and wal.stat().st_size > 0  # uncommitted pages spilled into the WAL
        child.kill()  # SIGKILL on POSIX: no clean-up, no rollback by the child
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
        child.stdin.close()
    assert "committed" not in stages and child.returncode != 0
    assert _healthy(path)
    assert _contents(path) == before  # the rows, and every index the bulk load set aside
    # and the app opens it normally afterwards
    open_database(path)
    try:
        from shopcrm.customers import ledger

        assert ledger.verify() == []
    finally:
        close_database()


WRITER = """
    import sys
    from shopcrm.sales import activity
    from shopcrm.customers import ledger
    from shopcrm.store.db import database, open_database
    open_database(sys.argv[1])
    n, tag = int(sys.argv[2]), sys.argv[3]
    print("ready", flush=True)
    sys.stdin.readline()  # both writers start together
    try:
        for i in range(n):
            ledger.apply(1, "topup", balance_delta_cents=100, reason=f"{tag}{i}")
            activity.record_purchase(2, 1000, items=f"{tag}{i}", payment="cash")
            with database.atomic():  # read-then-write in one transaction, the hazardous pattern
                total = database.execute_sql("SELECT points FROM customer WHERE id = 3").fetchone()[0]
                ledger.apply(3, "adjust", points_delta=1, reason=f"{tag}{i} after {total}")
    except Exception as exc:  # what the user would see
        print(f"ERROR {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)
    print("done", flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing_and_never_see_locked(db_location):
    from shopcrm import customers
    from shopcrm.customers import CustomerInput, ledger
    from shopcrm.store.models import LedgerEntry, Purchase

    path = db_location
    open_database(path)
    for i in range(3):
        customers.create(CustomerInput(name=f"顾客{i}", mobile=f"1380000000{i}"))
    close_database()
    n = 60
    writers = [_child(WRITER, str(path), str(n), tag) for tag in ("a", "b")]
    try:
        for w in writers:
            assert w.stdout.readline().strip() == "ready"
        for w in writers:
            w.stdin.write("go\n")
            w.stdin.flush()
        results = [w.communicate(timeout=300) for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.communicate()
    for w, (out, err) in zip(writers, results, strict=True):
        assert "locked" not in err.lower() and w.returncode == 0, err
        assert out.strip().endswith("done")
    open_database(path)
    try:
        assert customers.get(1).balance_cents == 2 * n * 100
        assert customers.get(2).purchase_count == 2 * n
        assert customers.get(3).points == 2 * n
        assert Purchase.select().count() == 2 * n
        reasons = {e.reason for e in LedgerEntry.select().where(LedgerEntry.customer == 1)}
        assert reasons == {f"{t}{i}" for t in "ab" for i in range(n)}
        assert ledger.verify() == []
    finally:
        close_database()
    assert _healthy(path)


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shopcrm", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_truncated_database_is_refused_by_a_real_process_and_left_unchanged(tmp_path):
    from shopcrm.demo import generate

    path = tmp_path / "shop.db"
    open_database(path)
    generate(400, 2000, seed=3)
    dbmod.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = path.read_bytes()
    r = _run_cli("backup", "--db", str(path))
    assert r.returncode == 2 and "已损坏" in r.stderr and "不会修改" in r.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]  # no backup of it either


def test_non_sqlite_file_is_refused_by_a_real_process_and_left_unchanged(tmp_path):
    path = tmp_path / "会员.db"
    path.write_bytes("姓名,手机\n张三,13812345678\n".encode("gbk") * 40)
    before = path.read_bytes()
    r = _run_cli("backup", "--db", str(path))
    assert r.returncode == 2 and "不是 SQLite 数据库" in r.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["会员.db"]


def test_first_released_schema_opens_in_the_current_one_with_every_row_intact(tmp_path):
    from shopcrm.store.migrations import m0001_initial

    path = tmp_path / "v1.db"
    shutil.copyfile(FIXTURES / "schema_v1.db", path)
    # the v1 columns of every v1 table, read from the frozen v1 DDL
    mem = sqlite3.connect(":memory:")
    for sql in m0001_initial.STATEMENTS:
        mem.execute(sql)
    v1_tables = {
        name: [c[1] for c in mem.execute(f'PRAGMA table_info("{name}")')]
        for (name,) in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    mem.close()
    before = _dump(path, v1_tables)
    assert len(before["customer"]) == 120 and len(before["purchase"]) > 100
    assert all(before[t] for t in v1_tables), "the fixture has rows in every table"

    open_database(path)
    try:
        from shopcrm import customers
        from shopcrm.customers import ledger

        assert dbmod.schema_version() == dbmod.latest_version()
        assert ledger.verify() == []
        assert customers.count(customers.CustomerQuery(text="幸福")) == 0  # addresses are not searched
        lunar = customers.get(14)
        assert (lunar.lunar_month, lunar.lunar_day, lunar.lunar_leap) == (8, 15, True)
        # as the app does at start: sort keys for names an old version stored without one, and
        # the same key on each of their search keys (step 0023 copied what there was)
        customers.fill_missing_sort_keys()
        stale = dbmod.database.execute_sql(
            "SELECT count(*) FROM search_key s JOIN customer c ON c.id = s.customer_id "
            "WHERE s.name_sort <> c.name_sort OR c.name_sort = ''"
        ).fetchone()[0]
        assert stale == 0
        by_keys = customers.seek(customers.CustomerQuery(text="z"), None, 1000)
        assert by_keys and by_keys == customers.page(customers.CustomerQuery(text="z"), 0, 1000)
    finally:
        close_database()
    after = _dump(path, v1_tables)
    # search keys are derived data: step 0012 adds the readings older rules missed (issue #19)
    assert set(before.pop("search_key")) < set(after.pop("search_key"))
    # step 11 gives the database its id (a new row, the only one): every old row is intact
    assert [r for r in after["setting"] if r[0] == "db.id"] and [
        r for r in after["setting"] if r[0] != "db.id"
    ] == before["setting"]
    after["setting"] = before["setting"]
    assert after == before
    assert _integrity(path) == "ok"


BUSY_WRITER = """
    import sys
    from shopcrm import customers
    from shopcrm.sales import activity
    from shopcrm.customers import CustomerInput
    from shopcrm.store.db import database, open_database
    open_database(sys.argv[1])
    print("ready", flush=True)
    i = 0
    while sys.stdin.readline().strip() != "stop":
        for _ in range(20):  # each transaction adds a customer and their first purchase
            i += 1
            with database.atomic():
                c = customers.create(CustomerInput(name=f"并发{i}", mobile=f"1370{i:07d}"))
                activity.record_purchase(c.id, 100 + i)
        print(i, flush=True)
    print("stopped", flush=True)
"""


def _snapshot_counts(backup_file: Path) -> tuple[int, int]:
    """(customers, purchases) in a backup: an SQLite copy (checked first) or a pg_dump file."""
    from shopcrm.store import pg_backup

    if pg_backup.is_dump(backup_file):
        assert pg_backup.problems(backup_file, full=True) == []
        counts = pg_backup.row_counts(backup_file)
        return counts["customer"], counts["purchase"]
    con = sqlite3.connect(backup_file.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute("SELECT (SELECT count(*) FROM customer), (SELECT count(*) FROM purchase)").fetchone()
    finally:
        con.close()


def test_backups_taken_while_another_process_writes_are_consistent_snapshots(db_location):
    from shopcrm import backup

    path = db_location
    open_database(path)
    close_database()
    writer = _child(BUSY_WRITER, str(path))
    made = []
    try:
        assert writer.stdout.readline().strip() == "ready"
        open_database(path)
        for _ in range(6):
            writer.stdin.write("more\n")  # the writer commits 20 transactions…
            writer.stdin.flush()
            made.append(backup.make_backup("manual"))  # …while we back up
            writer.stdout.readline()
        writer.stdin.write("stop\n")
        writer.stdin.flush()
        _out, err = writer.communicate(timeout=120)
    finally:
        close_database()
        if writer.poll() is None:
            writer.kill()
            writer.communicate()
    assert writer.returncode == 0, err
    counts = []
    for p in made:
        n_c, n_p = _snapshot_counts(p)
        assert n_c == n_p  # never half a transaction
        counts.append(n_c)
    assert counts == sorted(counts) and counts[-1] >= 100


IMPORTER = """
    import sys
    from shopcrm.excel import excel_import
    from shopcrm.store.db import open_database
    open_database(sys.argv[1])
    rows = int(sys.argv[3])
    said = False
    def progress(done, total):
        global said
        if done > rows + rows * 7 // 10 and not said:  # 70 % of the rows written, not committed
            said = True
            print("writing", flush=True)
            sys.stdin.readline()  # wait here, mid-transaction, until the parent kills us
        return True
    excel_import.run(sys.argv[2], progress=progress)
    print("committed", flush=True)
"""


def test_kill_9_during_a_real_spreadsheet_import_leaves_exactly_the_rows_from_before(db_location, tmp_path):
    import csv

    from shopcrm.demo import generate

    path = db_location
    open_database(path)
    generate(300, 2000, seed=13)
    close_database()
    before = _contents(path)
    rows = 30_000
    src = tmp_path / "会员.csv"
    with open(src, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "手机", "余额", "积分"])
        for i in range(rows):
            w.writerow([f"导入{i}", f"1590{i:07d}", f"{i % 500}.50", i % 300])
    child = _child(IMPORTER, str(path), str(src), str(rows))
    try:
        line = child.stdout.readline().strip()
        assert line == "writing", child.stderr.read()
        # (the importer raises its page cache for the import, so its uncommitted pages are mostly
        # in memory; the demo-data test above kills a writer whose pages spilled into the WAL)
        child.kill()
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        for f in (child.stdout, child.stderr, child.stdin):
            f.close()
    assert _healthy(path)
    after = _contents(path)
    assert after == before
    # the backup made right before the import holds the same rows
    from shopcrm import backup
    from shopcrm.core.paths import parse_db_location

    made = backup.list_backups(backup.default_folder(parse_db_location(str(path))))
    assert [b.kind for b in made] == ["before-import"] and made[0].customers == 300
