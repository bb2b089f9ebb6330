"""Hundreds of tasks on the screen (issue 15, bad input): a client of 200
threads, then one of 200 forked children (tests/manytasks.c), against
a thread-per-connection server that starts a thread for each of them.
At 80x24 in tmux the screen stays usable: the columns fold the tasks
into a count, keys answer (t/T choose a task, ? opens the help), and q
ends sockstep with no process of the lab left.  Every wait is bounded;
nothing here depends on the machine's speed."""
import os
import socket
import subprocess

from sslib import *
import tuilib
from tuilib import tmux, wait

T = os.path.dirname(os.path.abspath(os.environ["STUDENT_NOLISTEN"]))
THREADSRV = os.path.join(T, "threadsrv")
MANY = os.path.join(T, "manytasks")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def left(prog, port):
    """Live processes running prog with port in their arguments."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            exe = os.readlink(f"/proc/{d}/exe")
            with open(f"/proc/{d}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if exe == prog and str(port).encode() in argv and alive(int(d)):
            found.append(int(d))
    return found


try:
    for mode in ("threads", "children"):
        port = free_port()
        name = mode
        tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24",
             f"{tuilib.ENV} LANG=C.UTF-8 {SOCKSTEP} run --server "
             f"'{THREADSRV} {{port}}' --client '{MANY} {mode} 200 {port}' "
             f"--port {port}; echo EXIT $?; sleep 60")
        wait(name, lambda t: "q quit" in t, f"{mode}: screen up", timeout=90)
        tmux("send-keys", "-t", name, "S")
        wait(name, lambda t: "BLOCKED in accept" in t,
             f"{mode}: server blocked in accept", timeout=90)
        tmux("send-keys", "-t", name, "C")
        # The client's 200 tasks started and ran to their blocks: its
        # column folds them into a count.
        text = wait(name, lambda t: "more" in t.splitlines()[4]
                    and "tasks" in t.splitlines()[4] and
                    "q quit" in t.splitlines()[-1],
                    f"{mode}: the tasks folded into a count", timeout=90)
        row = text.splitlines()[4]
        right = row.split("│")[1] if "│" in row else row
        n = [int(w[1:]) for w in right.split() if w.startswith("+") and
             w[1:].isdigit()]
        check(n and 150 <= n[0] <= 201,
              f"{mode}: the count of tasks left out: {right!r}")
        check(all(len(l) <= 80 for l in text.splitlines()),
              f"{mode}: nothing drawn past 80 columns")
        # Keys still answer.
        # Live tasks in turn: 1, then 2.
        tmux("send-keys", "-t", name, "T")
        wait(name, lambda t: "c steps client (T" in t,
             f"{mode}: T chooses the client's task 1", timeout=20)
        tmux("send-keys", "-t", name, "T")
        wait(name, lambda t: "c steps client.2 (T" in t,
             f"{mode}: T again chooses task 2", timeout=20)
        tmux("send-keys", "-t", name, "?")
        wait(name, lambda t: "sockstep help" in t and "t / T" in t,
             f"{mode}: the help opens and names t / T", timeout=20)
        tmux("send-keys", "-t", name, "Escape")
        wait(name, lambda t: "sockstep help" not in t,
             f"{mode}: the help closes", timeout=20)
        tmux("send-keys", "-t", name, "q")
        wait(name, lambda t: "EXIT 0" in t, f"{mode}: q ends sockstep",
             timeout=90)
        gone = wait_for(lambda: not left(MANY, port) and
                        not left(THREADSRV, port), timeout=10)
        check(gone, f"{mode}: left after q: {left(MANY, port)} "
              f"{left(THREADSRV, port)}")
        tmux("kill-session", "-t", name)
finally:
    tuilib.cleanup()
finish()
