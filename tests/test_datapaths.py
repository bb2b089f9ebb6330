"""Every door bytes take through a socket is shown (issue 19, item 7).

tests/datapaths talks to itself over one loopback connection with
send/recv (sendto/recvfrom in glibc), writev/readv, sendmmsg/recvmmsg,
sendfile from a file, splice through pipes, and a socketpair, and
prints what each call did.  Three witnesses must agree:
  - sockstep run --batch --json, the calls it reports;
  - strace -f -yy on the same program (its own run), the calls on
    sockets (-yy names them);
  - what the program printed.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from sslib import *

T = os.path.dirname(os.path.abspath(os.environ["STUDENT_NOLISTEN"]))
PROG = os.path.join(T, "datapaths")
STRACE = shutil.which("strace")

NETWORK = {"socket", "socketpair", "bind", "listen", "accept", "accept4",
           "connect", "getsockname", "getpeername", "sendto", "recvfrom",
           "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
           "setsockopt", "getsockopt"}
TRACED = ",".join(sorted(NETWORK | {"read", "write", "readv", "writev",
                                    "sendfile", "splice", "close"}))
# Calls the program repeats until it has all the bytes: how many times
# depends on how TCP hands them over, so runs of them are summed.
READS = {"read", "readv", "recvfrom", "recvmsg", "splice"}

if STRACE is None:
    print("strace missing")
    sys.exit(77)


def first_fd(arg):
    m = re.match(r"(-?\d+)", arg)
    return int(m.group(1)) if m else None


def normalise(seq):
    """[(call, fds, ret)] -> [(call, ret)], a run of reads from the
    accepted socket summed into one (see READS)."""
    acc = [r for c, _, r in seq if c in ("accept", "accept4")]
    served = acc[0] if acc else None
    out = []
    for call, fd, ret in seq:
        is_read = call in READS and fd == served and isinstance(ret, int)
        if is_read and out and out[-1][0] == call and out[-1][2]:
            out[-1] = (call, out[-1][1] + ret, True)
        else:
            out.append((call, ret, is_read))
    return [(c, r) for c, r, _ in out]


def sockstep_calls(evs):
    seq = []
    for e in evs:
        if e.get("side") == "server" and e.get("event") == "return":
            ret = e["errno"] if e["errno"] else e["ret"]
            seq.append((e["call"], first_fd(e["args"][0]) if e["args"] else None, ret))
    return seq


STRACE_LINE = re.compile(r"^(\d+) +(\w+)\((.*)\) += (-?\d+|\?)(?: (E[A-Z_]+))?")
ON_SOCKET = re.compile(r"<(TCP|TCPv6|UDP|UDPv6|UNIX(-[A-Z]+)?|NETLINK)[:>]|socket:\[")


def strace_calls(path):
    """[(call, first fd, ret)]: the calls on sockets, as strace saw them."""
    seq = []
    for line in strace_lines(path):
        m = STRACE_LINE.match(line)
        if not m:
            continue
        _, name, args, ret, err = m.groups()
        if name not in NETWORK and not ON_SOCKET.search(line):
            continue
        seq.append((name, first_fd(args), err if err else int(ret)))
    return seq


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# sockstep's run.
rc, out, err = run(["run", "--server", PROG + " {port}", "--batch", "--json",
                    "--port", "0"], timeout=60)
evs = events(out)
check(rc == 0, f"sockstep run: exit {rc}: {err}")
check(exits(evs).get("server") == 0, f"datapaths exit status: {exits(evs)}")
no_leftovers(evs, "datapaths")
printed = output_lines(evs, "server")
rets = [e for e in evs if e.get("event") == "return" and e.get("side") == "server"]


def returns(call):
    return [e for e in rets if e["call"] == call]


def said(prefix):
    """The program's own line for a call: 'writev=13' -> ['13']..."""
    return [l[len(prefix) + 1:].split() for l in printed if l.startswith(prefix + "=")]


# strace's run of the same program.
tmp = tempfile.mkdtemp(prefix="sockstep-dp-")
st = os.path.join(tmp, "datapaths.st")
p = subprocess.run([STRACE, "-f", "-qq", "-yy", "-e", "signal=none", "-e",
                    "trace=" + TRACED, "-o", st, PROG, str(free_port())],
                   stdin=subprocess.DEVNULL, capture_output=True, text=True,
                   timeout=60)
check(p.returncode == 0, f"datapaths under strace: exit {p.returncode}: {p.stderr}")
mine, theirs = normalise(sockstep_calls(evs)), normalise(strace_calls(st))
check(mine == theirs, "calls differ from strace:\n"
      f"  sockstep {mine}\n  strace   {theirs}")
for call in ("sendto", "recvfrom", "writev", "readv", "sendmmsg", "recvmmsg",
             "sendfile", "splice", "socketpair"):
    check(any(c == call for c, _ in mine), f"{call} shown: {mine}")

# And each call as the program itself reported it.
s = returns("sendto")
check(said("send") == [["4"]] and s and s[0]["ret"] == 4 and
      s[0]["args"][1:] == ['"send"', "4", "0", "NULL", "0"],
      f"send() is sendto(): {said('send')} {s}")
r = returns("recvfrom")
check(r and r[0]["ret"] == 4 and r[0]["args"][1] == '"send"' and
      r[0]["args"][3] == "MSG_WAITALL", f"recv() is recvfrom(): {r}")

w = returns("writev")
check(said("writev") == [["13"]] and w and w[0]["ret"] == 13 and
      w[0]["args"][1] == '[{iov_base="wv-one ", iov_len=7}, '
                         '{iov_base="wv-two", iov_len=6}]' and w[0]["args"][2] == "2",
      f"writev: {said('writev')} {w}")
rv = returns("readv")
got = re.findall(r'iov_base="([^"]*)"', "".join(e["args"][1] for e in rv))
check(said("readv") == [["13", '"wv-one', 'wv-two"']] and
      sum(e["ret"] for e in rv) == 13 and "".join(got) == "wv-one wv-two",
      f"readv, its bytes shown as they came: {said('readv')} {rv}")

sm = returns("sendmmsg")
check(said("sendmmsg") == [["2", "6,7"]] and sm and sm[0]["ret"] == 2 and
      'iov_base="mm-one"' in sm[0]["args"][1] and
      'iov_base="mm-two!"' in sm[0]["args"][1] and
      re.findall(r"msg_len=(\d+)", sm[0]["args"][1]) == ["6", "7"],
      f"sendmmsg: {said('sendmmsg')} {sm}")
rm = returns("recvmmsg")
check(said("recvmmsg") == [["2", "6,7", '"mm-one"', '"mm-two!"']] and rm and
      rm[0]["ret"] == 2 and 'iov_base="mm-one"' in rm[0]["args"][1] and
      'iov_base="mm-two!"' in rm[0]["args"][1] and
      re.findall(r"msg_len=(\d+)", rm[0]["args"][1]) == ["6", "7"] and
      rm[0]["args"][2:] == ["2", "MSG_WAITALL", "NULL"],
      f"recvmmsg: {said('recvmmsg')} {rm}")

sf = returns("sendfile")
check(said("sendfile") == [["11", "off=11"]] and sf and sf[0]["ret"] == 11 and
      sf[0]["args"][2:] == ["[0->11]", "11"], f"sendfile: {said('sendfile')} {sf}")
check(any(e["ret"] == 11 and e["args"][1] == '"from-a-file"'
          for e in returns("recvfrom")), "the file's bytes arrive in recv")

sp = returns("splice")
check(said("splice") == [["7", "pipe->socket"], ["7", "socket->pipe", '"spliced"']]
      and sp and sp[0]["ret"] == 7 and sp[0]["args"][5] == "SPLICE_F_MOVE" and
      sum(e["ret"] for e in sp[1:]) == 7, f"splice both ways: {said('splice')} {sp}")

pair = returns("socketpair")
fds = said("socketpair")
check(pair and fds and pair[0]["ret"] == 0 and
      pair[0]["args"] == ["AF_UNIX", "SOCK_STREAM", "0",
                          "[%s]" % fds[0][1][4:].replace(",", ", ")],
      f"socketpair and its two fds: {fds} {pair}")
# Its fds are sockets: calls on them stop too.
if fds:
    a, b = fds[0][1][4:].split(",")
    check(any(e["args"][:2] == [a, '"pair"'] and e["ret"] == 4 for e in returns("write")),
          f"write on the socketpair shown: {returns('write')}")
    check(any(e["args"][:2] == [b, '"pair"'] and e["ret"] == 4 for e in returns("read")),
          f"read on the socketpair shown: {returns('read')}")
    check({a, b} <= {e["args"][0] for e in returns("close")},
          f"both closed: {returns('close')}")

# The file and the pipes are not sockets: nothing on them alone stops.
check(not any("datapaths-" in a for e in rets for a in e["args"]),
      "no call on the temporary file shown")
check(all(e["call"] != "write" or e["args"][1] == '"pair"' for e in rets),
      f"writes to the file, the pipe and stdout run through: {returns('write')}")

shutil.rmtree(tmp, ignore_errors=True)
finish()
