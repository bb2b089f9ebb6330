"""tmux plumbing for the TUI tests: a private tmux server per test run
(-L, no config), the screen read with capture-pane, waits that poll the
screen until it matches or time runs out (never a fixed long sleep), and
a clean-up that leaves no server, socket file or scratch directory.
Importing it skips the test (77) where tmux is not installed."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from sslib import check, sanitized

if shutil.which("tmux") is None:
    print("skip: tmux is not installed")
    sys.exit(77)

_name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
SOCK = f"sockstep-{_name}-{os.getpid()}"
TMP = tempfile.mkdtemp(prefix=f"sockstep-{_name}-")


# Set before sockstep in each session.  An ASan build leaves leak checks
# out here: a session ended by kill-server gets SIGHUP, and LeakSanitizer's
# exit-time ptrace of the dying process can hang, leaving it spinning.
ENV = "ASAN_OPTIONS=detect_leaks=0" if sanitized() else ""


# tmux runs a pane's command with $SHELL, or else the user's login shell:
# CI has no $SHELL, and a user made for a test has /usr/sbin/nologin,
# whose pane prints one line and closes.  bash, not dash: a Ctrl-C in
# the pane reaches the shell too, and dash dies of it where bash waits
# to see whether its child (sockstep, which catches it) died of it.
_TMUX_ENV = dict(os.environ, SHELL=shutil.which("bash") or "/bin/sh")


def tmux(*args):
    p = subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null"] + list(args),
                       capture_output=True, encoding="utf-8",
                       errors="replace", env=_TMUX_ENV)
    return p.stdout


def screen(name, escapes=False):
    return tmux("capture-pane", "-p", "-t", name, *(["-e"] if escapes else []))


def steady(name, timeout=5.0):
    """The screen once two looks 100 ms apart agree: a frame is written
    in pieces, and a capture may fall between them."""
    end = time.monotonic() + timeout
    prev = screen(name)
    while time.monotonic() < end:
        time.sleep(0.1)
        cur = screen(name)
        if cur == prev:
            return cur
        prev = cur
    return prev


def wait(name, pred, what, timeout=5.0):
    """Poll the screen until pred(text) is true; the last text either way.

    A capture can fall between two pieces of one frame (pred true on the
    first piece, the rest still the old frame: seen under ASan in CI, a
    lesson's first line drawn and its timeline not yet), so once pred
    holds the screen is taken when it is steady.  If pred no longer
    holds then (the screen moved on), the text where it held is kept."""
    end = time.monotonic() + timeout
    while True:
        text = screen(name)
        if pred(text):
            whole = steady(name, min(timeout, 2.0))
            return whole if pred(whole) else text
        if time.monotonic() > end:
            check(False, f"{name}: {what}; screen was:\n{text}")
            return text
        time.sleep(0.05)


def sockstep_pid(name):
    """The sockstep session name runs (a child of its pane's sh), or
    None: its lab network is where ss must look (sslib.lab_pid)."""
    try:
        pane = int(tmux("display-message", "-p", "-t", name,
                        "#{pane_pid}").strip())
    except ValueError:
        return None
    for d in os.listdir("/proc"):
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except (OSError, ValueError):
            continue
        rest = st[st.rindex(")") + 2:].split()
        if int(rest[1]) == pane and st[st.index("(") + 1:st.rindex(")")] \
                == "sockstep":
            return int(d)
    return None


def cleanup():
    tmux("kill-server")
    # tmux may leave its socket file behind: one per run would pile up.
    sock = os.path.join(os.environ.get("TMUX_TMPDIR", "/tmp"),
                        f"tmux-{os.getuid()}", SOCK)
    if os.path.exists(sock):
        os.unlink(sock)
    shutil.rmtree(TMP, ignore_errors=True)
