"""Every task of a program steps and is shown (issue 15 §1, §2, §4).

Programs in the book's style (tests/forkecho.c, tests/threadsrv.c,
tests/echoclient.c), each checked against witnesses other than
sockstep:
  - a fork-per-connection echo server: every child pauses and is named
    (server.2, server.3), its read/write counts match `strace -f` on the
    same programs, the listening socket it inherited is listed with both
    holders exactly when `ss -p` lists both processes, and one child can
    be stepped alone (s.2);
  - a thread-per-connection echo server: the thread's calls are in the
    transcript (counts as strace -f), its accepted connection is held by
    the server (ss -p names the server's pid), "blocked" names the
    thread's task (its tid, as /proc says it sleeps in read);
  - a client started through `sh -c`: its program does not connect
    before the server listens, in batch alone and with s+ c+;
  - step tokens naming tasks: s.2, s.2@read, c+ on a running side,
    and the errors for a task that does not exist.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from sslib import *

T = os.path.dirname(os.path.abspath(os.environ["STUDENT_NOLISTEN"]))
FORKECHO = os.path.join(T, "forkecho")
THREADSRV = os.path.join(T, "threadsrv")
ECHOCLIENT = os.path.join(T, "echoclient")
STRACE = shutil.which("strace")
MSGS = ["hi", "there"]
tmp = tempfile.mkdtemp(prefix="sockstep-tasks-")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Run(Interactive):
    """sockstep run --batch --json --steps - (a SPEC a line), on the
    host's network: ss -p here sees what the lab's programs hold."""

    def __init__(self, args):
        self.p = subprocess.Popen([SOCKSTEP, "run", "--batch", "--json",
                                   "--net", "host", "--steps", "-"] + args,
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.events = []
        self.read_until_ready()


def data_calls(evs):
    """{task name: [(call, ret)]} of the server's reads and writes."""
    out = {}
    for e in evs:
        if e.get("side") == "server" and e.get("event") == "return" and \
                e["call"] in ("read", "write"):
            out.setdefault(e["task_name"], []).append((e["call"], e["ret"]))
    return out


STRACE_RW = re.compile(r"^(\d+) +(read|write)\((\d+)<TCP(?:v6)?:\[.*?\]>.*\) += (-?\d+)")


def strace_data_calls(path):
    """{tid: [(call, ret)]}: reads and writes on TCP sockets."""
    out = {}
    for line in strace_lines(path):
        m = STRACE_RW.match(line)
        if m:
            out.setdefault(m.group(1), []).append((m.group(2), int(m.group(4))))
    return out


def strace_server(server_argv, nclients, done):
    """The server under strace -f, the clients run (untraced) one after
    another once it listens; done(log) says when the server served
    them.  Returns the log's path."""
    port = free_port()
    log = os.path.join(tmp, os.path.basename(server_argv[0]) + ".st")
    p = subprocess.Popen([STRACE, "-f", "-qq", "-yy", "-e", "signal=none",
                          "-e", "trace=read,write,accept,close", "-o", log]
                         + server_argv + [str(port)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        check(wait_for(lambda: ss_listener(port) is not None, timeout=30),
              f"{server_argv[0]} under strace listens")
        for _ in range(nclients):
            c = subprocess.run([ECHOCLIENT, "127.0.0.1", str(port)] + MSGS,
                               capture_output=True, text=True, timeout=30)
            check(c.returncode == 0, f"client of the strace run: {c.stdout}")
        check(wait_for(lambda: done(log), timeout=30),
              f"{server_argv[0]} under strace served its clients")
    finally:
        # Killing strace would leave its tracee running: the server
        # (the log's first pid) is ended, and strace ends with it.
        first = None
        for line in open(log) if os.path.exists(log) else []:
            first = int(line.split()[0])
            break
        if first is not None:
            try:    # it may have ended by itself since
                os.kill(first, 9)
            except ProcessLookupError:
                pass
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=30)
    return log


def shape(per_task):
    """The calls of each task, the tasks in a fixed order: what must be
    the same whoever traced them (tids and names differ)."""
    return sorted(tuple(v) for v in per_task.values())


def ss_users(port):
    """pids ss -ltnp lists as holding the listener on port."""
    rows = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"],
                          capture_output=True, text=True).stdout
    return sorted(int(p) for p in re.findall(r"pid=(\d+)", rows))


def ss_conn_users(port):
    """pids ss -tnp lists for the established connections to port."""
    rows = subprocess.run(["ss", "-Htnp", "state", "established",
                           f"sport = :{port}"], capture_output=True,
                          text=True).stdout
    return sorted(int(p) for p in re.findall(r"pid=(\d+)", rows))


def task_state(tid):
    """(state letter, syscall number) of a thread from /proc."""
    with open(f"/proc/{tid}/stat") as f:
        st = f.read()
    with open(f"/proc/{tid}/syscall") as f:
        nr = f.read().split()[0]
    return st[st.rindex(")") + 2], nr


def server_listener(evs):
    k = last_kernel(evs)
    return [s for s in k["sockets"] if s["state"] == "LISTEN"] if k else []


client = f"{ECHOCLIENT} 127.0.0.1 {{port}} " + " ".join(MSGS)

# 1. Fork per connection, in batch: each child is a task, every read and
#    write of them is there, as strace -f sees them.
rc, out, err = run(["run", "--server", FORKECHO + " {port}", "--client",
                    client, "--clients", "2", "--batch", "--json",
                    "--port", "0"], timeout=120)
evs = events(out)
check(rc == 0, f"forkecho: exit {rc}: {err}")
names = {e.get("task_name") for e in evs if e.get("side") == "server"
         and e.get("event") == "return"}
check(names == {"server", "server.2", "server.3"},
      f"forkecho: the parent and two children named: {names}")
for e in evs:
    if e.get("event") in ("call", "return") and e.get("side") == "server":
        check(e.get("task") == e.get("pid") and e.get("task_name"),
              f"every event names its task: {e}")
        break
mine = data_calls(evs)
check(set(mine) == {"server.2", "server.3"},
      f"forkecho: only the children read and write: {mine}")
printed = output_lines(evs, "client") + output_lines(evs, "client2")
check(printed.count("Message from server: hi") == 2 and
      printed.count("Message from server: there") == 2,
      f"forkecho: both clients got their echoes: {printed}")
no_leftovers(evs, "forkecho")
# The parent's close() of a connection its child holds sends no FIN: the
# lab says so, and the kernel's snapshot of that moment still shows the
# connection ESTABLISHED; the child's own close() is the one that ends it.
def conn_states(e, port):
    return [k["state"] for k in e["kernel"]["sockets"]
            if port_of(k.get("local") or ":0") == port]
closes = [e for e in evs if e.get("event") == "return" and
          e.get("side") == "server" and e.get("call") == "close"]
parent = [e for e in closes if e.get("task_name") == "server"]
kids = [e for e in closes if e.get("task_name") in ("server.2", "server.3")]
cports = {port_of(e["local"]) for e in evs if e.get("event") == "return"
          and e.get("call") == "connect" and e.get("ret") == 0}
check(len(parent) >= 2 and all(e.get("still_held_by") in
                               ("server.2", "server.3") for e in parent[:2]),
      f"forkecho: the parent's close()s are held by a child: "
      f"{[(e['args'], e.get('still_held_by')) for e in parent]}")
check(parent and any(st == "ESTABLISHED" for p in cports
                     for st in conn_states(parent[0], p)),
      f"forkecho: after the parent's close the kernel shows the "
      f"connection up: {parent and parent[0]['kernel']['sockets']}")
last = [e for e in kids if e["args"][0] == "4"]
check(len(last) == 2 and not any(e.get("still_held_by") for e in last),
      f"forkecho: each child's close(4) ends the connection: "
      f"{[(e['task_name'], e.get('still_held_by')) for e in last]}")
if STRACE:
    log = strace_server([FORKECHO], 2, lambda log: sum(
        1 for calls in strace_data_calls(log).values()
        for c in calls if c == ("read", 0)) >= 2)
    theirs = strace_data_calls(log)
    check(shape(mine) == shape(theirs),
          f"forkecho: read/write per task as strace -f: sockstep "
          f"{shape(mine)} strace {shape(theirs)}")
    total = sum(len(v) for v in theirs.values())
    check(total == sum(len(v) for v in mine.values()) and total == 10,
          f"forkecho: 10 reads and writes in both: {theirs}")
else:
    print("strace missing: the strace comparisons are skipped")

# 2. Fork per connection, step by step: the listener is held by the
#    parent and the child (as ss -p says) until the child closes it,
#    and the child steps alone.
port = free_port()
r = Run(["--server", FORKECHO + " {port} 1", "--client", client,
         "--port", str(port)])
try:
    r.step("s+")
    r.step("c+")
    lst = server_listener(r.events)
    server_pid = [e["pid"] for e in r.events if e.get("task_name") == "server"][0]
    kids = [e for e in r.events if e.get("task_name") == "server.2"
            and e.get("event") == "call"]
    check(kids and kids[-1]["call"] == "close",
          f"fork: the child paused before its first call: {kids}")
    child_pid = kids[0]["pid"] if kids else None
    check(ss_users(port) == sorted([server_pid, child_pid]),
          f"fork: ss -p lists parent and child on the listener: "
          f"{ss_users(port)} {server_pid} {child_pid}")
    check(lst and sorted(h["pid"] for h in lst[0]["holders"]) ==
          sorted([server_pid, child_pid]) and lst[0]["nholders"] == 2 and
          sorted(h["task_name"] for h in lst[0]["holders"]) ==
          ["server", "server.2"],
          f"fork: the listener lists both holders: {lst}")
    new = r.step("s.2")
    took = [(e["task_name"], e["call"]) for e in new
            if e.get("event") == "return"]
    check(took == [("server.2", "close")],
          f"fork: s.2 took the child's close(), nothing else: {took}")
    lst = server_listener(r.events)
    check(ss_users(port) == [server_pid] and lst and
          [h["pid"] for h in lst[0]["holders"]] == [server_pid],
          f"fork: after the child's close, one holder: ss "
          f"{ss_users(port)}, sockstep {lst}")
    new = r.step("s.2@read")
    took = [(e["task_name"], e["call"], e["ret"]) for e in new
            if e.get("event") == "return"]
    check(took == [("server.2", "read", 2)],
          f"fork: s.2@read took the child's read of 'hi': {took}")
    new = r.step("s")
    took = [(e["task_name"], e["call"]) for e in new
            if e.get("event") == "return"]
    check(took == [("server", "close")],
          f"fork: s stepped the task paused longest (the parent): {took}")
    for bad_step, want in (("s.7", "server has no task 7"),
                           ("s.0", "bad step 's.0'"),
                           ("c.2", "client has no task 2")):
        r.p.stdin.write(bad_step + "\n")
        r.p.stdin.flush()
        rc = r.p.wait(timeout=60)
        errtext = r.p.stderr.read()
        check(rc == 2 and want in errtext and errtext.count("\n") == 1,
              f"{bad_step}: exit {rc}, one line with '{want}': {errtext!r}")
        r = Run(["--server", FORKECHO + " {port} 1", "--client", client,
                 "--port", "0"])
finally:
    r.p.kill()
    r.p.wait(timeout=30)

# 3. Thread per connection: the thread's calls are shown, counted as
#    strace -f counts them; its connection is held by the server; the
#    blocked thread is named.
port = free_port()
r = Run(["--server", THREADSRV + " {port}", "--client",
         f"{ECHOCLIENT} 127.0.0.1 {{port}} " + " ".join(MSGS),
         "--port", str(port)])
try:
    r.step("s+")
    r.step("c+")
    r.step("s+")
    server_pid = [e["pid"] for e in r.events if e.get("task_name") == "server"][0]
    k = last_kernel(r.events)
    conns = [s for s in k["sockets"] if s["state"] == "ESTABLISHED" and
             s["side"] == "server"]
    check(conns and conns[0]["pid"] == server_pid and
          [h["task_name"] for h in conns[0]["holders"]] == ["server"] and
          ss_conn_users(port) == [server_pid],
          f"threads: the accepted connection is held by the server: "
          f"{conns}, ss -p {ss_conn_users(port)}")
    thr = [b for b in k["blocked"] if b.get("task_name") == "server.2"]
    check(thr and thr[0]["call"] == "read" and thr[0]["pid"] != server_pid,
          f"threads: blocked names the thread: {k['blocked']}")
    if thr:
        st, nr = task_state(thr[0]["pid"])
        check(st == "S" and int(nr) == 0,
              f"threads: /proc says the thread sleeps in read: {st} {nr}")
    r.step("all+")
finally:
    r.close() if r.p.poll() is None else None
evs = r.events
mine = data_calls(evs)
check(set(mine) == {"server.2"}, f"threads: the thread reads and writes: {mine}")
no_leftovers(evs, "threadsrv")
if STRACE:
    log = strace_server([THREADSRV], 1, lambda log: any(
        c == ("read", 0) for calls in strace_data_calls(log).values()
        for c in calls))
    theirs = strace_data_calls(log)
    check(shape(mine) == shape(theirs),
          f"threads: read/write per task as strace -f: sockstep "
          f"{shape(mine)} strace {shape(theirs)}")

# 4. A client through sh -c: its program is a task of the client side,
#    paused like the rest; it does not connect before the server
#    listens, in batch alone and with s+ c+ (c+ on a running side waits
#    for it, no error).
port = free_port()
wrapped = f"sh -c '{ECHOCLIENT} 127.0.0.1 {port} hi | cat'"
late = f"sh -c 'sleep 2; {ECHOCLIENT} 127.0.0.1 {port} hi | cat'"
for steps in (None, "s+ c+ s+ c+", "late"):
    if steps == "late":	# c+ while the client side runs (sleeps): waited for
        wrapped, steps = late, "s+ c+ s+ c+"

    args = ["run", "--server", THREADSRV + " {port}", "--client", wrapped,
            "--batch", "--json", "--port", str(port)]
    if steps:
        args += ["--steps", steps]
    rc, out, err = run(args, timeout=120)
    evs = events(out)
    check(rc == 0, f"sh -c ({steps}): exit {rc}: {err}")
    seq = {(e.get("side"), e.get("call")): e["seq"] for e in reversed(evs)
           if e.get("event") == "return"}
    conn = [e for e in evs if e.get("event") == "return" and
            e.get("call") == "connect"]
    check(conn and conn[0]["ret"] == 0 and conn[0]["task_name"] != "client"
          and seq.get(("server", "listen"), 1 << 60) < conn[0]["seq"],
          f"sh -c ({steps}): connect after listen, by the wrapped program: "
          f"{conn}")
    check("Message from server: hi" in output_lines(evs, "client"),
          f"sh -c ({steps}): the echo came back: {output_lines(evs, 'client')}")
    no_leftovers(evs, "sh -c")

shutil.rmtree(tmp, ignore_errors=True)
finish()
