"""Lesson 09 (restarting the server), step by step against ss: the
server closes first, so after both closes ss shows its end of the
connection in TIME-WAIT on the lab's port, held by no process (no
inode), as the kernel view does.  s!book starts the book's server on
the same port as a new process: while ss still shows that TIME-WAIT
and no listener, its bind() of that port returns -1 EADDRINUSE, and
the program's own perror() says so and it exits 1.  s! starts the
lesson's server (SO_REUSEADDR) again: its bind() of the same port
returns 0 and listen() makes a listener ss sees beside the same
TIME-WAIT.  Then the guided order in batch; a restart of a program
that has not exited, or of a program the lesson does not name, is a
one-line error."""
import errno
import os
from sslib import *

LESSON = "09-restart"


def bind_port(ev):
    return port_of(ev["args"][1].strip("{}").split(", ")[1])


def returns(evs, call, side="server"):
    return [e for e in evs if e["event"] == "return" and e["call"] == call
            and e["side"] == side]


def time_wait(port):
    """ss's TIME-WAIT sockets on the port: (local port, peer port, ino)."""
    return [(d["local"], d["peer"], d["ino"]) for d in ss_sockets(port)
            if d["state"] == "TIME-WAIT"]


def kernel_time_wait(evs):
    k = last_kernel(evs) or {}
    return [x for x in k.get("sockets", []) if x["state"] == "TIME-WAIT"]


s = Interactive([LESSON, "--port", "0"])
new = s.step("s@socket s@setsockopt s@bind s@listen")
b1 = returns(new, "bind")
port = bind_port(b1[0]) if b1 else 0
check(len(b1) == 1 and b1[0]["ret"] == 0 and port,
      f"the first server's bind() = 0: {b1}")
first_pid = b1[0]["pid"] if b1 else None
check(ss_listener(port) is not None, f"ss: a listener on {port}")

s.step("c@socket c@connect s@accept s@write s@close s@close")
new = s.step("c@read c@close")
check(exits(s.events) == {"server": 0, "client": 0},
      f"both ended by themselves: {exits(s.events)}")
# The server closed first: its end (local port = the lab's) is the one
# in TIME-WAIT; ss shows no inode, no process can hold it.
tw = wait_for(lambda: time_wait(port))
check(tw and len(tw) == 1 and tw[0][0] == port and not tw[0][2],
      f"ss: the server's end in TIME-WAIT, no inode: {tw}")
peer = tw[0][1] if tw else None
ktw = kernel_time_wait(new)
check(len(ktw) == 1 and ktw[0]["local"] == f"{SERVER_IP}:{port}" and
      ktw[0]["peer"] == f"{CLIENT_IP}:{peer}" and
      ktw[0].get("host") == "server" and ktw[0].get("side") is None,
      f"the kernel view shows that TIME-WAIT, held by no process: {ktw}")
check(ss_listener(port) is None, f"ss: nothing listens on {port} now")

# The book's server, started again on the same port.
new = s.step("s!book")
notes = [e["text"] for e in new if e["event"] == "note"]
check(any(f"'server {port}'" in n and "started again" in n for n in notes),
      f"the restart says what it started, on the same port: {notes}")
call = [e for e in new if e["event"] == "call" and e["side"] == "server"]
check(len(call) == 1 and call[0]["call"] == "socket" and
      call[0]["pid"] != first_pid,
      f"a new process paused before socket(): {call} (first pid {first_pid})")
book_pid = call[0]["pid"] if call else None

new = s.step("s@socket s@bind")
b2 = returns(new, "bind")
check(len(b2) == 1 and b2[0]["ret"] == -1 and b2[0]["errno"] == "EADDRINUSE"
      and b2[0]["pid"] == book_pid,
      f"the book's server's bind() = -1 EADDRINUSE: {b2}")
check(b2 and bind_port(b2[0]) == port,
      f"it asked for the lab's port {port}: {b2 and b2[0]['args']}")
# While it has failed (the lab holds still): the TIME-WAIT is still
# there, the same connection, and nothing listens.
check(time_wait(port) == tw, f"ss: the same TIME-WAIT while bind() failed: "
      f"{time_wait(port)} (was {tw})")
check(ss_listener(port) is None, "ss: no listener after the failed bind()")
want = "bind() error: " + os.strerror(errno.EADDRINUSE)
check(want in output_lines(new, "server"),
      f"the program printed its own error: {output_lines(new, 'server')}")
ex = [e for e in new if e["event"] == "exit" and e["side"] == "server"]
check(len(ex) == 1 and ex[0]["status"] == 1 and ex[0]["pid"] == book_pid,
      f"the book's server exited 1: {ex}")

# The lesson's server (SO_REUSEADDR) again, on the same port.
new = s.step("s! s@socket s@setsockopt s@bind")
b3 = returns(new, "bind")
check(len(b3) == 1 and b3[0]["ret"] == 0 and bind_port(b3[0]) == port and
      b3[0]["pid"] not in (first_pid, book_pid),
      f"the fixed server, a new process, binds {port}: {b3}")
so = returns(new, "setsockopt")
check(len(so) == 1 and "SO_REUSEADDR" in " ".join(so[0]["args"]),
      f"it set SO_REUSEADDR first: {so}")
check(time_wait(port) == tw, f"ss: the TIME-WAIT is still there after "
      f"bind() = 0: {time_wait(port)} (was {tw})")
s.step("s@listen")
check(ss_listener(port) == (0, 5) and time_wait(port) == tw,
      f"ss: a listener on {port} beside the TIME-WAIT: "
      f"{ss_listener(port)} {time_wait(port)}")
new = s.step("c! c@socket c@connect")
con = returns(new, "connect", "client")
check(len(con) == 1 and con[0]["ret"] == 0,
      f"a client started again connects to it: {con}")
rc = s.close()
check(rc == 0, f"sockstep exit {rc}")
no_leftovers(s.events, "lesson 09, step by step")

# The guided order: three servers, one port, binds 0, EADDRINUSE, 0.
rc, evs, err = batch_json([LESSON, "--port", "0"])
checks = [e for e in evs if e["event"] == "check"]
check(rc == 0 and checks and all(e["result"] == "passed" for e in checks),
      f"guided: exit {rc}, checks {[(e['expr'], e['result']) for e in checks]} {err}")
b = returns(evs, "bind")
check([(e["ret"], e["errno"]) for e in b] ==
      [(0, None), (-1, "EADDRINUSE"), (0, None)] and
      len({bind_port(e) for e in b}) == 1 and len({e["pid"] for e in b}) == 3,
      f"guided: three processes bind one port: "
      f"{[(e['pid'], e['args'][1], e['ret'], e['errno']) for e in b]}")
no_leftovers(evs, "lesson 09, guided")

# Only an ended program is started again; only a named program.
bad(["batch", LESSON, "--port", "0", "--steps", "s@socket s!"],
    "server is still running (paused before setsockopt())", "s! before it exited")
bad(["batch", LESSON, "--port", "0", "--steps", "c+ s@socket s!"],
    "still running", "s! of a running server")
rc, out, err = run(["batch", LESSON, "--port", "0", "--steps",
                    "s+ c+ s+ c+ s!nosuch"])
check(rc == 2 and "no program 'nosuch'" in err and err.count("\n") == 1,
      f"s!NAME of no [programs] entry: one line, exit 2: {rc} {err!r}")
bad(["batch", LESSON, "--steps", "s!x@bind"], "after ! comes nothing",
    "a bad program name")
bad(["batch", LESSON, "--steps", "s+!"], "or ! to start it again",
    "s+! is no step")
finish()
