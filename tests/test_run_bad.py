"""sockstep run with programs that misbehave, and source lines of any -g
program: a command that is not found, a program that exits at once, one
that crashes (the last call is named), one that spins without calls
(the run must end, saying so), a --lesson that does not exist; the
transcript's file:line for calls of a -g program outside lessons/, and
"no debug info" for one without."""
import os
import re
import signal
import sys
from sslib import *

T = os.path.dirname(os.path.abspath(os.environ["STUDENT_NOLISTEN"]))
SRC = os.path.dirname(os.path.abspath(__file__))
L1 = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "lessons", "01-hello")
SPIN = 'sh -c "while :; do :; done"'


bad(["run", "--lesson", "no-such-lesson", "--server", L1 + "/server {port}", "--batch"],
    "no lesson 'no-such-lesson'", "unknown --lesson")
bad(["run", "--server", "no-such-command-here {port}", "--batch"],
    "no-such-command-here: command not found", "command not on PATH")
bad(["run", "--client", "no-such-command-here", "--server", L1 + "/server {port}",
     "--batch"], "command not found", "client not found")

# A program that exits at once: reported, not an error; stepping it is.
rc, out, err = run(["run", "--server", "true", "--batch", "--json", "--port", "0"])
evs = events(out)
check(rc == 0 and exits(evs).get("server") == 0, f"true: {rc} {exits(evs)} {err}")
no_leftovers(evs, "true")
bad(["run", "--server", "true", "--batch", "--steps", "s", "--port", "0"],
    "server has exited", "stepping a program that exited")

# A crash: the status and the last call, in text and JSON.
rc, out, err = run(["run", "--server", T + "/crasher {port}", "--batch", "--port", "0"])
check(rc == 0 and re.search(r"^server +killed by SIGSEGV, last call "
                            r"socket\(AF_INET, SOCK_STREAM, 0\) = 3$", out, re.M),
      f"crash in text: {out!r}")
rc, out, err = run(["run", "--server", T + "/crasher {port}", "--batch", "--json",
                    "--port", "0"])
evs = events(out)
ex = [e for e in evs if e["event"] == "exit"]
check(ex and ex[0]["signal"] == signal.SIGSEGV and ex[0]["text"] == "killed by SIGSEGV"
      and ex[0]["last_call"] == "socket(AF_INET, SOCK_STREAM, 0) = 3",
      f"crash in JSON: {ex}")
no_leftovers(evs, "crasher")

# A side that spins without calls: all+ must end, saying why, and end it.
rc, out, err = run(["run", "--server", SPIN, "--client", L1 + "/client 127.0.0.1 {port}",
                    "--batch", "--json", "--port", "0", "--steps", "all+"], timeout=90)
evs = events(out)
notes = [e["text"] for e in evs if e["event"] == "note"]
check(rc == 0, f"spin all+: exit {rc} {err}")
check(any("server is running without making any call" in n for n in notes) and
      any("server ended by sockstep" in n for n in notes), f"spin all+ notes: {notes}")
check(exits(evs).get("client") == 1, f"the client still ran (refused): {exits(evs)}")
no_leftovers(evs, "spin all+")
# ... and stepping it is refused in one line.
bad(["run", "--server", SPIN, "--batch", "--steps", "s", "--port", "0"],
    "server is running outside any socket call", "stepping a spinning side")

# Source lines for a -g program outside lessons/: each call's line is the
# line of that call in tests/nbconnect.c.
src = os.path.realpath(os.path.join(SRC, "nbconnect.c"))
text = open(src).read().splitlines()


def line_of(pattern):
    return [i + 1 for i, l in enumerate(text) if re.search(pattern, l)][0]


want = {"socket": line_of(r"\bsocket\(ss\.ss_family"),
        "connect": line_of(r"= connect\("),
        "getsockopt": line_of(r"getsockopt\(s, SOL_SOCKET, SO_ERROR"),
        "dup": line_of(r"= dup\(s\)"),
        "recvfrom": line_of(r"= recvfrom\(")}
progs = [T + "/nbconnect"]
if os.path.exists(T + "/nbconnect-static"):
    progs.append(T + "/nbconnect-static")
for prog in progs:
    rc, out, err = run(["run", "--server", L1 + "/server {port}", "--client",
                        prog + " 127.0.0.1 {port}", "--batch", "--json", "--port", "0"])
    evs = events(out)
    got = {}
    for e in evs:
        if e["event"] == "call" and e["side"] == "client" and e["call"] in want:
            got.setdefault(e["call"], (e.get("source"), e.get("line"), e.get("func")))
    for call, line in want.items():
        s = got.get(call)
        check(s is not None and s[0] and os.path.realpath(s[0]) == src and
              s[1] == line and s[2] == "main",
              f"{os.path.basename(prog)}: {call} at {s}, want {src}:{line}")
    # The lesson's server has debug info too (built -g in lessons/).
    srv = [e for e in evs if e["event"] == "call" and e["side"] == "server"]
    check(srv and srv[0].get("source", "").endswith("server.c"),
          f"lesson server source: {srv[:1]}")

# Without debug info: said so, and the calls are still all there.
rc, out, err = run(["run", "--server", L1 + "/server {port}", "--client",
                    T + "/nodebug 127.0.0.1 {port}", "--batch", "--json", "--port", "0"])
evs = events(out)
cl = [e for e in evs if e["event"] == "call" and e["side"] == "client"]
check(rc == 0 and cl and all(e["source"] is None and "no debug info" in e["source_why"]
                             for e in cl), f"nodebug: {[e.get('source_why') for e in cl]}")
check([e["call"] for e in cl][:4] == ["socket", "fcntl", "fcntl", "connect"],
      f"nodebug calls: {[e['call'] for e in cl]}")
# An interpreted program: its calls have no source line in the program.
rc, out, err = run(["run", "--server", L1 + "/server {port}", "--client",
                    os.path.realpath(sys.executable) + " " + SRC + "/pyclient.py {port} 127.0.0.1",
                    "--batch", "--json", "--port", "0"])
cl = [e for e in events(out) if e["event"] == "call" and e["side"] == "client"]
check(cl and all(e["source"] is None and e["source_why"] for e in cl),
      f"python: {[e.get('source_why') for e in cl][:2]}")
finish()
