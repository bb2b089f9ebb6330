"""Programs sockstep did not write: nc, socat, Python servers and clients,
a forking server, a non-blocking client (poll, select, epoll), IPv6,
dual-stack and two listeners, a statically linked program.

For each pair, three witnesses must agree:
  - sockstep batch --json, the calls it reports on sockets;
  - strace -f -yy on the same commands (its own run), the calls on
    sockets (-yy names them) and their addresses;
  - ss, while sockstep holds both sides still after the connection.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from sslib import *

T = os.path.dirname(os.path.abspath(os.environ["STUDENT_NOLISTEN"]))
SRC = os.path.dirname(os.path.abspath(__file__))
L1 = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "lessons", "01-hello")
PY = os.path.realpath(sys.executable)
STRACE = shutil.which("strace")

# Calls whose count and results depend on timing: not compared.
WAITS = {"poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait",
         "epoll_pwait2"}
# Nor are "try again" returns (a non-blocking read before the data came)
# and a signal restarting a call (SIGCHLD in a forking server's accept).
NOISE = {"EAGAIN", "ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND",
         "ERESTART_RESTARTBLOCK", "EINTR"}
NETWORK = {"socket", "socketpair", "bind", "listen", "accept", "accept4",
           "connect", "getsockname", "getpeername", "sendto", "recvfrom",
           "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
           "setsockopt", "getsockopt"}
TRACED = ",".join(sorted(NETWORK | {"read", "write", "readv", "writev",
                                    "sendfile", "splice", "close", "dup",
                                    "dup2", "dup3", "fcntl", "epoll_ctl"}))
READS = {"read", "readv", "recvfrom", "recvmsg"}

if STRACE is None or shutil.which("ss") is None:
    print("strace or ss missing")
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="sockstep-3p-")
msgfile = os.path.join(tmp, "msg")
with open(msgfile, "w") as f:
    f.write("Hello from nc\n")


def norm_ret(name, ret, err):
    if err:
        return err
    if name in READS:
        return "0" if ret == 0 else ">0"
    return str(ret)


def norm_addr(ip, port, labport):
    p = "P" if port == labport else ("0" if port == 0 else "E")
    return f"{ip}:{p}"


def sockstep_calls(evs, side, labport):
    """{pid: [(call, ret, addrs)]} from sockstep's return events."""
    out = {}
    for e in evs:
        if e.get("side") != side or e.get("event") != "return":
            continue
        if e["call"] in WAITS or e["errno"] in NOISE:
            continue
        addrs = []
        for a in e["args"]:
            for ip, port in re.findall(r"\{AF_INET6?, \[?([0-9a-f.:]+?)\]?:(\d+)\}", a):
                addrs.append(norm_addr(ip, int(port), labport))
        out.setdefault(e["pid"], []).append(
            (e["call"], norm_ret(e["call"], e["ret"], e["errno"]), tuple(addrs)))
    return out


STRACE_LINE = re.compile(r"^(\d+) +(\w+)\((.*)\) += (-?0x[0-9a-f]+|-?\d+|\?)(?:<[^>]*>)?(?: (E[A-Z_]+))?")


def strace_calls(path, labport):
    """{pid: [(call, ret, addrs)]}: calls on sockets from strace -f -yy."""
    out = {}
    for line in strace_lines(path):
        m = STRACE_LINE.match(line)
        if not m:
            continue
        pid, name, args, ret, err = m.groups()
        if name in WAITS:
            continue
        on_socket = re.search(r"<(TCP|TCPv6|UDP|UDPv6|UNIX(-[A-Z]+)?|NETLINK)[:>]|socket:\[",
                              line) is not None
        if name not in NETWORK and not on_socket:
            continue
        if name == "close" and not on_socket:
            continue
        addrs = []
        for m2 in re.finditer(r"sin6?_port=htons\((\d+)\), (?:sin6_flowinfo=htonl\(\d+\), )?"
                              r"(?:sin_addr=inet_addr\(\"([0-9.]+)\"\)|inet_pton\(AF_INET6, \"([0-9a-f.:]+)\")",
                              args):
            addrs.append(norm_addr(m2.group(2) or m2.group(3), int(m2.group(1)), labport))
        if err in NOISE:
            continue
        r = int(ret, 0) if ret != "?" else None
        out.setdefault(int(pid), []).append(
            (name, norm_ret(name, r, err), tuple(addrs)))
    return out


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def listening(port):
    return ss(["-ltn", f"sport = :{port}"])


def strace_pair(server, clients, port, what):
    """Run server and clients (one after another) each under strace -f."""
    sfile = os.path.join(tmp, "server.st")
    cfiles = []
    sp = None
    base = [STRACE, "-f", "-qq", "-yy", "-e", "signal=none", "-e", "trace=" + TRACED]
    try:
        if server:
            sp = subprocess.Popen(base + ["-o", sfile] + server, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not wait_for(lambda: listening(port), timeout=10):
                check(False, f"{what}: strace'd server never listened")
                return None, []
        for i, c in enumerate(clients):
            cf = os.path.join(tmp, f"client{i}.st")
            subprocess.run(base + ["-o", cf] + c, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
            cfiles.append(cf)
        if sp:
            sp.wait(timeout=30)
    finally:
        if sp and sp.poll() is None:
            sp.kill()
            sp.wait()
    return (strace_calls(sfile, port) if server else None,
            [strace_calls(cf, port) for cf in cfiles])


def shape(per_pid):
    """Main process first, then the children's sequences in a stable order.
    The main process is the first seen (both dicts are filled in the
    order of the calls), not the lowest pid: pids wrap, and on a busy
    machine a child may get a lower one than its parent."""
    if not per_pid:
        return []
    pids = list(per_pid)
    return [per_pid[pids[0]]] + sorted(per_pid[p] for p in pids[1:])


def compare_strace(evs, labport, server, client, nclients, what):
    port = free_port()
    sub = lambda cmd: [w.replace("{port}", str(port)) for w in shlex.split(cmd)]
    s_st, c_st = strace_pair(sub(server) if server else None,
                             [sub(client)] * nclients, port, what)
    if server:
        mine = shape(sockstep_calls(evs, "server", labport))
        theirs = shape(s_st) if s_st is not None else None
        # strace's ports are other ports: normalise both by role.
        theirs = [[(n, r, tuple(a.replace(f":{port}", ":P") for a in ad))
                   for n, r, ad in seq] for seq in theirs] if theirs else theirs
        check(mine == theirs, f"{what}: server calls differ from strace:\n"
              f"  sockstep {mine}\n  strace   {theirs}")
    if client:
        names = ["client"] + [f"client{i}" for i in range(2, nclients + 1)]
        for n, st in zip(names, c_st):
            mine = shape(sockstep_calls(evs, n, labport))
            theirs = shape(st)
            check(mine == theirs, f"{what}: {n} calls differ from strace:\n"
                  f"  sockstep {mine}\n  strace   {theirs}")


SS_STATE = {"ESTAB": "ESTABLISHED"}


def compare_ss(server, client, what, nclients=1):
    """Hold the lab still once the client has connected; sockstep's kernel
    view must be what ss shows."""
    args = ["run", "--batch", "--json", "--port", "0", "--clients", str(nclients)]
    if server:
        args += ["--server", server]
    if client:
        args += ["--client", client]
    p = subprocess.Popen([SOCKSTEP] + args + ["--steps", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    s = Interactive.__new__(Interactive)
    s.p, s.events = p, []
    s.read_until_ready()
    s.step("s+")
    port = ready_port(s.events)
    s.step("c+")
    kv = last_kernel(s.events)
    mine = sorted((k["state"], k["local"], k["peer"]) for k in kv["sockets"]
                  if k["in_kernel_table"] and k["state"] != "LISTEN")
    lis = sorted(l["addr"] for l in kv["listeners"])
    rows = ss(["-tan", f"( sport = :{port} or dport = :{port} )"])
    theirs = sorted((SS_STATE.get(r[0], r[0]), r[3], r[4]) for r in rows
                    if r[0] != "LISTEN")
    ss_lis = sorted(r[3] for r in rows if r[0] == "LISTEN")
    check(port is not None and lis == ss_lis, f"{what}: listeners {lis} vs ss {ss_lis}")
    check(mine and mine == theirs, f"{what}: sockets {mine} vs ss {theirs}")
    p.stdin.close()
    p.stdout.read()
    rc = p.wait(timeout=30)
    check(rc == 0, f"{what}: interactive run exit {rc}")
    no_leftovers(s.events, what + " (ss run)")
    return s.events


def scenario(what, server, client, nclients=1, want_out=(), ss_check=True):
    args = ["run", "--batch", "--json", "--port", "0"]
    if server:
        args += ["--server", server]
    if client:
        args += ["--client", client]
    if nclients > 1:
        args += ["--clients", str(nclients)]
    rc, out, err = run(args, timeout=60)
    evs = events(out)
    check(rc == 0, f"{what}: exit {rc}: {err}")
    labport = ready_port(evs)
    check(labport is not None, f"{what}: no listener seen")
    outs = [e["text"] for e in evs if e["event"] == "output"]
    for w in want_out:
        check(any(w in o for o in outs), f"{what}: {w!r} not printed: {outs}")
    no_leftovers(evs, what)
    compare_strace(evs, labport, server, client, nclients, what)
    if ss_check:
        compare_ss(server, client, what, nclients)
    return evs


def returns(evs, call):
    return [e for e in evs if e["event"] == "return" and e["call"] == call]


HAVE_NC, HAVE_SOCAT = shutil.which("nc"), shutil.which("socat")
if not HAVE_NC or not HAVE_SOCAT:
    print("nc or socat missing (netcat-openbsd, socat): those pairs skipped")

# 1. nc -l as the server (exec'd by sh: the side follows the exec),
#    against lesson 1's client.
evs = [] if not HAVE_NC else scenario("nc -l", f'sh -c "exec nc -N -l 127.0.0.1 {{port}} < {msgfile}"',
               L1 + "/client 127.0.0.1 {port}",
               want_out=["Message from server: Hello from nc"])
acc = returns(evs, "accept4")
check(not HAVE_NC or acc and "SOCK_NONBLOCK" in acc[0]["args"][3],
      f"nc's accept4 flags: {acc}")
polls = returns(evs, "poll")
check(not HAVE_NC or any("revents=POLLIN" in e["args"][0] for e in polls),
      f"nc's poll with revents: {[e['args'] for e in polls]}")
check(all("/dev" not in a for e in evs if e["event"] == "return" for a in e["args"]),
      "no call on a non-socket paused")

# 2. A Python server and a Python client.
evs = scenario("python pair", f"{PY} {SRC}/pyserver.py v4 {{port}}",
               f"{PY} {SRC}/pyclient.py {{port}} 127.0.0.1",
               want_out=["got hello from python", "got bye"])
sm = returns(evs, "sendmsg")
check(sm and 'iov_base="hello "' in sm[0]["args"][1] and sm[0]["ret"] == 18,
      f"sendmsg decoded: {sm}")
rm = [e for e in returns(evs, "recvmsg") if e["ret"] > 0]
check(rm and '"bye\\n"' in rm[0]["args"][1], f"recvmsg decoded: {rm}")

# 3. socat as the client against lesson 1's server.
if HAVE_SOCAT:
    scenario("socat", L1 + "/server {port}", "socat -u TCP:127.0.0.1:{port} STDOUT",
             want_out=["Hello World!"])

# 4. A server that forks per connection, two clients.
evs = scenario("forker", T + "/forker {port}", L1 + "/client 127.0.0.1 {port}",
               nclients=2, ss_check=False)
main = [e["pid"] for e in evs if e["side"] == "server"][0]
kids = {e["pid"] for e in evs if e["side"] == "server" and e["event"] == "return"
        and e["pid"] != main}
check(len(kids) == 2, f"forker: two children traced: {kids}")

# 5. Non-blocking connect, then poll / select / epoll and SO_ERROR.
for how, call in (("poll", "poll"), ("select", None), ("epoll", "epoll_wait")):
    evs = scenario(f"nbconnect {how}", f"{PY} {SRC}/pyserver.py v4 {{port}}",
                   f"{T}/nbconnect 127.0.0.1 {{port}} {how}",
                   want_out=["connect=EINPROGRESS", "so_error=0",
                             "got=hello from python", "sent=4"])
    con = returns(evs, "connect")
    check(con and con[0]["errno"] == "EINPROGRESS", f"{how}: connect: {con}")
    lp = [o for o in output_lines(evs, "client") if o.startswith("local_port=")]
    check(con and lp and con[0].get("local", "").endswith(":" + lp[0].split("=")[1]),
          f"{how}: the client's port sockstep read is the one it printed: {con} {lp}")
    so = returns(evs, "getsockopt")
    check(so and so[0]["args"][1:3] == ["SOL_SOCKET", "SO_ERROR"] and
          so[0]["args"][3] == "[0]", f"{how}: getsockopt(SO_ERROR): {so}")
    fc = returns(evs, "fcntl")
    check(any(e["args"][1] == "F_SETFL" and "O_NONBLOCK" in e["args"][2] for e in fc),
          f"{how}: fcntl(F_SETFL, O_NONBLOCK): {[e['args'] for e in fc]}")
    dup = returns(evs, "dup")
    check(dup and dup[0]["ret"] == 4, f"{how}: dup: {dup}")
    waits = [e for e in evs if e["event"] == "return" and e["side"] == "client"
             and e["call"] in WAITS]
    if how == "poll":
        check(waits and "revents=POLLOUT" in waits[0]["args"][0], f"poll: {waits}")
    elif how == "select":
        check(waits and any("[3]->[3]" in a for a in waits[0]["args"]),
              f"select: {waits}")
    else:
        check(waits and "events=EPOLLOUT" in waits[0]["args"][1] and
              "u32=3" in waits[0]["args"][1], f"epoll: {waits}")
        ctl = returns(evs, "epoll_ctl")
        check(ctl and ctl[0]["args"][1] == "EPOLL_CTL_ADD", f"epoll_ctl: {ctl}")

# 6. IPv6: a listener on ::1.
evs = scenario("ipv6", f"{PY} {SRC}/pyserver.py v6 {{port}}",
               f"{PY} {SRC}/pyclient.py {{port}} ::1", want_out=["peer ::1"])
b = returns(evs, "bind")
check(b and b[0]["args"][1].startswith("{AF_INET6, [::1]:") and
      b[0]["local"].startswith("[::1]:"), f"ipv6 bind: {b}")

# 7. Dual stack: an AF_INET6 socket takes an IPv4 client (v4-mapped).
evs = scenario("dual-stack", f"{PY} {SRC}/pyserver.py dual {{port}}",
               L1 + "/client 127.0.0.1 {port}",
               want_out=["peer ::ffff:127.0.0.1", "Message from server: hello from python"])
acc = returns(evs, "accept4")
check(acc and "::ffff:127.0.0.1" in acc[0]["args"][1], f"v4-mapped peer: {acc}")

# 8. Two listeners (127.0.0.1 and ::1, one port), select between them.
evs = scenario("two listeners", f"{PY} {SRC}/pyserver.py two {{port}}",
               f"{PY} {SRC}/pyclient.py {{port}} 127.0.0.1 ::1",
               want_out=["peer 127.0.0.1", "peer ::1"])
lis = max((len(e["kernel"]["listeners"]) for e in evs if "kernel" in e), default=0)
check(lis == 2, f"two listeners in the kernel view: {lis}")

# 9. A statically linked program (when this system can link one).
static = os.path.join(T, "nbconnect-static")
if os.path.exists(static):
    scenario("static", f"{PY} {SRC}/pyserver.py v4 {{port}}",
             f"{static} 127.0.0.1 {{port}} poll",
             want_out=["connect=EINPROGRESS", "got=hello from python"])
else:
    print("no static nbconnect: static linking unavailable here")

shutil.rmtree(tmp, ignore_errors=True)
finish()
