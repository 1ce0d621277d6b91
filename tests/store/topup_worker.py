"""One counter of the PostgreSQL concurrency test (tests/store/test_engines.py): tops up random
customers of the shared database until its time is up, and prints how many top-ups were
acknowledged (committed) as JSON. Run as ``python topup_worker.py URL SECONDS SEED ID…``."""

from __future__ import annotations

import json
import random
import sys
import time

import shopcrm.backup  # noqa: F401  # as the command line does at start-up
from shopcrm.sales import counter
from shopcrm.store.db import close_database, open_database


def main(url: str, seconds: float, seed: int, ids: list[int]) -> None:
    open_database(url)
    rng = random.Random(seed)
    done, total = 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cents = rng.randrange(1, 50_000)
        counter.topup(rng.choice(ids), cents, "cash")
        done += 1
        total += cents
    close_database()
    print(json.dumps({"acknowledged": done, "cents": total}))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), [int(a) for a in sys.argv[4:]])
