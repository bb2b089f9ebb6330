"""Record and replay: a batch run recorded with --record replays with
--replay to the same transcript (text and JSON Lines) apart from ports,
pids and inodes; the record file is plain text a person can write;
mistakes in it are FILE:LINE errors with exit status 2.  A record of
thousands of steps replays; one cut short is an error, never a shorter
run; nothing in a record reaches the terminal as a control character."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from sslib import SOCKSTEP, check, finish, run

TMP = tempfile.mkdtemp(prefix="sockstep-record-")


def norm_ports(text):
    """Each distinct port becomes P1, P2, ... in order of appearance."""
    seen = {}

    def sub(m):
        p = m.group(2)
        seen.setdefault(p, f"P{len(seen) + 1}")
        return m.group(1) + seen[p]
    text = re.sub(r"0x[0-9a-f]+", "0xADDR", text)    # ASLR
    # Any IPv4 address: a lesson's two hosts are 10.1.0.1 and 10.1.0.2.
    return re.sub(r"((?:\d+\.){3}\d+:|port )(\d+)", sub, text)


def norm_text(out):
    """Ports and pointers.  A step that wakes the other side (connect
    waking accept) reports both returns in the order the tracer saw
    them, in a forward run as in a replay: within a step (up to its
    kernel line) the order of the lines is free; the steps, their lines
    and each step's kernel line must be the same."""
    groups, cur = [], []
    # A closing connection moves on by the kernel's timers (a delayed ACK
    # of about 40 ms takes FIN-WAIT-1 to FIN-WAIT-2 or not), not by the
    # steps: on a loaded machine the same step can see either.
    out = re.sub(r"FIN-WAIT-[12]", "FIN-WAIT", out)
    # So does the wire: a delayed ACK falls in this step or the next.
    out = "\n".join(l for l in out.splitlines()
                    if not l.lstrip().startswith("~ wire:"))
    for l in norm_ports(out).splitlines():
        cur.append(l)
        if l.lstrip().startswith("~ kernel:"):
            groups.append(sorted(cur[:-1]) + cur[-1:])
            cur = []
    groups.append(sorted(cur))
    return groups


def norm_json(out):
    """Per side, its events in order without the kernel snapshot (which
    the order of two sides' events in one step may change); the checks
    in order; ports, pointers, pids and inodes left out."""
    sides, checks = {}, []
    for line in out.splitlines():
        e = json.loads(line)
        if e.get("event") == "segment":
            continue    # timers' segments fall in one step or the next
        for k in ("seq", "pid", "task", "kernel"):
            e.pop(k, None)
        e = json.loads(norm_ports(json.dumps(e, sort_keys=True)))
        if e.get("event") == "check":
            checks.append(e)
        else:
            sides.setdefault(e.get("side"), []).append(e)
    return sides, checks


def record_file(name):
    with open(os.path.join(TMP, name)) as f:
        return f.read()


def test_same_transcript(steps, lesson="1"):
    rec = os.path.join(TMP, f"rec-{lesson}.txt")
    args = ["batch", lesson, "--port", "0", "--record", rec]
    if steps:
        args += ["--steps", steps]
    rc, first, err = run(args)
    check(rc == 0, f"recorded run exit {rc}: {err}")
    text = record_file(os.path.basename(rec))
    lines = dict(l.split(" ", 1) for l in text.splitlines()
                 if l and not l.startswith("#"))
    check(lines.get("lesson", "").startswith(f"0{lesson}-"),
          f"the lesson in the record: {text}")
    check(lines.get("clients") and lines.get("lang") == "en" and
          lines.get("port", "").isdigit(), f"clients, lang, port: {text}")
    if steps:
        check(lines.get("steps") == steps, f"steps {lines.get('steps')!r} "
              f"recorded, {steps!r} taken")
    nsteps = sum(len(l.split()) - 1 for l in text.splitlines()
                 if l.startswith("steps "))
    check(lines.get("format") == "2" and text.endswith(f"\nend {nsteps}\n"),
          f"format 2, and 'end {nsteps}' written last: {text}")
    rc, again, err = run(["batch", "--replay", rec, "--port", "0"])
    check(rc == 0, f"replay exit {rc}: {err}")
    check(norm_text(first) == norm_text(again),
          f"lesson {lesson}: replay transcript differs:\n--- recorded\n"
          f"{first}\n--- replayed\n{again}")
    jrec = rec + ".json-run"
    rc, j1, err = run(args[:-2] + ["--record", jrec, "--json"] +
                      (["--steps", steps] if steps else []))
    rc2, j2, err2 = run(["batch", "--replay", jrec, "--port", "0", "--json"])
    check(rc == 0 and rc2 == 0, f"json runs: {err} {err2}")
    check(norm_json(j1) == norm_json(j2),
          f"lesson {lesson}: replayed JSON differs from the recorded run")
    check(j1.count('"event":"return"') > 3, "the JSON run took steps")


def test_hand_written():
    rec = os.path.join(TMP, "hand.txt")
    with open(rec, "w") as f:
        f.write("# connect before listen, by hand\nlesson 02\n"
                "steps s s\nsteps c c   # two lines add up\n")
    rc, out, err = run(["batch", "--replay", rec, "--port", "0", "--json"])
    check(rc == 0, f"hand-written record: {rc} {err}")
    rets = [(e["side"], e["call"], e["errno"]) for e in map(json.loads,
            out.splitlines()) if e.get("event") == "return"]
    check(rets[-1] == ("client", "connect", "ECONNREFUSED"),
          f"four steps, ending in a refused connect: {rets}")
    check(len(rets) == 4, f"exactly the 4 recorded steps: {rets}")


def test_mistakes():
    bad = os.path.join(TMP, "bad.txt")
    with open(bad, "w") as f:
        f.write("lesson 01\nport 9190\nspeed fast\n")
    rc, out, err = run(["batch", "--replay", bad])
    check(rc == 2 and f"{bad}:3: unknown line 'speed fast'" in err,
          f"unknown line: {rc} {err!r}")
    with open(bad, "w") as f:
        f.write("lesson 01\nsteps s x\n")
    rc, out, err = run(["batch", "--replay", bad, "--port", "0"])
    check(rc == 2 and "bad step 'x'" in err, f"bad token: {rc} {err!r}")
    with open(bad, "w") as f:
        f.write("steps s\n")
    rc, out, err = run(["batch", "--replay", bad])
    check(rc == 2 and "no 'lesson' line" in err, f"no lesson: {rc} {err!r}")
    with open(bad, "w") as f:
        f.write("lesson 01\n")
    rc, out, err = run(["batch", "--replay", bad])
    check(rc == 2 and "no steps recorded" in err, f"no steps: {rc} {err!r}")
    rc, out, err = run(["batch", "--replay", os.path.join(TMP, "none")])
    check(rc == 2 and "No such file" in err, f"missing file: {rc} {err!r}")
    rc, out, err = run(["batch", "1", "--replay", bad])
    check(rc == 2 and "comes from the record" in err,
          f"lesson and --replay: {rc} {err!r}")
    rc, out, err = run(["batch", "--replay", bad, "--steps", "s"])
    check(rc == 2, f"--steps with --replay refused: {rc} {err!r}")


def one_error(args, want, what):
    """Exit 2, one line on stderr containing want, and not a single
    control byte on either stream."""
    p = subprocess.run([SOCKSTEP] + args, capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    err = p.stderr.decode(errors="replace")
    lines = err.strip().splitlines()
    check(p.returncode == 2, f"{what}: exit {p.returncode} (want 2) {err!r}")
    check(len(lines) == 1 and want in err, f"{what}: want {want!r} in one "
          f"line, got {err!r}")
    ctl = [b for b in p.stdout + p.stderr if b < 0x20 and b not in b"\n\t"]
    check(not ctl, f"{what}: control bytes reached the terminal: {ctl[:5]}")


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(text.encode() if isinstance(text, str) else text)
    return path


def many_steps_lesson():
    """A lesson whose server makes thousands of socket calls."""
    d = os.path.join(TMP, "many")
    os.makedirs(d, exist_ok=True)
    write("many/srv.py", "import socket\nfor i in range(2000):\n"
          "    socket.socket().close()\n")
    write("many/lesson.ini", f"""[lesson]
title.en = many
title.zh = many
goal.en = g
goal.zh = g
server = {sys.executable} {d}/srv.py {{port}}
client = {sys.executable} {d}/srv.py {{port}}
steps = s
""")
    return d


def server_returns(out):
    return len(re.findall(r"^server   .*\) = ", out, re.M))


def test_long_record(n=2100):
    """More steps than the one line of old could hold (about 2,048):
    written on lines of bounded length, replayed whole; and the old
    one-line form of the same record still replays."""
    rec = os.path.join(TMP, "long.txt")
    spec = " ".join(["s"] * n)
    rc, out, err = run(["batch", many_steps_lesson(), "--port", "0",
                        "--steps", spec, "--record", rec],
                       timeout=110)
    check(rc == 0, f"long run: exit {rc} {err}")
    text = record_file("long.txt")
    longest = max(len(l) for l in text.splitlines())
    check(longest <= 80, f"long record: a line of {longest} bytes")
    check(text.endswith(f"\nend {n}\n"), f"long record: end {n} last")
    rc, again, err = run(["batch", "--replay", rec, "--port", "0"],
                         timeout=110)
    check(rc == 0, f"long replay: exit {rc} {err}")
    check(norm_text(out) == norm_text(again), "long replay: transcript differs")
    check(server_returns(again) == server_returns(out) >= n,
          f"long replay: {server_returns(again)} server returns, recorded "
          f"{server_returns(out)}")
    steps = [t for l in text.splitlines() if l.startswith("steps ")
             for t in l.split()[1:]]
    old = [l for l in text.splitlines()
           if l.split(" ")[0] not in ("steps", "format", "end")]
    old = write("long-old.txt", "\n".join(old + ["steps " + " ".join(steps)])
                + "\n")
    rc, again, err = run(["batch", "--replay", old, "--port", "0"],
                         timeout=110)
    check(rc == 0 and server_returns(again) == server_returns(out),
          f"long record in the old one-line form: exit {rc} {err}")
    return text


def test_cut_short(text):
    """A record cut between two steps, or in its end line, is an error
    (exit 2) naming the file: never a replay one step short."""
    lines = text.splitlines(keepends=True)
    last_steps = max(i for i, l in enumerate(lines) if l.startswith("steps "))
    cut = write("cut.txt", "".join(lines[:last_steps]))
    one_error(["batch", "--replay", cut, "--port", "0"],
              f"{cut}: record is cut short (no 'end' line", "cut between steps")
    cut = write("cut2.txt", "".join(lines[:-1]) + lines[-1][:5])
    one_error(["batch", "--replay", cut, "--port", "0"],
              f"{cut}: record is cut short (its 'end' line says", "cut in end")
    short = write("short.txt", "# sockstep record\nformat 2\nlesson 01\n"
                  "steps s s s\nsteps c c\nend 6\n")
    one_error(["batch", "--replay", short, "--port", "0"],
              f"{short}: record is cut short (its 'end' line says 6 steps, "
              "it has 5", "wrong count")
    # Hand-written, no format line: taken as it is (test_hand_written).


def test_escapes():
    """Escape sequences in step tokens and lesson paths are refused with
    FILE:LINE before anything is printed; the error has none either."""
    esc = write("esc.txt", "lesson 01\nsteps s s \x1b]0;owned\x07 \x1b[2J c\n")
    one_error(["batch", "--replay", esc, "--port", "0"],
              f"{esc}:2: control character 0x1b", "escape in a step")
    esc = write("esc2.txt", "lesson /tmp/\x1b[2Jx\nsteps s\n")
    one_error(["batch", "--replay", esc, "--port", "0"],
              f"{esc}:1: control character 0x1b", "escape in the lesson path")
    esc = write("esc3.txt", b"lesson 01\nsteps s \xc2\x9b2J\n")
    one_error(["batch", "--replay", esc, "--port", "0"],
              f"{esc}:2: control character U+009B", "C1 CSI in a step")
    esc = write("esc4.txt", "lesson 01\nspeed \x1b[2J\n")
    one_error(["batch", "--replay", esc, "--port", "0"],
              f"{esc}:2: control character 0x1b", "escape in an unknown line")


test_same_transcript("s s s c c s")
test_same_transcript(None)                 # the whole guided order
test_same_transcript(None, lesson="4")     # accept blocks, then wakes
test_hand_written()
test_mistakes()
test_cut_short(test_long_record())
test_escapes()
shutil.rmtree(TMP, ignore_errors=True)
finish()
