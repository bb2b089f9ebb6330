"""A whole lesson on the screen under valgrind memcheck (issue 14, "TUI
leaks are unchecked"): lesson 1 taken with space to its end, its
question answered, then q.  Only sockstep runs under valgrind (the
lesson's programs are exec'd natively).  valgrind's own exit status
says whether it found an error or a leak (definite or indirect: curses
keeps its screen until exit, which valgrind may call possible).
Skipped (77) without valgrind or in a sanitizer build."""
import os
import shutil
import sys
import time

from sslib import *

if shutil.which("valgrind") is None:
    print("skip: valgrind is not installed")
    sys.exit(77)
if sanitized():
    print("skip: an ASan build cannot run under valgrind")
    sys.exit(77)

import tuilib
from tuilib import tmux, screen, wait

VG_STATUS = 97
log = os.path.join(tuilib.TMP, "vg.log")
name = "vg"
try:
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24",
         f"valgrind -q --error-exitcode={VG_STATUS} --leak-check=full "
         f"--show-leak-kinds=definite,indirect "
         f"--errors-for-leak-kinds=definite,indirect --track-fds=no "
         f"--child-silent-after-fork=yes --log-file={log} "
         f"{SOCKSTEP} lesson 1 --port 0; echo EXIT $?; sleep 120")
    wait(name, lambda t: "SERVER" in t and "quit" in t, "screen up",
         timeout=120)
    done = False
    for i in range(60):
        text = screen(name)
        if "lesson done" in text or "guided order is done" in text:
            done = True
            break
        if "any key closes this" in text:
            tmux("send-keys", "-t", name, "x")	# closes the verdict
        elif "answers, then the step runs" in text:
            tmux("send-keys", "-t", name, "2")	# connect returns at once
        else:
            tmux("send-keys", "-t", name, "Space")
        # The next frame: the step's message, or the box, changes.
        end = time.monotonic() + 60
        while time.monotonic() < end and screen(name) == text:
            time.sleep(0.1)
    print(f"info: {i} keys to the end of lesson 1")
    check(done, f"lesson 1 taken to its end; screen:\n{screen(name)}")
    tmux("send-keys", "-t", name, "q")
    text = wait(name, lambda t: "EXIT " in t, "sockstep ends on q",
                timeout=120)
    status = text.split("EXIT ", 1)[1].split()[0] if "EXIT " in text else "?"
    report = open(log).read() if os.path.exists(log) else ""
    lines = [l for l in report.splitlines() if not l.startswith("--")]
    print(f"info: valgrind log: {len(report)} bytes")
    check(status == "0", f"sockstep under valgrind exited {status}; "
          f"valgrind says:\n" + "\n".join(lines[-40:]))
finally:
    tuilib.cleanup()
finish()
