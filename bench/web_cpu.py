"""Where the machine's CPU went during a run: the server's processes, PostgreSQL's, and the load generator's own.

Read from /proc (Linux): utime + stime of each process, in clock ticks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSnapshot:
    server: float  # seconds of CPU used so far by the gunicorn master and its workers
    database: float  # by every postgres process
    generator: float  # by this process (the simulated users)


def snapshot(server_pid: int) -> CpuSnapshot:
    server = database = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue  # the process ended while we looked
        seconds = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
        if int(entry.name) == server_pid or int(fields[1]) == server_pid:  # the master or one of its workers
            server += seconds
        elif name.startswith("postgres"):
            database += seconds
    own = os.times()
    return CpuSnapshot(server, database, own.user + own.system)


def describe(before: CpuSnapshot, after: CpuSnapshot, seconds: float) -> str:
    cores = os.cpu_count() or 1
    used = {"web server": after.server - before.server, "PostgreSQL": after.database - before.database,
            "load generator": after.generator - before.generator}
    parts = ", ".join(f"{name} {value:.1f}s" for name, value in used.items())
    return (f"CPU over {seconds:.0f}s on {cores} cores ({cores * seconds:.0f} core-seconds): {parts}; "
            f"busy {sum(used.values()) / (cores * seconds):.0%}")
