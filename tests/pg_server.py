"""A throw-away PostgreSQL server for the tests (issue #18): initdb into a temporary folder, pg_ctl
on a free port of 127.0.0.1 with its socket in that folder, stopped at the end of the session.

As root the server runs as the unprivileged ``postgres`` user (``runuser``), as anyone else as that
user. The binaries are found in ``$SHOPCRM_PG_BIN``, /usr/lib/postgresql/<newest>/bin or the PATH;
``.ci/run`` installs Debian's package when they are missing. A server that cannot start is an
error with its reason (never a skip): the PostgreSQL half of the suite must run in CI.

Each test gets a database of its own: ``CREATE DATABASE … TEMPLATE`` copies an empty one, or one
that already holds the current ShopCRM schema (a file copy on the server, a few ms)."""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2

SCHEMA_TEMPLATE = "shopcrm_template"


class ServerError(RuntimeError):
    pass


def bin_dir() -> Path:
    env = os.environ.get("SHOPCRM_PG_BIN")
    if env:
        return Path(env)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServerError(
        "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH, "
        "SHOPCRM_PG_BIN unset): install them with `apt-get install -y postgresql` (.ci/run does)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self) -> None:
        self.bin = bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="shopcrm-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self.start_seconds = 0.0
        self._names = itertools.count(1)
        self._as: list[str] = []
        if os.geteuid() == 0:  # the server refuses to run as root
            shutil.chown(self.root, "postgres", "postgres")
            runuser = shutil.which("runuser") or next(
                (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), None
            )  # /usr/sbin is not on every PATH
            if runuser is None:
                raise ServerError("running as root and no runuser to start PostgreSQL as the postgres user")
            self._as = [runuser, "-u", "postgres", "--"]
        self.user = "postgres"

    def _run(self, *args: str, timeout: float = 120) -> None:
        cmd = [*self._as, *args]
        # the server is not our code: .ci/faketime-suite's moved clock (LD_PRELOAD) stays out of it
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise ServerError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr or done.stdout}\n{log}")

    def start(self) -> PgServer:
        began = time.perf_counter()
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user,
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        for attempt in range(3):
            self.port = _free_port()
            try:
                self.resume()
                break
            except ServerError:
                if attempt == 2:
                    raise
        self.start_seconds = time.perf_counter() - began
        return self

    def halt(self) -> None:
        """Stop the server as an administrator would (``pg_ctl stop -m fast``: clients are
        disconnected, open transactions rolled back), keeping its data for :meth:`resume`."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)

    def resume(self) -> None:
        """Start the server (again, after :meth:`halt`) on ``self.port``."""
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60",
            "start",
        )  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self):
        con = psycopg2.connect(self.url())
        con.autocommit = True
        return con

    def new_database(self, template: str = "template0") -> str:
        """A new, empty (template0) or schema-holding (SCHEMA_TEMPLATE) database's URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        con = self.admin()
        try:
            con.cursor().execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            con.close()
        return self.url(name)

    def make_schema_template(self, create_schema) -> None:
        """``create_schema(url)`` fills a fresh database, which then serves as the template."""
        con = self.admin()
        try:
            con.cursor().execute(f'CREATE DATABASE "{SCHEMA_TEMPLATE}" TEMPLATE template0')
        finally:
            con.close()
        create_schema(self.url(SCHEMA_TEMPLATE))

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)
