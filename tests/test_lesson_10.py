"""Lesson 10 (calculator): TCP keeps no message boundaries.  Step by
step against the kernel: after the client's one write() of 14 bytes,
ss in the lab shows all 14 in the server connection's Recv-Q; the
server's read(..., 1) returns 1 byte and ss shows 13 left; its next
read() returns those 13 and ss shows none; tcpdump run in the same lab
saw one data segment of 14 bytes from the client (and one of 4 back),
as sockstep reported.  Then the bytes, in the guided order: what the
client wrote is what the server's two reads returned, in order; the
count, operands and operator in it are what was typed; the 4 bytes the
server wrote are the int they give, what the client read and printed.
Last, other numbers typed (--stdin) in a free run: the server's reads
follow the count byte (1, then 9 bytes for 2 operands)."""
import re
import shutil
import struct
import subprocess
import tempfile

from sslib import *

LESSON = "10-calculator"
SEG = re.compile(r"IP (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\]"
                 r".*, length (\d+)")
ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
       "e": 27, "E": 27, "s": 32, "\\": 92, '"': 34}


def unquote(arg):
    """A buffer as sockstep quotes it (strnvisx VIS_CSTYLE|VIS_OCTAL),
    back to its bytes."""
    s = arg[1:-1] if arg.startswith('"') else arg
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] != "\\":
            out += s[i].encode()
            i += 1
            continue
        m = re.match(r"[0-7]{1,3}", s[i + 1:])
        if m:
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
        else:
            out.append(ESC[s[i + 1]])
            i += 2
    return bytes(out)


def rets(evs, side, call):
    return [e for e in evs if e["event"] == "return" and e["side"] == side
            and e["call"] == call]


def recvq(port):
    """Recv-Q of the server's connection on port, as ss shows it."""
    rows = [d for d in ss_sockets(port)
            if d["state"] == "ESTAB" and d["local"] == port]
    return rows[0]["recvq"] if len(rows) == 1 else None


def data_segments(evs):
    return [(e["src"], e["dst"], e["len"]) for e in evs
            if e.get("event") == "segment" and e["len"] > 0]


have_dump = shutil.which("tcpdump") and shutil.which("nsenter")

# 1. Step by step, against ss and tcpdump in the lab.
s = Interactive([LESSON, "--port", "0"])
dump = None
if have_dump:
    dump = LabDump(s.p.pid)
    check(dump.started, f"tcpdump started: {dump.said!r}")
new = s.step("s s s c c s")
lst = rets(s.events, "server", "listen")
port = port_of(lst[0]["local"]) if lst else 0
typed = [e["text"] for e in s.events if e["event"] == "input"]
check(typed == ["3", "12", "24", "36", "+"],
      f"the client was typed its count, operands and operator: {typed}")
new = s.step("c")
wr = rets(new, "client", "write")
check(len(wr) == 1 and wr[0]["ret"] == 14, f"one write() of 14 bytes: {wr}")
# The bytes reach the server's kernel with the step; the bound is for a
# hang, not a speed.
check(wait_for(lambda: recvq(port) == 14),
      f"ss: the 14 bytes wait in the server's Recv-Q: {recvq(port)}")
new = s.step("s")
rd = rets(new, "server", "read")
check(len(rd) == 1 and rd[0]["ret"] == 1 and rd[0]["args"][2] == "1",
      f"read(..., 1) returns 1 byte of the 14: {rd}")
check(recvq(port) == 13, f"ss: 13 bytes left unread: {recvq(port)}")
new = s.step("s")
rd = rets(new, "server", "read")
check(len(rd) == 1 and rd[0]["ret"] == 13,
      f"the next read() returns the other 13: {rd}")
check(recvq(port) == 0, f"ss: nothing left unread: {recvq(port)}")
s.step("s s c c s")
rc = s.close()
check(rc == 0, f"sockstep exit {rc}")
check(exits(s.events) == {"server": 0, "client": 0},
      f"exits {exits(s.events)}")
mine = data_segments(s.events)
srv, cli = f"{SERVER_IP}:{port}", [e["local"] for e in
                                    rets(s.events, "client", "connect")]
check(len(cli) == 1 and mine == [(cli[0], srv, 14), (srv, cli[0], 4)],
      f"sockstep: one data segment of 14 bytes, one of 4 back: {mine}")
if dump:
    # tcpdump has printed both data segments (or ended).
    dump.until(lambda text: len([l for l in text.splitlines()
                                 if SEG.search(l) and
                                 not l.endswith("length 0")]) >= 2)
    theirs = [(f"{m[1]}:{m[2]}", f"{m[3]}:{m[4]}", int(m[6]))
              for m in (SEG.search(l) for l in dump.stop().splitlines())
              if m and int(m[6]) > 0]
    check(theirs == mine, f"tcpdump saw the same data segments: {theirs}")
no_leftovers(s.events, "lesson 10, step by step")

# 2. The guided order: the bytes, end to end.
rc, evs, err = batch_json([LESSON, "--port", "0"])
check(rc == 0, f"guided exit {rc}: {err}")
sent = [unquote(e["args"][1]) for e in rets(evs, "client", "write")]
reads = rets(evs, "server", "read")
check([e["ret"] for e in reads] == [1, 13] and
      [e["args"][2] for e in reads] == ["1", "1023"],
      f"server: read(..., 1) = 1, read(..., 1023) = 13: {reads}")
check(len(sent) == 1 and b"".join(unquote(e["args"][1]) for e in reads)
      == sent[0], f"the two reads returned the one write's bytes: {sent}")
req = sent[0] if sent else b"\0"
n = req[0]
opnds = list(struct.unpack(f"<{n}i", req[1:1 + 4 * n])) \
    if len(req) == 4 * n + 2 else []
check(n == 3 and opnds == [12, 24, 36] and req[-1:] == b"+",
      f"count 3, operands 12 24 36, operator +: {req!r}")
res = [unquote(e["args"][1]) for e in rets(evs, "server", "write")]
got = [unquote(e["args"][1]) for e in rets(evs, "client", "read")]
want = struct.pack("<i", sum(opnds))
check(res == [want] and got == [want],
      f"the server wrote the sum as 4 bytes, the client read them: "
      f"{res} {got}")
check("Operation result: 72" in output_lines(evs, "client"),
      f"client printed {output_lines(evs, 'client')}")
check(exits(evs) == {"server": 0, "client": 0}, f"guided exits {exits(evs)}")
no_leftovers(evs, "lesson 10, guided")

# 3. Other numbers, a free run: the reads follow the count byte.
with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
    f.write("2\n-5\n7\n*\n")
    f.flush()
    rc, evs, err = batch_json([LESSON, "--port", "0", "--stdin",
                               f"client={f.name}", "--steps", "s+ c+ s+ c+"])
check(rc == 0, f"free run exit {rc}: {err}")
check([e["ret"] for e in rets(evs, "client", "write")] == [10] and
      [e["ret"] for e in rets(evs, "server", "read")] == [1, 9],
      f"2 operands: a write of 10, reads of 1 and 9: "
      f"{rets(evs, 'server', 'read')}")
got = [unquote(e["args"][1]) for e in rets(evs, "client", "read")]
check(got == [struct.pack("<i", -35)] and
      "Operation result: -35" in output_lines(evs, "client"),
      f"-5 * 7: {got} {output_lines(evs, 'client')}")
no_leftovers(evs, "lesson 10, free run")
finish()
