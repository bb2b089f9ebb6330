"""Hostile and broken input (issue 7): lesson directories that are
incomplete, unbuilt, huge or not UTF-8; programs that flood their
terminal, print garbage or close it; a table of bad command lines.
Each is a clear one-line error (exit 2) or handled gracefully, and a
transcript stays valid UTF-8 (text) and valid JSON (every line)."""
import json
import os
import resource
import shutil
import tempfile
from sslib import *

BUILD = os.path.dirname(os.path.abspath(SOCKSTEP))
HELLO = os.path.join(BUILD, "lessons", "01-hello")
HOSTILE = os.environ["HOSTILE"]
SRC_LESSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                          "lessons", "01-hello", "lesson.ini")


def raw(args, timeout=120):
    p = subprocess.run([SOCKSTEP] + args, capture_output=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def valid_transcripts(args, what):
    """Text is UTF-8 without control bytes, JSON parses line by line."""
    rc, out, err = raw(args)
    check(rc == 0, f"{what}: text exit {rc} {err}")
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as e:
        check(False, f"{what}: text transcript not UTF-8: {e}")
        text = out.decode("utf-8", errors="replace")
    ctl = [c for c in text if ord(c) < 0x20 and c not in "\n\t"]
    check(not ctl, f"{what}: control bytes in the text transcript {ctl[:5]}")
    rc, out, err = raw(args + ["--json"])
    check(rc == 0, f"{what}: json exit {rc} {err}")
    evs = []
    for n, line in enumerate(out.decode("utf-8").splitlines(), 1):
        try:
            evs.append(json.loads(line))
        except ValueError as e:
            check(False, f"{what}: JSON line {n} invalid: {e}: {line[:120]!r}")
    return text, evs


def maxrss_kib():
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


tmp = tempfile.mkdtemp(prefix="sockstep-hostile-")
try:
    # 1. A lesson directory missing files: the lesson file is there, the
    #    programs it names are not (nor built anywhere).
    d = os.path.join(tmp, "nofiles")
    os.mkdir(d)
    shutil.copy(SRC_LESSON, d)
    bad(["batch", d, "--port", "0"], "server", "lesson dir without its programs")
    shutil.copy(os.path.join(HELLO, "server"), d)
    bad(["batch", d, "--port", "0"], "client", "lesson dir without its client")
    bad(["check-lesson", d], "client", "check-lesson of it")

    # 2. A lesson in the lesson tree whose programs were never built.
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "09-unbuilt"))
    shutil.copy(SRC_LESSON, os.path.join(root, "09-unbuilt"))
    env = dict(os.environ, SOCKSTEP_LESSONS=root)
    bad(["batch", "09-unbuilt", "--port", "0"], "09-unbuilt", "unbuilt lesson", env)
    bad(["batch", "9", "--port", "0"], "'server' is not built",
        "unbuilt lesson by number", env)

    # 3. A huge lesson file (50 MB), and one that never ends (/dev/zero):
    #    refused before it is read, memory stays small.
    big = os.path.join(tmp, "huge")
    os.mkdir(big)
    with open(os.path.join(big, "lesson.ini"), "w") as f:
        f.write("[lesson]\ntitle.en = t\n")
        line = "# " + "x" * 1000 + "\n"
        for _ in range(50 * 1024):
            f.write(line)
    bad(["batch", big], "too large", "50 MB lesson file")
    bad(["check-lesson", big], "too large", "check-lesson 50 MB")
    check(maxrss_kib() < 40 * 1024, f"huge lesson: sockstep peaked at {maxrss_kib()} KiB")
    zero = os.path.join(tmp, "zero")
    os.mkdir(zero)
    os.symlink("/dev/zero", os.path.join(zero, "lesson.ini"))
    bad(["batch", zero], "not a regular file", "lesson.ini -> /dev/zero")

    # 4. Invalid UTF-8 and escape sequences in a lesson: file:line error.
    enc = os.path.join(tmp, "gbk")
    os.mkdir(enc)
    with open(os.path.join(enc, "lesson.ini"), "wb") as f:
        f.write(b"[lesson]\ntitle.en = t\n"
                b"title.zh = \xc4\xe3\xba\xc3\n"     # GBK, not UTF-8
                b"server = server {port}\n")
    bad(["batch", enc], "lesson.ini:3: invalid UTF-8", "GBK title")
    with open(os.path.join(enc, "lesson.ini"), "wb") as f:
        f.write(b"[lesson]\ntitle.en = t\nserver = server {port}\n"
                b"[narration]\nbind.after.en = \x1b[2J clear the screen\n")
    bad(["check-lesson", enc], "lesson.ini:5: control character 0x1b",
        "escape sequence in narration")

    # 5. A program printing invalid UTF-8, a NUL and terminal escapes.
    srv = f"{HOSTILE} badutf8 {{port}}"
    cli = f"{HELLO}/client 127.0.0.1 {{port}}"
    run_args = ["run", "--server", srv, "--client", cli, "--batch", "--port", "0"]
    text, evs = valid_transcripts(run_args, "garbage output")
    outs = [e["text"] for e in evs if e["event"] == "output" and e["side"] == "server"]
    check(outs[:4] == ["bad \\xff\\xfe half \\xe4\\xb8 end",
                       "esc \\x1b[2J\\x1b]0;title\\x07 bell",
                       "nul   after", "good 你好"], f"escaped output lines {outs}")
    check("server   | bad \\xff\\xfe half" in text, "escaped in the text transcript")
    check(any(e["event"] == "output" and e["text"] == "Message from server: Hello World!"
              for e in evs), "and the lesson still works")
    no_leftovers(evs, "garbage output")

    # 6. 20 MB on stdout before the first socket call: read as fast as it
    #    comes; the first 1 MiB is reported, then a note; sockstep stays
    #    small and the lesson goes on.
    before = maxrss_kib()
    srv = f"{HOSTILE} flood {{port}}"
    steps = ["--steps", "s+ c+ s+ c+"]
    rc, out, err = raw(["run", "--server", srv, "--client", cli, "--batch",
                        "--json", "--port", "0"] + steps, timeout=300)
    check(rc == 0, f"flood: exit {rc} {err}")
    check(len(out) < 8 * 1024 * 1024, f"flood: transcript of {len(out)} bytes")
    evs = events(out.decode("utf-8"))
    notes = [e["text"] for e in evs if e["event"] == "note" and e["side"] == "server"]
    check(any("not reported" in n and "last 500 lines" in n for n in notes) and
          any(n.endswith("more lines of output were not reported") for n in notes),
          f"flood: says what it left out {notes}")
    shown = sum(len(e["text"]) + 1 for e in evs
                if e["event"] == "output" and e["side"] == "server")
    check(1024 * 1024 <= shown < 1024 * 1024 + 4200, f"flood: {shown} bytes reported")
    check(any(e["event"] == "output" and e["text"] == "Message from server: Hello World!"
              for e in evs), "flood: the client still got its message")
    ex = [e for e in evs if e["event"] == "exit" and e["side"] == "server"]
    check(ex and ex[0]["status"] == 0, f"flood: server exit {ex}")
    if sanitized():
        print("info: ASan build, peak RSS not checked")
    else:
        check(maxrss_kib() < max(before, 60 * 1024),
              f"flood: sockstep peaked at {maxrss_kib()} KiB")
    no_leftovers(evs, "flood")

    # 7. A server that closes stdin, stdout and stderr: its socket is fd
    #    0, and losing its terminal must not kill it (no SIGHUP).
    srv = f"{HOSTILE} closepty {{port}}"
    text, evs = valid_transcripts(["run", "--server", srv, "--client", cli,
                                   "--batch", "--port", "0"], "closed pty")
    sock = [e for e in evs if e["event"] == "return" and e["side"] == "server"
            and e["call"] == "socket"]
    check(sock and sock[0]["ret"] == 0, f"closed pty: socket() = {sock[:1]}")
    ex = [e for e in evs if e["event"] == "exit" and e["side"] == "server"]
    check(ex and ex[0]["status"] == 0, f"closed pty: server exit {ex}")
    check(any(e["event"] == "output" and e["text"] == "Message from server: Hello World!"
              for e in evs), "closed pty: the client got its message")
    no_leftovers(evs, "closed pty")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

# 8. Bad command lines: one line naming the problem, exit 2.
TABLE = [
    (["--port"], "--port needs a value"),
    (["batch", "--steps"], "--steps needs a value"),
    (["batch", "--json=1"], "--json takes no value"),
    (["--port", "abc"], "--port abc"),
    (["--port", "-1"], "--port -1"),
    (["--port", "65536"], "--port 65536"),
    (["--clients", "10"], "--clients 10"),
    (["--clients", "x"], "--clients x"),
    (["--lang", "fr"], "--lang fr"),
    (["-x"], "'-x'"),
    (["--bogus"], "'--bogus'"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["lesson"], "which lesson"),
    (["batch", "01-hello", "extra"], "'extra'"),
    (["list", "x"], "'x'"),
    (["check-lesson"], "which lesson directory"),
    (["run"], "--server"),
    (["run", "--json", "--server", "x"], "--batch"),
    (["batch", "--server", "x"], "sockstep run"),
    (["batch", "01-hello", "--steps", ",,,"], "--steps"),
    (["batch", "01-hello", "--steps", "s++"], "'s++'"),
    (["batch", "99"], "no lesson '99'"),
    (["batch", "/nonexistent/dir"], "/nonexistent/dir"),
]
for args, want in TABLE:
    bad(args, want, "argv " + " ".join(args))
finish()
