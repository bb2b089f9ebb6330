"""b and f in the TUI, driven for real in tmux: after each step of
lesson 1, b (restart, replay all but the last step out of sight) must
land on the same side states, socket states and accept-queue depth as
reaching that step forwards; f walks the same path forward again; the
--record file follows the path; `sockstep replay FILE --delay MS` plays
it back alone.  Skips (77) without tmux."""
import os
import re
import shlex
import time

from sslib import SOCKSTEP, check, finish, run
import tuilib
from tuilib import TMP, screen, tmux

STEPS = "s s s c c s s s s c c".split()     # lesson 1's guided order
WAIT = float(os.environ.get("BACK_WAIT", "8"))


def start(name, args):
    # Progress goes to a scratch state dir, never the user's own.
    cmd = (f"cd {shlex.quote(TMP)}; env {tuilib.ENV} LANG=C.UTF-8 "
           f"XDG_STATE_HOME={shlex.quote(os.path.join(TMP, 'state'))} "
           f"{shlex.quote(SOCKSTEP)} {args}; echo sockstep-exit=$?; "
           f"sleep 300")
    tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", name, cmd)


def wait(name, pred, what, timeout=WAIT):
    return tuilib.wait(name, pred, what, timeout)


def at_step(k):
    """The title's guided counter after k steps taken."""
    if k >= len(STEPS):
        return lambda s: "guided order done" in s.split("\n")[0]
    return lambda s: f"guided step {k + 1}/{len(STEPS)}" in s.split("\n")[0]


def state(text):
    """Side states, the kernel's sockets (state, owner) and the queue."""
    ls = text.split("\n")
    sides = tuple(p.strip() for p in ls[3].split("│")) if "│" in ls[3] \
        else (ls[3].strip(),)
    k0 = next((i for i, l in enumerate(ls) if l.startswith("─ KERNEL")), 0)
    k1 = next((i for i, l in enumerate(ls) if l.startswith("─ TIMELINE")),
              len(ls))
    socks = sorted(" ".join(l.split()[:3]) for l in ls[k0 + 1:k1]
                   if re.match(r"\s[A-Z][A-Z-]+\s", l))
    q = re.findall(r"accept queue \S* ?(\d+/\d+)", "\n".join(ls[k0:k1]))
    return sides, tuple(socks), tuple(q)


def settled(name, k):
    """Wait for step k, then until two captures agree (the kernel view
    is re-read while anything moves)."""
    wait(name, at_step(k), f"at step {k}")
    last, end = None, time.monotonic() + WAIT
    while time.monotonic() < end:
        s = state(screen(name))
        if s == last:
            return s
        last = s
        time.sleep(0.15)
    return last


def test_back_and_forward():
    name = "back"
    rec = os.path.join(TMP, "walk.rec")
    start(name, f"lesson 1 --port 0 --record {shlex.quote(rec)}")
    fwd = [settled(name, 0)]
    for k, key in enumerate(STEPS, 1):
        tmux("send-keys", "-t", name, key)
        fwd.append(settled(name, k))
    check(fwd[5][2] == ("1/5",), f"forward: queue 1/5 after step 5: {fwd[5]}")
    check(fwd[6][2] == ("0/5",), f"forward: queue 0/5 after step 6: {fwd[6]}")
    check(len(set(fwd)) > 8, "the steps change what is on screen")
    for k in range(len(STEPS) - 1, -1, -1):
        tmux("send-keys", "-t", name, "b")
        wait(name, lambda s, k=k: f"replayed {k} step" in s,
             f"b to step {k} says replayed")
        got = settled(name, k)
        check(got == fwd[k], f"b to step {k}: {got}\n  forward was {fwd[k]}")
    tmux("send-keys", "-t", name, "b")
    wait(name, lambda s: "nothing to go back to" in s, "b at the start")
    for k in range(1, len(STEPS) + 1):
        tmux("send-keys", "-t", name, "f")
        got = settled(name, k)
        check(got == fwd[k], f"f to step {k}: {got}\n  forward was {fwd[k]}")
    tmux("send-keys", "-t", name, "f")
    wait(name, lambda s: "nothing ahead" in s, "f at the end of the path")
    # Back twice, then a different step: the path forks, f has nothing.
    tmux("send-keys", "-t", name, "b")
    wait(name, lambda s: "replayed 10 step" in s, "b once more")
    tmux("send-keys", "-t", name, "q")
    wait(name, lambda s: "sockstep-exit=0" in s, "q quits")
    with open(rec) as f:
        steps = [l.split(" ", 1)[1].split() for l in f.read().splitlines()
                 if l.startswith("steps ")]
    check(steps == [STEPS[:10]], f"the record holds the path to where the "
          f"lab was: {steps}")
    return fwd


def test_replay(fwd):
    rec = os.path.join(TMP, "all.rec")
    with open(rec, "w") as f:
        f.write("lesson 01-hello\nsteps " + " ".join(STEPS) + "\n")
    name = "replay"
    start(name, f"replay {shlex.quote(rec)} --port 0 --delay 150")
    got = settled(name, len(STEPS))
    check(got == fwd[-1], f"replay --delay ends where the forward walk "
          f"did: {got}\n  forward was {fwd[-1]}")
    wait(name, lambda s: "replay done" in s, "the replay says it is done")
    tmux("send-keys", "-t", name, "q")
    wait(name, lambda s: "sockstep-exit=0" in s, "q quits the replay")
    rc, out, err = run(["batch", "--replay", rec, "--port", "0"])
    check(rc == 0 and "checks failed" not in err,
          f"the same file replays in batch: {rc} {err}")


try:
    fwd = test_back_and_forward()
    test_replay(fwd)
finally:
    tuilib.cleanup()
finish()
