"""Typing into a side's terminal (issue 15 §3, §4): --stdin, the c<TEXT
step, end-of-file, "waiting for input", record/replay, placeholders in
sh -c, a two-thread client, and the bad input around them.  What
sockstep reports is compared with what the traced programs printed and
with strace -f on the same programs fed the same lines."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from sslib import *

T = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "tests")
ECHOKBD = os.environ.get("ECHOKBD", os.path.join(T, "echokbd"))
ECHOKBD2 = os.environ.get("ECHOKBD2", os.path.join(T, "echokbd2"))
ECHOSRV = os.environ.get("ECHOSRV", os.path.join(T, "echosrv"))
TMP = tempfile.mkdtemp(prefix="sockstep-input-")
LINES = ["hello", "你好 世界", "a, b  c"]


def scratch(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run_json(args, timeout=90):
    rc, out, err = run(["run", "--batch", "--json", "--port", "0"] + args,
                       timeout=timeout)
    return rc, events(out), err


def evs_of(evs, kind, side=None):
    return [e for e in evs if e.get("event") == kind and
            (side is None or e.get("side") == side)]


def rets(evs, side, call):
    return [e for e in evs_of(evs, "return", side) if e["call"] == call]


def echoed(evs, side):
    return [l[len("Message from server: "):]
            for l in output_lines(evs, side)
            if l.startswith("Message from server: ")]


SRV = ["--server", f"{ECHOSRV} {{port}}"]
CLI = ["--client", f"{ECHOKBD} 127.0.0.1 {{port}}"]
inp = scratch("in.txt", "\n".join(LINES + ["Q"]) + "\n")

# 1. --stdin: one line each time the client waits for input, in order,
#    each shown as typed input, each echoed back and printed.
rc, evs, err = run_json(SRV + CLI + ["--stdin", f"client={inp}"])
check(rc == 0, f"--stdin: exit {rc}: {err}")
typed = [e["text"] for e in evs_of(evs, "input", "client")]
check(typed == LINES + ["Q"], f"--stdin typed {typed}")
check(all(e["eof"] is False for e in evs_of(evs, "input")),
      "no end-of-file typed before the lines ran out")
waits = evs_of(evs, "input_wait", "client")
check(len(waits) == 4 and all(w["state"] == "waiting-for-input" and
                              w["fd"] == 0 for w in waits),
      f"four waits for input, on fd 0: {waits}")
check(echoed(evs, "client") == LINES, f"echoed {echoed(evs, 'client')}")
check(all("client" in w["kernel"]["waiting_for_input"] and
          not [b for b in w["kernel"]["blocked"] if b["side"] == "client"]
          for w in waits),
      "the kernel view: client waiting for input, not blocked in read")
# The order: each line is typed only once the client asked for it.
seq = [(e["event"], e.get("call")) for e in evs if e.get("side") == "client"
       and e["event"] in ("input", "input_wait", "return")]
for i, (kind, _) in enumerate(seq):
    if kind == "input":
        check(i > 0 and seq[i - 1][0] == "input_wait",
              f"a line typed before the client waited: {seq[:i + 1]}")
wr = [e["ret"] for e in rets(evs, "client", "write")]
check(wr == [len(l.encode()) + 1 for l in LINES],
      f"the client wrote each line and its newline: {wr}")
check(exits(evs) == {"server": 0, "client": 0}, f"exits {exits(evs)}")
no_leftovers(evs, "--stdin")

# The same programs under strace -f, fed the same lines from a file:
# as many reads and writes on sockets, side by side.
def strace_counts(log):
    n = {}
    for line in strace_lines(log):
        m = re.match(r"^\d+ +(read|write)\(\d+<(TCP|TCPv6):", line)
        if m:
            n[m.group(1)] = n.get(m.group(1), 0) + 1
    return n


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


if shutil.which("strace"):
    port = free_port()
    slog, clog = os.path.join(TMP, "srv.strace"), os.path.join(TMP, "cli.strace")
    srv = subprocess.Popen(["strace", "-f", "-yy", "-o", slog, ECHOSRV,
                            str(port)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    wait_for(lambda: ss_listener(port) is not None, 20)
    with open(inp) as f:
        subprocess.run(["strace", "-f", "-yy", "-o", clog, ECHOKBD,
                        "127.0.0.1", str(port)], stdin=f,
                       stdout=subprocess.DEVNULL, timeout=60)
    srv.wait(timeout=60)
    for side, log in (("server", slog), ("client", clog)):
        want = strace_counts(log)
        got = {c: len(rets(evs, side, c)) for c in ("read", "write")}
        check(want.get("write", 0) == len(LINES), f"{side}: strace -f "
              f"saw {want} (a write per line)")
        check(got == want, f"{side}: sockstep saw {got} socket reads/"
              f"writes, strace -f {want}")
else:
    print("strace not installed: the count comparison is skipped")

# 2. Text transcript: typed input is "client < line", apart from output.
rc, out, err = run(["run", "--batch", "--port", "0"] + SRV + CLI +
                   ["--stdin", f"client={inp}"], timeout=90)
check(rc == 0 and "client   < hello\n" in out and
      "client   < 你好 世界\n" in out and
      "client   | Message from server: hello\n" in out and
      "client   waiting for input: read(0) of its terminal" in out,
      f"text transcript: typed lines marked '<': {out[-1500:]} {err}")
check("client   | hello\n" not in out, "a typed line is not shown twice "
      "(no echo from the terminal)")

# 3. End-of-file: an empty --stdin file; the step c<^D.
empty = scratch("empty.txt", "")
rc, evs, err = run_json(SRV + CLI + ["--stdin", f"client={empty}"])
check(rc == 0 and [e["eof"] for e in evs_of(evs, "input", "client")] ==
      [True] and "(end of input)" in output_lines(evs, "client") and
      exits(evs) == {"server": 0, "client": 0},
      f"empty --stdin: end-of-file at the first read: {err} "
      f"{evs_of(evs, 'input')} {output_lines(evs, 'client')}")
rc, evs, err = run_json(SRV + CLI + ["--steps", "s+ c+ c<^D c+ s+"])
check(rc == 0 and [e["eof"] for e in evs_of(evs, "input", "client")] ==
      [True] and "(end of input)" in output_lines(evs, "client"),
      f"c<^D: end-of-file: {err} {output_lines(evs, 'client')}")

# 4. The step token: quoted text with spaces and commas, Chinese, the
#    same bytes as the server read.
steps = 's+ c+ c<"a, b  c" c s s c+ c<你好 c s s c+ c<Q c+ s+'
rc, evs, err = run_json(SRV + CLI + ["--steps", steps])
check(rc == 0, f"c<TEXT: exit {rc}: {err}")
typed = [e["text"] for e in evs_of(evs, "input", "client")]
check(typed == ["a, b  c", "你好", "Q"], f"c<TEXT typed {typed}")
check(echoed(evs, "client") == ["a, b  c", "你好"],
      f"c<TEXT echoed {echoed(evs, 'client')}")
check([e["ret"] for e in rets(evs, "server", "read")] ==
      [len("a, b  c\n"), len("你好\n".encode()), 0],
      f"server read {[e['ret'] for e in rets(evs, 'server', 'read')]}")

# 5. Record and replay take the typed lines again (escaped, one word).
#    Steps that type into client 1 replace the lesson's [input] for it;
#    client 2 still gets the lesson's lines.
rec = os.path.join(TMP, "walk.rec")
rc, out, err = run(["batch", "08", "--port", "0", "--json", "--steps",
                    's s s c c c<"hi there, 1" c2 c2 s c s s',
                    "--record", rec])
check(rc == 0, f"--record with c<TEXT: {rc} {err}")
text = open(rec, encoding="utf-8").read() if os.path.exists(rec) else ""
check("c<hi\\x20there\\x2c\\x201" in text, f"recorded escaped: {text}")
first = [e["text"] for e in evs_of(events(out), "input")]
rc, out, err = run(["batch", "--replay", rec, "--json"])
again = [e["text"] for e in evs_of(events(out), "input")]
check(rc == 0 and again == first and "hi there, 1" in again,
      f"--replay typed {again}, the recorded run {first}: {err}")
got = [e["args"][1] for e in rets(events(out), "server", "read")]
check(got[:1] == ['"hi there, 1\\n"'],
      f"replayed line reached the server: {got}")
check([e["text"] for e in evs_of(events(out), "input", "client2")] ==
      ["Hello"], "client 2 typed the lesson's line, client 1 only the "
      "recorded one")

# 6. Placeholders everywhere, single quotes too; {{port}} is literal.
in2 = scratch("in2.txt", "abc\nQ\n")
rc, evs, err = run_json([
    "--server", f"sh -c 'echo literal {{{{port}}}}; exec {ECHOSRV} {{port}}'",
    "--client", f"sh -c 'exec {ECHOKBD} 127.0.0.1 {{port}} < {in2}'"])
lst = rets(evs, "server", "listen")
con = rets(evs, "client", "connect")
check(rc == 0 and lst and con and con[0]["ret"] == 0 and
      port_of(con[0]["args"][1].split(", ")[-1].rstrip("}")) ==
      port_of(lst[0]["local"]),
      f"{{port}} inside single quotes is the lab's port: {err} {con}")
check("literal {port}" in output_lines(evs, "server"),
      f"{{{{port}}}} is the text {{port}}: {output_lines(evs, 'server')}")
check(any(l.endswith("Message from server: abc")
          for l in output_lines(evs, "client")),
      f"the client read its file itself: {output_lines(evs, 'client')}")

# 7. A two-thread client: the main thread reads the keyboard and sends,
#    the other receives (its calls may be a task's of their own).
rc, evs, err = run_json(SRV + ["--client", f"{ECHOKBD2} 127.0.0.1 {{port}}",
                               "--stdin", f"client={inp}"])
check(rc == 0 and [e["text"] for e in evs_of(evs, "input", "client")] ==
      LINES + ["Q"], f"two threads: typed {evs_of(evs, 'input')} {err}")
# TCP is a stream: the echoes may come back in one read().
printed = "\n".join(output_lines(evs, "client")).replace(
    "Message from server: ", "")
check(printed == "\n".join(LINES),
      f"two threads: printed {output_lines(evs, 'client')}")
check(exits(evs).get("client") == 0, f"two threads: exits {exits(evs)}")

# 7b. The book's chat client: a thread of its own reads the keyboard and
#     main only joins; the lab finds that thread waiting and feeds it.
rc, evs, err = run_json(SRV + ["--client",
                               f"{ECHOKBD2} 127.0.0.1 {{port}} threads",
                               "--stdin", f"client={inp}"])
waits = evs_of(evs, "input_wait", "client")
check(rc == 0 and [e["text"] for e in evs_of(evs, "input", "client")] ==
      LINES + ["Q"], f"reader thread: typed {evs_of(evs, 'input')} {err}")
printed = "\n".join(output_lines(evs, "client")).replace(
    "Message from server: ", "")
check(printed == "\n".join(LINES),
      f"reader thread: printed {output_lines(evs, 'client')}")
check(len(waits) >= len(LINES) + 1,
      f"reader thread: a wait seen before each line: {len(waits)}")
check(exits(evs).get("client") == 0, f"reader thread: exits {exits(evs)}")

# 8. A run that stops on input never given says which side and how.
rc, out, err = run(["run", "--batch", "--port", "0"] + SRV + CLI,
                   timeout=90)
check(re.search(r"client is waiting for input on its terminal that was "
                r"never given: give it with --stdin client=FILE", out),
      f"no input: the run says so: {out[-800:]}")
rc, out, err = run(["run", "--batch", "--port", "0", "--steps", "s+ c+ c"]
                   + SRV + CLI, timeout=90)
check(rc == 2 and "client is waiting for input on its terminal" in err and
      "--stdin client=FILE" in err, f"c on a waiting client: {rc} {err}")

# 9. Bad input: one line, exit status 2.
bad(["run", "--batch"] + SRV + CLI + ["--stdin", "nosuchside=x"],
    "no side named 'nosuchside'", "--stdin naming no side")
bad(["run", "--batch"] + SRV + CLI + ["--stdin", "client2=" + inp],
    "no side named 'client2'", "--stdin naming a client not run")
bad(["run", "--batch"] + SRV + CLI + ["--stdin",
                                      "client=" + os.path.join(TMP, "none")],
    "No such file or directory", "--stdin with a missing file")
bad(["run", "--batch"] + SRV + CLI + ["--stdin", "client=" + TMP],
    "Is a directory", "--stdin with a directory")
bad(["run", "--batch"] + SRV + CLI + ["--stdin", "client"],
    "expected SIDE=FILE", "--stdin without =")
ctl = scratch("ctl.txt", "ok\nbad\x1bline\n")
bad(["run", "--batch"] + SRV + CLI + ["--stdin", "client=" + ctl],
    "line 2", "--stdin with a control character")
bad(["batch", "08", "--steps", 's c<"open'], "unterminated quote",
    "an open quote in a step")
bad(["batch", "08", "--steps", "c3<x"], "only 2 clients",
    "c3<x with two clients")
# Typing into a side that has exited: refused, nothing sent.
rc, out, err = run(["run", "--batch", "--port", "0", "--steps",
                    "s+ c+ c<Q c+ c<late"] + SRV + CLI, timeout=90)
check(rc == 2 and "client has exited: nothing was typed" in err and
      len(err.splitlines()) == 1, f"typing into an exited client: {rc} {err}")
check("< late" not in out, "nothing typed into the exited client")

# 10. A lesson's [input]: a bad side is named with its line.
d = os.path.join(TMP, "lesson-bad-input")
os.makedirs(d)
with open(os.path.join(d, "lesson.ini"), "w") as f:
    f.write("[lesson]\ntitle.en = t\nserver = x {port}\n[input]\n"
            "nobody = hi\n")
rc, out, err = run(["check-lesson", d])
check(rc == 2 and "lesson.ini:5" in err and "input key 'nobody'" in err,
      f"[input] with a bad side: {rc} {err}")

# 11. A lesson's check sees the state: waiting-for-input, not blocked.
d = os.path.join(TMP, "lesson-waits")
os.makedirs(d)
with open(os.path.join(d, "lesson.ini"), "w") as f:
    f.write(f"[lesson]\ntitle.en = waits\ntitle.zh = 等待\n"
            f"goal.en = the client waits\ngoal.zh = 客户端等待\n"
            f"server = {ECHOSRV} {{port}}\n"
            f"client = {ECHOKBD} 127.0.0.1 {{port}}\nsteps = s+ c+\n"
            f"[checks]\nafter 2 = client is waiting-for-input\n")
# (One host: echosrv binds 127.0.0.1, as a lesson's two could not reach.)
rc, out, err = run(["check-lesson", d, "--hosts", "1"], timeout=90)
check(rc == 0 and "1 checks passed" in out,
      f"check 'client is waiting-for-input': {rc} {out} {err}")
with open(os.path.join(d, "lesson.ini"), "a") as f:
    f.write("after 2 = client blocked read\n")
rc, out, err = run(["check-lesson", d, "--hosts", "1"], timeout=90)
check(rc == 1 and "expected client blocked in read()" in out,
      f"a read of its terminal is not 'blocked read': {rc} {out} {err}")

shutil.rmtree(TMP, ignore_errors=True)
finish()
