"""b and f across a restart step (issue 18 §6), on the real screen in
tmux: lesson 9 is walked forward with space past s!book (the book's
server started again) and its failing bind() (the question answered);
then b goes back before the bind, before the restart and before it
again, each time landing on the side states and kernel sockets that
the forward walk showed (the TIME-WAIT held by no process included),
and f takes the restart again: a new server process, paused before
socket().  Skips (77) without tmux."""
import os
import re
import shlex
import time

from sslib import SOCKSTEP, check, finish
import tuilib
from tuilib import TMP, screen, tmux

NSTEPS = 23
WAIT = float(os.environ.get("BACK_WAIT", "8"))


def start(name, args):
    cmd = (f"cd {shlex.quote(TMP)}; env {tuilib.ENV} LANG=C.UTF-8 "
           f"XDG_STATE_HOME={shlex.quote(os.path.join(TMP, 'state'))} "
           f"{shlex.quote(SOCKSTEP)} {args}; echo sockstep-exit=$?; "
           f"sleep 300")
    tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", name, cmd)


def wait(name, pred, what, timeout=WAIT):
    return tuilib.wait(name, pred, what, timeout)


def at_step(k):
    return lambda s: f"guided step {k + 1}/{NSTEPS}" in s.split("\n")[0]


def state(text):
    """Side states and the kernel's sockets (state, owner): no ports or
    pids, which a restart of the lab changes."""
    ls = text.split("\n")
    sides = tuple(p.strip() for p in ls[3].split("│")) if "│" in ls[3] \
        else (ls[3].strip(),)
    k0 = next((i for i, l in enumerate(ls) if l.startswith("─ KERNEL")), 0)
    k1 = next((i for i, l in enumerate(ls) if l.startswith("─ TIMELINE")),
              len(ls))
    socks = sorted(" ".join(l.split()[:3]) for l in ls[k0 + 1:k1]
                   if re.match(r"\s[A-Z][A-Z-]+\s", l))
    return sides, tuple(socks)


def server_pid(text):
    m = re.search(r"SERVER\s+pid (\d+)", text)
    return int(m.group(1)) if m else None


def settled(name, k):
    """At step k, until two captures agree."""
    wait(name, at_step(k), f"at step {k}")
    last, end = None, time.monotonic() + WAIT
    while time.monotonic() < end:
        text = screen(name)
        s = state(text)
        if s == last:
            return s, text
        last = s
        time.sleep(0.15)
    return last, screen(name)


def test_back_over_restart():
    name = "restart"
    start(name, "lesson 9 --port 0 --lang en")
    fwd = {}
    settled(name, 0)
    for k in range(1, 15):
        tmux("send-keys", "-t", name, "Space")
        fwd[k], text = settled(name, k)
    pid13 = server_pid(text)
    check("TIME-WAIT no process" in fwd[12][1] and
          fwd[12][0] == ("exited (0)", "exited (0)"),
          f"after step 12 both exited, the kernel shows the TIME-WAIT: "
          f"{fwd[12]}")
    check(fwd[13][0][0] == "paused before socket()" and
          "TIME-WAIT no process" in fwd[13][1],
          f"step 13 (s!book): the server again, before socket(): {fwd[13]}")
    # Step 15 has a question: space asks it, 2 answers and runs it.
    tmux("send-keys", "-t", name, "Space")
    wait(name, lambda s: "What happens?" in s, "the question before bind()")
    tmux("send-keys", "-t", name, "2")
    wait(name, lambda s: "Right." in s, "the answer is right")
    tmux("send-keys", "-t", name, "Escape")
    fwd[15], text = settled(name, 15)
    check(fwd[15][0][0] == "exited (1)",
          f"the book's server exited after bind(): {fwd[15]}")
    for k in (14, 13, 12):
        tmux("send-keys", "-t", name, "b")
        wait(name, lambda s, k=k: f"replayed {k} step" in s,
             f"b to step {k} says replayed")
        got, text = settled(name, k)
        check(got == fwd[k], f"b to step {k}: {got}\n  forward was {fwd[k]}")
    pid12 = server_pid(text)
    tmux("send-keys", "-t", name, "f")
    got, text = settled(name, 13)
    check(got == fwd[13], f"f takes the restart again: {got}\n  forward "
          f"was {fwd[13]}")
    check(server_pid(text) not in (None, pid12, pid13),
          f"a new server process: {server_pid(text)} (before {pid12})")
    tmux("send-keys", "-t", name, "q")
    wait(name, lambda s: "sockstep-exit=0" in s, "q quits")


try:
    test_back_over_restart()
finally:
    tuilib.cleanup()
finish()
