"""The importer's bulk load: a large import drops the customer table's secondary indexes inside its
transaction and creates them again before it commits (with foreign-key look-ups switched off for
the rows it writes). Cancel, a failure and kill -9 leave the database exactly as before — schema,
indexes, planner statistics and rows; a finished bulk import writes exactly what the row-by-row
path writes. Also: imported customers get their pinyin sort key (customers.page sorts by it)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, TEST_DAY, db_contents

from shopcrm import customers as C
from shopcrm.core.errors import Cancelled
from shopcrm.core.pinyin_keys import NameKeyCache, name_keys, sort_key
from shopcrm.customers import ledger
from shopcrm.excel import excel_import as X

pytestmark = pytest.mark.usefixtures("fixed_day")  # the clock stands on TEST_DAY

TODAY = TEST_DAY
SURNAMES = "张王李赵刘陈杨黄周吴曾单解区朴"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def member_csv(path: Path, n: int, start: int = 0) -> Path:
    lines = ["姓名,手机,卡号,生日,性别,余额,积分,会员等级,标签,来源,偏好渠道,接受营销"]
    for i in range(start, start + n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i % 19] + (GIVEN[i % 7] if i % 3 else "")
        lines.append(
            f"{name},139{i:08d},C{i:06d},1990-{i % 12 + 1:02d}-{i % 28 + 1:02d},"
            f"{'男' if i % 2 else '女'},{i % 500}.5,{i % 100},{'金卡' if i % 5 == 0 else ''},"
            f"{'老顾客' if i % 4 == 0 else ''},美团,{'微信' if i % 2 else '电话'},{'是' if i % 3 else '否'}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seed(n: int = 40) -> None:
    """A few customers made through the archive (search keys, ledger, a tag), then ANALYZE so that
    the planner statistics (sqlite_stat1) exist."""
    for i in range(n):
        C.create(
            C.CustomerInput(
                name=f"老{GIVEN[i % 19]}{i}",
                mobile=f"137{i:08d}",
                card_no=f"OLD{i}",
                opening_balance="10",
                tags=["熟客"],
            ),
            today=TODAY,
        )
    from shopcrm.store.db import database

    database.execute_sql("ANALYZE")


def schema(con) -> list[tuple]:
    return sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=repr)


def stats(con) -> list[tuple]:
    return sorted(con.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall(), key=repr)


def customer_indexes(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer'")}


@pytest.mark.sqlite_only(
    "SQLite's schema table, dump, planner statistics and pragmas (both engines: test_a_bulk_import_on_either_engine_…)"
)
@pytest.mark.parametrize("cancel_at", ["first_chunk", "before_indexes"])
def test_a_cancelled_bulk_import_leaves_schema_indexes_and_data_identical(db, tmp_path, cancel_at):
    seed()
    con = db.connection()
    path = member_csv(tmp_path / "m.csv", 5000)
    sheet = X.read_sheet(path)
    report = X.plan(sheet, X.ImportOptions(today=TODAY))
    assert report.imported == 5000 and X.bulk_load_wanted(5000, 40)
    assert not X.bulk_load_wanted(20_000, 100_000) and X.bulk_load_wanted(50_000, 100_000)
    master = con.execute("SELECT * FROM sqlite_master ORDER BY rowid").fetchall()
    dump = list(con.iterdump())
    st = stats(con)
    assert any(idx == "customer_mobile" for _, idx, _ in st)
    seen = []

    def progress(done, total):
        seen.append(done)
        if cancel_at == "first_chunk":
            return done < 2000
        return done < total  # the last check, after every row went in, before the indexes return

    with pytest.raises(Cancelled):
        X.apply_plan(report, progress=progress)
    assert seen[-1] >= 2000
    assert con.execute("SELECT * FROM sqlite_master ORDER BY rowid").fetchall() == master
    assert list(con.iterdump()) == dump and stats(con) == st
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert X.history() == [] and all(r.customer_id is None for r in report.rows)


@pytest.mark.sqlite_only(
    "SQLite's schema table, dump, planner statistics and pragmas (both engines: test_a_bulk_import_on_either_engine_…)"
)
def test_a_finished_bulk_import_has_every_index_and_statistic_back_and_checks_pass(db, tmp_path):
    seed()
    con = db.connection()
    before_schema, before_stats = schema(con), stats(con)
    cache_size = con.execute("PRAGMA cache_size").fetchone()[0]
    report = X.run(member_csv(tmp_path / "m.csv", 3000), X.ImportOptions(today=TODAY))
    assert report.imported == 3000 and X.LAST_WRITE_SECONDS["indexes"] > 0  # the bulk path ran
    run = X.history()[0]
    assert (
        run.imported,
        run.updated,
        run.duplicates,
        run.errors,
        run.warnings,
        run.balance_cents,
        run.points,
        run.total_rows,
    ) == (
        report.imported,
        report.updated,
        report.duplicates,
        report.errors,
        report.warnings,
        report.balance_cents_total,
        report.points_total,
        len(report.rows),
    )
    assert schema(con) == before_schema and stats(con) == before_stats
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert con.execute("PRAGMA cache_size").fetchone()[0] == cache_size
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert ledger.verify() == []
    # the indexes work: searches by pinyin, mobile tail and card, and the planner uses them
    q = C.CustomerQuery(text="zw")
    expected = {c.id for c in C.Customer.select() if any(k.startswith("zw") for k in name_keys(c.name))}
    assert expected and C.count(q) == len(expected)
    assert {r.id for r in C.page(q, 0, len(expected) + 10)} == expected
    assert C.count(C.CustomerQuery(text="00002999")) == 1
    plan = " ".join(
        r[3] for r in con.execute("EXPLAIN QUERY PLAN SELECT id FROM customer WHERE mobile = '13900001234'")
    )
    assert "customer_mobile" in plan


@pytest.mark.sqlite_only(
    "SQLite's schema table, dump, planner statistics and pragmas (both engines: test_a_bulk_import_on_either_engine_…)"
)
def test_a_duplicate_that_slips_in_after_the_check_rolls_the_bulk_import_back(db, tmp_path):
    """The unique indexes are dropped during the bulk insert: a mobile that another process stored
    between the dry run and the import is caught when they are created again, and nothing stays."""
    seed()
    con = db.connection()
    report = X.plan(X.read_sheet(member_csv(tmp_path / "m.csv", 3000)), X.ImportOptions(today=TODAY))
    other = sqlite3.connect(db.database)
    other.execute(
        "INSERT INTO customer (card_no, name, name_sort, mobile, mobile_rev, phone2, gender, "
        "lunar_leap, balance_cents, points, pref_text, pref_channel, pref_time, pref_products, "
        "pref_taste, address, wechat, source, notes, consent_marketing, total_spend_cents, "
        "purchase_count, open_complaints, created_at, updated_at) VALUES (NULL, '插队', '', "
        "'13900002500', '00520009931', '', '', 0, 0, 0, '', '', '', '', '', '', '', '', '', 1, "
        "0, 0, 0, '2026-11-22 10:00:00', '2026-11-22 10:00:00')"
    )
    other.commit()
    other.close()
    before_schema, dump = schema(con), list(con.iterdump())
    with pytest.raises(Exception, match="UNIQUE"):
        X.apply_plan(report)
    assert schema(con) == before_schema and list(con.iterdump()) == dump
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def _write_an_orphan_too(monkeypatch) -> None:
    """The import's writer, with a bug: it adds a ledger row of a customer that does not exist."""
    real_write_new = X._write_new

    def buggy_write_new(con_, *args, **kwargs):
        real_write_new(con_, *args, **kwargs)
        con_.execute(
            "INSERT INTO ledger_entry (customer_id, at, kind, balance_delta_cents, points_delta, "
            "balance_after_cents, points_after, reason) VALUES "
            "(999999, '2026-11-22 10:00:00', 'import', 100, 0, 100, 0, 'bug')"
        )

    monkeypatch.setattr(X, "_write_new", buggy_write_new)


@pytest.mark.sqlite_only(
    "SQLite's schema table, dump, planner statistics and pragmas (both engines: test_a_bulk_import_on_either_engine_…)"
)
def test_a_row_written_without_its_parent_rolls_the_bulk_import_back(db, tmp_path, monkeypatch):
    """Foreign-key look-ups are off for a bulk import's rows, so the money and membership relations
    are proven before the commit: a ledger row that points nowhere undoes the whole import."""
    seed()
    con = db.connection()
    report = X.plan(X.read_sheet(member_csv(tmp_path / "m.csv", 3000)), X.ImportOptions(today=TODAY))
    _write_an_orphan_too(monkeypatch)
    before_schema, dump = schema(con), list(con.iterdump())
    with pytest.raises(RuntimeError, match="without its parent"):
        X.apply_plan(report)
    assert schema(con) == before_schema and list(con.iterdump()) == dump
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_bulk_and_row_by_row_imports_write_the_same_rows(tmp_path, monkeypatch):
    from shopcrm.store.db import close_database, database, open_database

    path = member_csv(tmp_path / "m.csv", 2500)

    def dump(bulk: bool) -> dict:
        open_database(tmp_path / f"{bulk}.db")
        try:
            seed(5)
            monkeypatch.setattr(X, "BULK_FLOOR", 1000 if bulk else 10**9)
            X.run(path, X.ImportOptions(today=TODAY))
            assert (X.LAST_WRITE_SECONDS["indexes"] > 0) == bulk
            con = database.connection()
            cols = [
                r[1] for r in con.execute("PRAGMA table_info(customer)") if r[1] not in ("created_at", "updated_at")
            ]
            return {
                "customer": con.execute(f"SELECT {', '.join(cols)} FROM customer ORDER BY id").fetchall(),
                "search_key": con.execute("SELECT * FROM search_key ORDER BY 1, 2").fetchall(),
                "ledger": con.execute(
                    "SELECT customer_id, kind, balance_delta_cents, points_delta, "
                    "balance_after_cents, points_after, reason FROM ledger_entry "
                    "ORDER BY id"
                ).fetchall(),
                "tags": con.execute("SELECT * FROM customer_tag ORDER BY 1, 2").fetchall(),
            }
        finally:
            close_database()

    bulk, plain = dump(True), dump(False)
    assert len(bulk["customer"]) == 2505 and bulk == plain


def test_kill_9_during_a_bulk_import_leaves_exactly_the_database_from_before(tmp_path):
    from shopcrm.store.db import close_database, open_database

    db_path = tmp_path / "shop.db"
    open_database(db_path)
    seed()
    close_database()
    path = member_csv(tmp_path / "m.csv", 4000)

    def snapshot():
        con = sqlite3.connect(db_path)
        try:
            return (con.execute("SELECT * FROM sqlite_master ORDER BY rowid").fetchall(), list(con.iterdump()))
        finally:
            con.close()

    before = snapshot()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
        import sys
        from shopcrm.excel import excel_import as X
        from shopcrm.store.db import database, open_database
        open_database(sys.argv[1])
        def progress(done, total):
            if database.in_transaction() and database.execute_sql(
                    "SELECT count(*) FROM customer").fetchone()[0] == 4040:
                # every row written, not committed: are the indexes still dropped?
                n = database.execute_sql("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                         "AND tbl_name = 'customer' AND sql IS NOT NULL").fetchone()[0]
                print("written", n, flush=True)
                sys.stdin.readline()  # wait here until killed
            return True
        X.run(sys.argv[2], progress=progress)
        print("committed", flush=True)
    """),
            str(db_path),
            str(path),
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline().split()
        assert line[:2] == ["written", "0"], (line, child.stderr.read() if child.poll() else "")
        child.kill()
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        for f in (child.stdout, child.stderr, child.stdin):
            f.close()
    assert snapshot() == before
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


# --- pinyin sort keys -------------------------------------------------------------------------------


def test_imported_customers_are_sorted_by_pinyin(db, tmp_path):
    names = ["张三", "阿强", "曾伟", "李四", "王五", "单田芳", "欧阳娜娜", "Alice", "赵六", "白雪"]
    path = tmp_path / "n.csv"
    path.write_text(
        "姓名,手机,卡号\n" + "".join(f"{n},1380000{i:04d},\n" for i, n in enumerate(names)), encoding="utf-8"
    )
    X.run(path, X.ImportOptions(today=TODAY))
    stored = {c.name: c.name_sort for c in C.Customer.select()}
    assert stored == {n: sort_key(n) for n in names}
    page = [r.name for r in C.page(C.CustomerQuery(sort="name"), 0, 50)]
    assert page == sorted(names, key=sort_key)
    assert page.index("单田芳") > page.index("李四") and page.index("曾伟") < page.index("赵六")
    # a name changed by an import (overwrite) gets its new sort key too
    path.write_text("姓名,手机\n艾米,13800000000\n", encoding="utf-8")
    X.run(path, X.ImportOptions(on_duplicate="overwrite", today=TODAY))
    amy = C.find_by_mobile("13800000000")
    assert amy.name == "艾米" and amy.name_sort == sort_key("艾米")


def test_the_importers_memoised_sort_key_equals_sort_key():
    import random

    from hypothesis import given, settings, strategies as st

    from shopcrm.demo import COMPOUND_SURNAMES, GIVEN_F, GIVEN_M, SURNAMES as DEMO_SURNAMES

    fast = NameKeyCache()
    rng = random.Random(5)
    pool = DEMO_SURNAMES + GIVEN_F + GIVEN_M
    names = [
        rng.choice(DEMO_SURNAMES + "曾单解区万长") + "".join(rng.choice(pool) for _ in range(rng.randint(0, 3)))
        for _ in range(3000)
    ]
    names += list(COMPOUND_SURNAMES) + [
        "万俟卨",
        "尉迟恭",
        "长孙无忌",
        "长江",
        "Alice Wang",
        "王 芳",
        "",
        "=1+1",
        "·",
        "🌸小美",
        "李A2",
        "曾",
    ]
    for n in names:
        assert fast.sort_key(n) == sort_key(n), n
        assert fast(n) == name_keys(n) == set(fast.key_list(n)), n

    @settings(max_examples=300, deadline=None)
    @given(
        st.text(
            alphabet=st.sampled_from(list("万俟尉迟长孙曾单张 aZ9·-") + ["🌸", "\u3000"]) | st.characters(), max_size=6
        )
    )
    def any_text(n):
        keys = NameKeyCache()
        assert keys.sort_key(n) == sort_key(n)
        assert keys(n) == name_keys(n) == set(keys.key_list(n))

    any_text()


def test_pinyin_readings_without_importing_pypinyin_equal_pypinyins_own():
    """readings() reads pypinyin's single-character table itself (no 0.3-0.5 s package import);
    for every character that table knows it gives exactly what pypinyin's NORMAL style gives."""
    from pypinyin import Style, pinyin

    from shopcrm.core import pinyin_keys as P

    table = P._single_readings()
    assert table is not None and len(table) > 40_000
    for cp in sorted(table):
        ch = chr(cp)
        if not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0002ffff"):
            continue  # outside the ranges readings() treats as Chinese
        found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        assert P.readings.__wrapped__(ch) == tuple(
            dict.fromkeys(r for r in (found[0] if found else []) if r.isalpha())
        ), hex(cp)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from shopcrm.core.pinyin_keys import name_keys; "
            "assert name_keys('曾伟') >= {'zengwei', 'cw'}; print('pypinyin' in sys.modules)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_the_import_commits_only_after_its_backup_is_on_disk(db, tmp_path, monkeypatch):
    from shopcrm import backup
    from shopcrm.store.db import raw_connection

    seen = []

    class Pending:  # what backup.before_operation returns: the copy made, its fsync pending
        def __init__(self, fail):
            self.fail = fail

        def wait_durable(self):
            con = raw_connection()
            seen.append((con.in_transaction, con.execute("SELECT count(*) FROM customer").fetchone()[0]))
            if self.fail:
                raise backup.BackupError("磁盘已满")

    asked = []
    monkeypatch.setattr(
        backup, "before_operation", lambda kind, **kw: asked.append((kind, kw)) or Pending(fail=len(asked) == 1)
    )
    path = member_csv(tmp_path / "会员.csv", 1200)
    with pytest.raises(backup.BackupError, match="磁盘已满"):
        X.run(path, X.ImportOptions(today=TODAY))
    # asked for a deferred fsync, waited for it inside the import's transaction after writing…
    assert asked == [("import", {"defer_durable": True})] and seen == [(True, 1200)]
    # …and a backup that did not reach the disk means no import
    assert C.count(C.CustomerQuery()) == 0 and X.history() == []
    rep = X.run(path, X.ImportOptions(today=TODAY))
    assert rep.imported == 1200 and seen[-1] == (True, 1200) and C.count(C.CustomerQuery()) == 1200


def test_a_large_import_from_the_command_line_leaves_one_whole_file(tmp_path):
    # the import commits without the automatic checkpoint (db.checkpoint_deferred); the
    # background checkpoint and the closing connection still leave no WAL behind
    path = member_csv(tmp_path / "会员.csv", 1500)
    db_file = tmp_path / "shop.db"
    out = subprocess.run(
        [sys.executable, "-m", "shopcrm", "import", str(path), "--db", str(db_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert not Path(f"{db_file}-wal").exists()
    file_only = sqlite3.connect(f"file:{db_file}?immutable=1", uri=True)
    try:
        assert file_only.execute("SELECT count(*) FROM customer").fetchone()[0] == 1500
        assert file_only.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        file_only.close()


@pytest.mark.parametrize("cancel_at", ["first_chunk", "before_commit"])
def test_a_bulk_import_on_either_engine_is_all_or_nothing(db, tmp_path, cancel_at):
    """A cancelled bulk import leaves every row and index as it was; the same import run to the
    end adds the customers, their keys and ledger, and the next customer's id follows theirs."""
    from shopcrm.store.db import check_integrity

    seed()
    report = X.plan(X.read_sheet(member_csv(tmp_path / "m.csv", 3000)), X.ImportOptions(today=TODAY))
    assert report.imported == 3000 and X.bulk_load_wanted(3000, 40)
    before = db_contents()

    def progress(done, total):
        return done < 1000 if cancel_at == "first_chunk" else done < total

    with pytest.raises(Cancelled):
        X.apply_plan(report, progress=progress)
    assert db_contents() == before and X.history() == []
    report = X.run(member_csv(tmp_path / "m.csv", 3000), X.ImportOptions(today=TODAY))
    assert report.imported == 3000 and C.count(C.CustomerQuery()) == 3040
    assert db_contents()["indexes"] == before["indexes"]
    assert ledger.verify() == [] and check_integrity() is None
    assert C.count(C.CustomerQuery(text="00002999")) == 1
    newest = C.create(C.CustomerInput(name="后来", mobile="13500000000"))
    assert newest.id == max(r.customer_id for r in report.rows if r.customer_id) + 1


def test_a_bulk_import_never_commits_an_orphan_on_either_engine(db, tmp_path, monkeypatch):
    """SQLite writes the rows without foreign-key look-ups and proves them before the commit;
    PostgreSQL checks every row as it is written: a ledger row that points nowhere undoes it all."""
    seed()
    report = X.plan(X.read_sheet(member_csv(tmp_path / "m.csv", 3000)), X.ImportOptions(today=TODAY))
    _write_an_orphan_too(monkeypatch)
    before = db_contents()
    with pytest.raises(Exception, match=r"without its parent|foreign key"):
        X.apply_plan(report)
    assert db_contents() == before
