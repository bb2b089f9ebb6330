"""Bad input: one line on stderr, exit status 2, nothing left running."""
import os
import subprocess
import tempfile
from sslib import *

bad(["batch", "no-such-lesson"], "no lesson 'no-such-lesson'", "unknown lesson")
bad(["batch", "01-hello", "--steps", "s x9 c"], "'x9'", "bad token")
bad(["batch", "01-hello", "--steps", "c3"], "'c3'", "client that is not there")
bad(["batch", "01-hello", "--steps", "w"], "w: no side is blocked", "w with no call to wait for")
bad(["batch", "01-hello", "--port", "70000"], "--port", "port out of range")
bad(["batch", "01-hello", "--clients", "0"], "--clients", "zero clients")
bad(["batch", "--bogus"], "bogus", "unknown option")

with tempfile.TemporaryDirectory() as d:
    les = os.path.join(d, "l1")
    os.mkdir(les)
    with open(os.path.join(les, "lesson.ini"), "w") as f:
        f.write("[lesson]\ntitle.en = t\nserver = /nonexistent/prog {port}\n")
    bad(["batch", les], "/nonexistent/prog", "missing program")
    with open(os.path.join(les, "lesson.ini"), "w") as f:
        f.write("[lesson]\ntitle.en = t\nserver = %s/data {port}\n" % les)
    with open(os.path.join(les, "data"), "w") as f:
        f.write("not a program\n")
    os.chmod(os.path.join(les, "data"), 0o644)
    bad(["batch", les], "not executable", "not executable")
    with open(os.path.join(les, "lesson.ini"), "w") as f:
        f.write("[lesson]\ntitle.en = t\nbogus line\n")
    bad(["batch", les], "lesson.ini:3:", "malformed lesson names file:line")
    os.remove(os.path.join(les, "lesson.ini"))
    bad(["batch", les], "no lesson.ini", "lesson dir without its file")

# A system that refuses ptrace: explained, exit 2, nothing left behind.
noptrace = os.environ.get("NOPTRACE")
if noptrace:
    # LeakSanitizer needs ptrace itself: in a sanitizer build it cannot
    # run here, and says so on stderr.
    env = dict(os.environ, ASAN_OPTIONS=":".join(
        filter(None, [os.environ.get("ASAN_OPTIONS"), "detect_leaks=0"])))
    p = subprocess.run([noptrace, os.path.abspath(SOCKSTEP), "batch", "01-hello",
                        "--port", "0"], capture_output=True, text=True, timeout=30,
                       env=env)
    check(p.returncode == 2 and "ptrace" in p.stderr and
          len(p.stderr.strip().splitlines()) == 1,
          f"ptrace refused: {p.returncode} {p.stderr!r}")

# Stepping a side that has exited: the client exits after 4 calls.
rc, out, err = run(["batch", "--json", "01-hello", "--port", "0", "--steps",
                    "c c c c c c"])
check(rc == 2, f"step after exit: exit {rc}")
check("client has exited" in err and len(err.strip().splitlines()) == 1,
      f"step after exit message {err!r}")
no_leftovers(events(out), "step after exit")
finish()
