"""Shared helpers for sockstep's integration tests.

Each test runs the real sockstep binary on real lesson programs and
compares what it reports with what the kernel (ss, /proc) or the traced
program itself says.  Exit 0 pass, 1 fail, 77 skip, 99 broken harness.
"""
import atexit
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SOCKSTEP = os.environ.get("SOCKSTEP", "sockstep")

# Every sockstep a test starts keeps its progress, its built lessons and
# its search path in a scratch directory of this test's own, never in
# the user's ~/.local/state, ~/.cache or ~/.local/share: a test run must
# not change what `sockstep list` shows, nor find the user's lessons.  A
# test that needs other directories sets them in the env it passes.
_XDG = tempfile.mkdtemp(prefix="sockstep-test-xdg-")
atexit.register(shutil.rmtree, _XDG, True)
for _k in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
    os.environ[_k] = os.path.join(_XDG, _k.split("_")[1].lower())
FAILS = []
# The sockstep whose lab network ss() and netstat_counter() look at: each
# run has a network namespace of its own (issue 16), so the host's ss
# does not see the lab's sockets.  Interactive sets it; a test that
# starts sockstep otherwise (tmux) sets it with lab_pid().
LAB_PID = None
# A lesson's two hosts (issue 16 §1): the server's, {ip}, and the clients'.
SERVER_IP = "10.1.0.1"
CLIENT_IP = "10.1.0.2"


def lab_pid(pid):
    global LAB_PID
    LAB_PID = pid


def ns_id(pid, ns):
    try:
        return os.readlink(f"/proc/{pid}/ns/{ns}")
    except OSError:
        return None


def client_ns(pid=None):
    """/proc/PID/fd/N: the client host of sockstep pid's lab (two hosts,
    issue 16 §1), the one fd naming a network namespace not its own; None
    with one host (or no lab)."""
    pid = pid or LAB_PID
    own = ns_id(pid, "net") if pid else None
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return None
    for fd in fds:
        path = f"/proc/{pid}/fd/{fd}"
        try:
            link = os.readlink(path)
        except OSError:
            continue
        if link.startswith("net:[") and link != own:
            return path
    return None


def in_lab(argv, pid=None, host="server"):
    """argv run inside the lab network of sockstep pid (default LAB_PID)
    with nsenter (util-linux, independent of sockstep join), on its
    server host or (host="client") its client host; as it is when that
    lab is gone or on the host's network."""
    pid = pid or LAB_PID
    theirs = ns_id(pid, "net") if pid else None
    if theirs is None or theirs == ns_id("self", "net"):
        return argv
    net = f"/proc/{pid}/ns/net"
    if host == "client":
        net = client_ns(pid) or net
    if os.geteuid() == 0:
        return ["nsenter", f"--net={net}", "--"] + argv
    # A user: nsenter -U keeps the user's uid, and the exec then drops
    # the lab's capabilities (tcpdump needs CAP_NET_RAW there), and
    # util-linux 2.38 has no --keep-caps.  sockstep join keeps them.
    return [SOCKSTEP, "join", str(pid), "--host", host, "--"] + argv


def check(cond, what):
    """Record a failed assertion with its description; never raises."""
    if not cond:
        FAILS.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def finish():
    if FAILS:
        print(f"{len(FAILS)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def run(args, timeout=60, stdin=None):
    """Run sockstep; return (rc, stdout, stderr)."""
    p = subprocess.run([SOCKSTEP] + args, capture_output=True, text=True,
                       timeout=timeout, input=stdin)
    return p.returncode, p.stdout, p.stderr


def bad(args, want, what, env=None, timeout=60):
    """sockstep refuses args with one clear error: exit status 2, and on
    stderr one whole line, "sockstep: ..." with no control character,
    that contains want.  stdin is /dev/null.  Returns stdout."""
    p = subprocess.run([SOCKSTEP] + args, capture_output=True, text=True,
                       timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    lines = p.stderr.splitlines()
    check(p.returncode == 2,
          f"{what}: exit {p.returncode} (want 2) {p.stderr!r}")
    check(len(lines) == 1 and p.stderr.endswith("\n"),
          f"{what}: one line, got {lines}")
    check(all(l.startswith("sockstep: ") and
              not any(ord(c) < 0x20 or ord(c) == 0x7f for c in l)
              for l in lines),
          f"{what}: not a clear error line: {p.stderr!r}")
    check(want in p.stderr, f"{what}: {want!r} not in {p.stderr!r}")
    return p.stdout


def events(out):
    evs = []
    for line in out.splitlines():
        if line.strip():
            evs.append(json.loads(line))
    return evs


def batch_json(args, timeout=60):
    rc, out, err = run(["batch", "--json"] + args, timeout=timeout)
    if rc != 0:
        print(out, err, file=sys.stderr)
    return rc, events(out), err


def calls(evs, side, kind="return"):
    return [e for e in evs if e.get("side") == side and e.get("event") == kind]


def pids(evs):
    return {e["pid"] for e in evs if e.get("pid")}


def alive(pid):
    """True when pid still exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
    except OSError:
        return False
    return st[st.rindex(")") + 2] != "Z"


def no_leftovers(evs, what):
    left = [p for p in pids(evs) if alive(p)]
    check(not left, f"{what}: processes left running: {left}")


class Interactive:
    """sockstep batch --steps - : send a SPEC line, wait for 'ready'."""

    def __init__(self, args):
        self.p = subprocess.Popen([SOCKSTEP, "batch", "--json", "--steps",
                                   "-"] + args, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.events = []
        self.read_until_ready()

    def read_until_ready(self):
        lab_pid(self.p.pid)
        new = []
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("sockstep ended: " + self.p.stderr.read())
            ev = json.loads(line)
            if ev.get("event") == "ready":
                self.events += new
                return new
            new.append(ev)

    def step(self, spec):
        self.p.stdin.write(spec + "\n")
        self.p.stdin.flush()
        return self.read_until_ready()

    def close(self):
        self.p.stdin.close()
        rest = self.p.stdout.read()
        self.events += events(rest)
        rc = self.p.wait(timeout=30)
        return rc


def ss(args, host=None):
    """ss output lines (no header), of the lab's server host, its client
    host, or (None) both: the server's sockets then the clients', as one
    host's ss lists them on a shared loopback."""
    hosts = [host] if host else ["server"] + (["client"] if client_ns()
                                              else [])
    rows = []
    for h in hosts:
        out = subprocess.run(in_lab(["ss", "-H"] + args, host=h),
                             capture_output=True, text=True,
                             check=True).stdout
        rows += [l.split() for l in out.splitlines() if l.strip()]
    return rows


def port_of(addr):
    return int(addr.rsplit(":", 1)[1])


def ready_port(ev_list):
    for e in ev_list:
        for l in e.get("kernel", {}).get("listeners", []):
            return port_of(l["addr"])
    return None


def wait_for(cond, timeout=10.0, interval=0.05):
    """Poll cond() until it returns something true (returned) or timeout
    seconds pass (None).  For kernel state that changes by itself, such as
    a retransmitted SYN getting into a freed accept-queue slot."""
    end = time.monotonic() + timeout
    while True:
        got = cond()
        if got or time.monotonic() >= end:
            return got or None
        time.sleep(interval)


class LabDump:
    """tcpdump -i any -nn ... tcp in the lab of the sockstep process pid
    (in_lab), started and capturing: it said "listening on" (started),
    so nothing sent after this is missed."""

    def __init__(self, pid, args=()):
        self.p = subprocess.Popen(
            in_lab(["tcpdump", "-i", "any", "-nn", "-l", "--immediate-mode",
                    *args, "tcp"], pid),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.said = ""
        while "listening on" not in self.said:
            line = self.p.stderr.readline().decode()
            self.said += line
            if not line:
                break
        self.started = "listening on" in self.said
        self.got = b""

    def until(self, enough, timeout=60):
        """Reads its lines until enough(text so far) holds or it ends:
        an event, not a time (the bound is for a hang)."""
        def more():
            r, _, _ = select.select([self.p.stdout], [], [], 1.0)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                self.got += chunk
                if not chunk:
                    return True
            return enough(self.got.decode())
        wait_for(more, timeout, 0)

    def stop(self):
        """Ends it (SIGINT: it prints what it holds); all it printed."""
        self.p.send_signal(signal.SIGINT)
        try:
            rest, _ = self.p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rest, _ = self.p.communicate()
        self.got += rest
        return self.got.decode()


def output_lines(evs, side):
    """What a traced program printed (its pty), line by line."""
    return [e["text"] for e in evs
            if e.get("event") == "output" and e.get("side") == side]


def exits(evs):
    """{side: exit status} of the sides that exited by themselves."""
    return {e["side"]: e["status"] for e in evs if e.get("event") == "exit"}


def ss_listener(port):
    """(Recv-Q, Send-Q) of the TCP listener on 127.0.0.1:port as ss shows
    it (accept-queue length, backlog), or None when nothing listens."""
    rows = ss(["-ltn", f"sport = :{port}"])
    if len(rows) != 1:
        return None
    return int(rows[0][1]), int(rows[0][2])


def last_kernel(evs):
    """The kernel view sockstep printed with the latest event."""
    for e in reversed(evs):
        if "kernel" in e:
            return e["kernel"]
    return None


def netstat_counter(name, group="TcpExt"):
    """A counter from the lab's /proc/net/netstat (e.g. ListenOverflows)."""
    path = f"/proc/{LAB_PID}/net/netstat" if LAB_PID and \
        ns_id(LAB_PID, "net") else "/proc/net/netstat"
    with open(path) as f:
        lines = f.read().splitlines()
    for head, vals in zip(lines[::2], lines[1::2]):
        keys = head.split()
        if keys[0] == group + ":" and name in keys:
            return int(vals.split()[keys.index(name)])
    return None


def ss_sockets(port):
    """Every TCP socket from or to port, as ss -tanoe shows it: dicts with
    state, recvq, sendq, local and peer (ports), ino (0 for a connection
    still in an accept queue, a TIME-WAIT or request sock) and retrans
    (the timer's retransmission count, 0 without a timer)."""
    out = []
    for r in ss(["-tanoe", f"( sport = :{port} or dport = :{port} )"]):
        d = {"state": r[0], "recvq": int(r[1]), "sendq": int(r[2]),
             "local": r[3], "peer": r[4], "ino": None, "retrans": 0}
        for w in r[5:]:
            if w.startswith("ino:"):
                d["ino"] = int(w[4:])
            elif w.startswith("timer:("):
                d["retrans"] = int(w.rstrip(")").split(",")[-1])
        for k in ("local", "peer"):
            tail = d[k].rsplit(":", 1)[1]
            d[k] = int(tail) if tail.isdigit() else 0
        out.append(d)
    return out


def sanitized():
    """An ASan build of sockstep (its shadow memory makes RSS meaningless,
    and LeakSanitizer's exit-time ptrace can hang a process killed by
    SIGHUP)."""
    with open(SOCKSTEP, "rb") as f:
        return b"__asan_init" in f.read()


def strace_lines(path):
    """The lines of an `strace -f` log, each call whole: an
    '<unfinished ...>' line joined with its '<... resumed>' one."""
    pending = {}
    for line in open(path):
        line = line.rstrip("\n")
        m = re.match(r"^(\d+) +(.*) <unfinished \.\.\.>$", line)
        if m:
            pending[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^(\d+) +<\.\.\. \w+ resumed>(.*)$", line)
        if m:
            line = m.group(1) + " " + pending.pop(m.group(1), "") + m.group(2)
        yield line
