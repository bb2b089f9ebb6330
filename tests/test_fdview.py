"""The kernel view's holders of each socket (src/sock-view.c) against
/proc, at every pause of tests/fdpass.c, whose TCP sockets gain and lose
fds through calls that end no socket: recvmsg with SCM_RIGHTS (a data
call), pidfd_getfd and close_range (calls sockstep never shows), fcntl
F_DUPFD.  The view reads a process's fd table again only when the
kernel or the lab says it may have changed; here the lab's word is all
there is between dumps, so the dumps are spaced out
(SOCKSTEP_DUMP_AGE_MS) and every pause must still match /proc exactly.
Run once more with the usual dump age."""
import atexit
import os
import re
import shutil
import tempfile
from sslib import *

prog = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "tests", "fdpass")


def proc_tcp_holders(pid):
    """inode -> {fd} of pid's TCP sockets, from /proc alone (sockfs names
    each socket's protocol in an xattr, bound or not)."""
    held = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        path = f"/proc/{pid}/fd/{fd}"
        try:
            link = os.readlink(path)
            m = re.fullmatch(r"socket:\[(\d+)\]", link)
            if not m or os.getxattr(path, "system.sockprotoname").rstrip(b"\0") not in (
                    b"TCP", b"TCPv6"):
                continue
        except OSError:
            continue
        held.setdefault(int(m.group(1)), set()).add(int(fd))
    return held


def view_holders(kernel, pid):
    """inode -> {fd} of pid, as sockstep's view has them."""
    held = {}
    for s in kernel["sockets"]:
        if not s.get("inode"):
            continue
        fds = {h["fd"] for h in s.get("holders", []) if h["pid"] == pid}
        check(s.get("nholders", 0) == len(s.get("holders", [])),
              f"all holders listed for inode {s['inode']}: {s}")
        if fds:
            held[s["inode"]] = fds
    return held


def server_pid(evs):
    for e in evs:
        if e.get("side") == "server" and e.get("pid"):
            return e["pid"]
    return None


def run_once(age):
    env_before = os.environ.get("SOCKSTEP_DUMP_AGE_MS")
    if age is not None:
        os.environ["SOCKSTEP_DUMP_AGE_MS"] = str(age)
    d = tempfile.mkdtemp(prefix="sockstep-fdview-")
    atexit.register(shutil.rmtree, d, True)
    with open(os.path.join(d, "lesson.ini"), "w") as f:
        f.write("[lesson]\ntitle.en = fd view\n"
                f"server = {prog} {{port}}\n")
    it = Interactive([d, "--port", "0", "--hosts", "1"])
    if env_before is None:
        os.environ.pop("SOCKSTEP_DUMP_AGE_MS", None)
    else:
        os.environ["SOCKSTEP_DUMP_AGE_MS"] = env_before
    what = f"dump age {age or 'default'}"
    pid = None
    compared = 0
    shapes = []
    for _ in range(80):
        new = it.step("s")
        pid = pid or server_pid(it.events)
        paused = [e for e in new if e.get("event") == "call"
                  and e.get("side") == "server"]
        if not paused or pid is None or not alive(pid):
            if any(e.get("event") == "exit" for e in new):
                break
            continue
        kern = last_kernel(new)
        want = proc_tcp_holders(pid)
        got = view_holders(kern, pid)
        check(got == want, f"{what}: at {paused[-1]['call']}{paused[-1]['args']}"
              f" the view's holders {got} are /proc's {want}")
        compared += 1
        shapes.append(sorted(len(v) for v in want.values()))
    rc = it.close()
    check(rc in (0, 1), f"{what}: sockstep exit {rc}")
    ex = exits(it.events)
    check(ex.get("server") in (0, "0", "exited (0)"),
          f"{what}: fdpass ran to its end: {ex}")
    # Every way fdpass changes a table was paused after: a socket held
    # twice (SCM_RIGHTS, pidfd_getfd, F_DUPFD) was seen.
    check(compared >= 10, f"{what}: compared at {compared} pauses")
    check(any(2 in s for s in shapes),
          f"{what}: a socket held by two fds was compared: {shapes}")


run_once(600000)
run_once(None)
finish()
