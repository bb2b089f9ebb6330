"""No escape from the tracer (issue 19, item 6).

tests/untraced listens on the lab's port, then tries clone() with
CLONE_UNTRACED (a child ptrace would not follow, which outlived sockstep
holding the socket) and clone3() with the same flag, then forks and
starts a thread the ordinary way.  Under sockstep the first must fail
with EPERM, the second with ENOSYS, the others work; and once sockstep
has exited, no process of the program is left (ps) and nothing listens
on the port (ss).
"""
import os
import subprocess
import time
from sslib import *

T = os.path.dirname(os.path.abspath(os.environ["STUDENT_NOLISTEN"]))
PROG = os.path.join(T, "untraced")


def left_running():
    """[(pid, args)] of untraced processes that ps shows alive."""
    out = subprocess.run(["ps", "-eo", "pid=,stat=,args="], capture_output=True,
                         text=True, timeout=10).stdout
    rows = [l.split(None, 2) for l in out.splitlines() if l.strip()]
    return [(int(r[0]), r[2]) for r in rows
            if len(r) == 3 and r[2].startswith(PROG) and not r[1].startswith("Z")]


def none_left(port, what, timeout=5.0):
    """Bounded wait: a killed process takes a moment to be reaped."""
    end = time.monotonic() + timeout
    while left_running() and time.monotonic() < end:
        time.sleep(0.05)
    left = left_running()
    check(not left, f"{what}: left running after sockstep exited: {left}")
    if port is not None:
        check(not ss(["-ltn", f"sport = :{port}"]),
              f"{what}: something still listens on {port}")
    for pid, _ in left:     # an escaped child would sleep 30 s
        try:
            os.kill(pid, 9)
        except OSError:
            pass


check(not left_running(), f"harness: untraced already running: {left_running()}")

# --net host: an escaped child would listen where this test's ss looks
# (in a lab network it would keep the namespace alive out of ss's sight;
# ps above still catches it there).
rc, out, err = run(["run", "--server", PROG + " {port}", "--batch", "--json",
                    "--port", "0", "--net", "host"], timeout=60)
evs = events(out)
said = output_lines(evs, "server")
check(rc == 0, f"exit {rc}: {err}")
check("clone=-1 errno=EPERM" in said, f"clone(CLONE_UNTRACED) refused: {said}")
check("clone3=-1 errno=ENOSYS" in said, f"clone3() refused: {said}")
check("fork=ok status=7" in said, f"fork still works: {said}")
check("thread=ok" in said, f"threads still work (clone3 falls back): {said}")
check(not any(l.startswith("escaped") for l in said), f"no child escaped: {said}")
check(exits(evs).get("server") == 0, f"exit status: {exits(evs)}")
no_leftovers(evs, "untraced")
none_left(ready_port(evs), "untraced")

# The same clone through the i386 entry (int $0x80).  A kernel without
# 32-bit emulation kills the program with SIGSEGV instead: also no escape.
rc, out, err = run(["run", "--server", PROG + " {port} int80", "--batch",
                    "--json", "--port", "0", "--net", "host"], timeout=60)
evs = events(out)
said = output_lines(evs, "server")
ex = [e for e in evs if e.get("event") == "exit" and e.get("side") == "server"]
check(rc == 0, f"int80: exit {rc}: {err}")
check("clone_int80=-1 errno=EPERM" in said or "clone_int80: not x86_64" in said or
      (ex and ex[0].get("text") == "killed by SIGSEGV"),
      f"int80: refused, or no 32-bit entry at all: {said} {ex}")
check(not any(l.startswith("escaped") or "runs untraced" in l for l in said),
      f"int80: no child escaped: {said}")
none_left(ready_port(evs), "untraced int80")
finish()
