"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, a server that listens
on a Unix socket in that folder only (no TCP port), one fresh database per test.

PostgreSQL refuses to run as root; as root the cluster belongs to the ``postgres`` user (or
``nobody``) and is started through ``runuser``. The binaries come from ``pg_config --bindir``,
Debian's /usr/lib/postgresql/*/bin, or PATH; without them the PostgreSQL tests are skipped with the
reason printed (``make test`` installs Debian's ``postgresql`` first)."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live, or None when PostgreSQL's server binaries are not installed."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            candidates.append(Path(out.stdout.strip()))
    # the newest Debian version first
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                    if Path(p).parent.name.isdigit() else 0, reverse=True)
    candidates += [Path(p) for p in debian]
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb") or "").resolve().parent)
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file() and (c / "postgres").is_file():
            return c
    return None


def _owner() -> str | None:
    """The user the cluster runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


class Cluster:
    """A running throwaway server; ``database()`` gives the URL of a new empty database."""

    def __init__(self, bindir: Path, root: Path, user: str | None) -> None:
        self.bindir, self.root, self.user = bindir, root, user
        self.data = root / "data"
        self.socket = root
        self._names = itertools.count(1)

    def _run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        full = [*(["runuser", "-u", self.user, "--"] if self.user else []), *cmd]
        return subprocess.run(full, capture_output=True, text=True, check=True, cwd=self.root)

    def start(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "--auth=trust", "--encoding=UTF8",
                  "--locale=C", "-U", "postgres")
        opts = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket}' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                  "-t", "60", "-o", opts, "start")

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@/{dbname}?host={self.socket}"

    def database(self, prefix: str = "t") -> str:
        import psycopg

        name = f"{prefix}{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)


@contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a cluster, yield it, stop it and remove its folder."""
    bindir = pg_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    user = _owner()
    root = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    c = Cluster(bindir, root, user)
    try:
        c.start()
        yield c
    finally:
        c.stop()
        shutil.rmtree(root, ignore_errors=True)
