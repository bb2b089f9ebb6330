"""The fd cache (src/trace-fds.c): sockstep remembers which fds are
sockets between calls instead of a readlink at every stop, so it must
forget at the right moments.  tests/fdreuse.c hands one fd number from
file to socket and back through close, open, dup2, dup3 and
close_range; the transcript must show exactly its socket calls (each
tagged by the SO_RCVLOWAT value it sets) and none of its file reads,
both free-running and stepped one call at a time.  strace, where
installed, confirms the program made the file reads that are absent."""
import os
import re
import shutil
import subprocess
from sslib import *

prog = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "tests", "fdreuse")
WANT_TAGS = ["[101]", "[102]", "[103]"]

for steps in (None, "s+"):
    args = ["run", "--server", prog, "--batch", "--json", "--port", "0"]
    if steps:
        args += ["--steps", steps]
    rc, out, err = run(args)
    evs = events(out)
    what = f"steps {steps or 'default'}"
    check(rc == 0, f"{what}: exit {rc}: {err}")
    ex = exits(evs)
    check(ex.get("server") in (0, "0", "exited (0)"),
          f"{what}: fdreuse exited 0 (its own checks of the fd numbers): {ex}")
    rets = [e for e in evs if e["event"] == "return"]
    tags = [e["args"][3] for e in rets if e["call"] == "setsockopt"]
    check(tags == WANT_TAGS, f"{what}: socket calls on the reused numbers {tags}")
    reads = [e["args"] for e in rets if e["call"] in ("read", "write")]
    check(reads == [], f"{what}: file reads shown as socket calls: {reads}")
    names = [e["call"] for e in rets]
    check(names.count("socket") == 2 and "dup2" in names and "close" in names,
          f"{what}: the socket-side calls {names}")

# The reads did happen: strace sees four reads of 11..14 bytes.
if shutil.which("strace"):
    p = subprocess.run(["strace", "-e", "trace=read", "-o", "/dev/stdout", prog],
                       capture_output=True, text=True, timeout=60)
    seen = [n for n in (11, 12, 13, 14)
            if re.search(rf", {n}\)\s+= {n}$", p.stdout, re.M)]
    check(seen == [11, 12, 13, 14], f"strace saw the file reads: {seen}")
finish()
