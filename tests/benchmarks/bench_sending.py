"""The sending layer's own cost per message (issue #15), on a 2,000-customer demo database.

    python tests/benchmarks/bench_sending.py

- queue: consent check, address, the claim of the idempotency key (one commit per message);
- deliver through the copy channel: the claim queued→sending and the result (two commits per
  message), no network: the outbox's overhead;
- deliver through Alibaba Cloud SMS against a local server that checks every signature
  (tests/campaigns/fake_providers.py): signing + one HTTP exchange on 127.0.0.1 on top.
The floor is one fsync'd commit of a one-row insert on the same file with the same pragmas: a
message needs at least three such commits (queue, claim, result) to be never sent twice.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaigns"))

from _common import demo_db

N = 500


def main() -> None:
    from fake_providers import FakeAliyun, FakeTimer

    import shopcrm.backup  # noqa: F401  (pre-migration backup hook)
    from shopcrm.campaigns import outbox
    from shopcrm.campaigns.channels.aliyun import AliyunSms
    from shopcrm.campaigns.channels.offline import CopyChannel
    from shopcrm.core import clock
    from shopcrm.store.db import PRAGMAS, database, open_database

    clock.set_now("2026-11-22T10:00:00")
    path = demo_db(customers=2_000, purchases=2_000)
    open_database(path)
    ids = [r[0] for r in database.execute_sql(f"SELECT id FROM customer WHERE deleted_at IS NULL LIMIT {2 * N}")]
    s = outbox.load_settings()
    for ch in ("sms", "copy"):
        s[ch]["per_second"] = s[ch]["per_minute"] = 0  # the cost, not the limit

    t0 = time.perf_counter()
    for cid in ids[:N]:
        outbox.queue(cid, "copy", purpose="service", text="您好", idempotency_key=f"bench-copy:{cid}")
    queue_ms = (time.perf_counter() - t0) * 1000 / N
    t0 = time.perf_counter()
    rep = outbox.deliver({"copy": CopyChannel()}, timer=FakeTimer(), s=s)
    copy_ms = (time.perf_counter() - t0) * 1000 / N
    assert len(rep.sent) == N

    for cid in ids[N:]:
        outbox.queue(cid, "sms", purpose="service", template_id="SMS_1", idempotency_key=f"bench-sms:{cid}")
    with FakeAliyun("k", "s") as server:
        t0 = time.perf_counter()
        rep = outbox.deliver({"sms": AliyunSms("k", "s", sign_name="店", base_url=server.url)}, timer=FakeTimer(), s=s)
        sms_ms = (time.perf_counter() - t0) * 1000 / N
    assert len(rep.sent) == N and server.bad_signatures == 0

    con = sqlite3.connect(path, isolation_level=None)
    for k, v in PRAGMAS.items():
        con.execute(f"PRAGMA {k} = {v}")
    con.execute("CREATE TABLE IF NOT EXISTS bench_floor (x INTEGER)")
    t0 = time.perf_counter()
    for i in range(N):
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO bench_floor VALUES (?)", (i,))
        con.execute("COMMIT")
    floor_ms = (time.perf_counter() - t0) * 1000 / N
    con.close()
    print(f"queue one message            {queue_ms:6.2f} ms   floor (one fsync'd commit) {floor_ms:.2f} ms")
    print(f"deliver via copy (2 commits) {copy_ms:6.2f} ms   floor x2 {2 * floor_ms:.2f} ms")
    print(f"deliver via Aliyun SMS local {sms_ms:6.2f} ms   (signing + HTTP on 127.0.0.1 + 2 commits)")


if __name__ == "__main__":
    main()
