"""sockstep run: any program on either side (a Python client here, run
without a shell), and grading a student's server against lesson 1."""
import os
import sys
from sslib import *

py = os.path.realpath(sys.executable)
bindir = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "lessons", "01-hello")
client = (py + " -c 'import socket,sys; s=socket.create_connection((\"127.0.0.1\", "
          "int(sys.argv[1]))); print(s.recv(100).decode()); s.close()' {port}")

# 1. The lesson's server, a Python client; batch runs both to the end.
rc, out, err = run(["run", "--server", bindir + "/server {port}", "--client", client,
                    "--batch", "--json", "--port", "0"])
evs = events(out)
check(rc == 0, f"run exit {rc}: {err}")
cli = [e["call"] for e in evs if e["side"] == "client" and e["event"] == "return"]
check("connect" in cli and "socket" in cli, f"python client's calls {cli}")
outl = [e["text"] for e in evs if e["event"] == "output" and e["side"] == "client"]
check("Hello World!" in outl, f"python printed what the server wrote: {outl}")
con = [e for e in evs if e["event"] == "return" and e["call"] == "connect"]
check(con and con[0]["local_origin"] == "chosen by the kernel", "python's port too")
no_leftovers(evs, "run python")

# 2. Only a server: it blocks in accept with nothing to wake it; batch
# ends it and says so.
rc, out, err = run(["run", "--server", bindir + "/server {port}", "--batch",
                    "--json", "--port", "0"], timeout=30)
evs = events(out)
check(rc == 0, f"server alone: exit {rc} {err}")
notes = [e["text"] for e in evs if e["event"] == "note"]
check(any("no side can move" in n for n in notes) and
      any("ended by sockstep" in n for n in notes), f"says why it ended: {notes}")
no_leftovers(evs, "server alone")

# 3. Grading: the lesson's client against a student server that forgot listen().
rc, out, err = run(["run", "--lesson", "01-hello", "--server",
                    os.environ["STUDENT_NOLISTEN"] + " {port}", "--batch", "--json",
                    "--port", "0"])
evs = events(out)
chk = {e["expr"]: e for e in evs if e["event"] == "check"}
check(rc == 1, f"a failed check makes the run fail: exit {rc}")
acc = chk.get("server accept >= 0")
check(acc is not None and acc["result"] == "failed" and
      "it returned -1 EINVAL" in acc["detail"], f"verdict on accept: {acc}")
q = chk.get("queue = 0")
check(q is not None and q["result"] == "failed", f"no listener: {q}")
no_leftovers(evs, "grading")

# 4. The lesson's own client graded as the student's: everything passes.
rc, out, err = run(["run", "--lesson", "01-hello", "--client",
                    bindir + "/client 127.0.0.1 {port}", "--batch", "--json", "--port", "0"])
evs = events(out)
chk = [e for e in evs if e["event"] == "check"]
check(rc == 0 and chk and all(c["result"] == "passed" for c in chk),
      f"a right client passes: {rc} {[(c['expr'], c['result']) for c in chk]}")

# 5. Mistakes: one line, exit 2.
for args, want in ([["run", "--batch"], "needs --server"],
                   [["run", "--server", "/nonexistent {port}", "--batch"], "/nonexistent"],
                   [["run", "--server", "x", "--json"], "need --batch"],
                   [["batch", "--server", "x"], "belong to 'sockstep run'"]):
    rc, out, err = run(args)
    check(rc == 2 and want in err and len(err.strip().splitlines()) == 1,
          f"{args}: {rc} {err!r}")
finish()
