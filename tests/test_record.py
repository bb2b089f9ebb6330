"""Record and replay: a batch run recorded with --record replays with
--replay to the same transcript (text and JSON Lines) apart from ports,
pids and inodes; the record file is plain text a person can write;
mistakes in it are FILE:LINE errors with exit status 2."""
import json
import os
import re
import tempfile

from sslib import check, finish, run

TMP = tempfile.mkdtemp(prefix="sockstep-record-")


def norm_ports(text):
    """Each distinct port becomes P1, P2, ... in order of appearance."""
    seen = {}

    def sub(m):
        p = m.group(2)
        seen.setdefault(p, f"P{len(seen) + 1}")
        return m.group(1) + seen[p]
    text = re.sub(r"0x[0-9a-f]+", "0xADDR", text)    # ASLR
    return re.sub(r"(127\.0\.0\.1:|port )(\d+)", sub, text)


def norm_text(out):
    """Ports and pointers.  A step that wakes the other side (connect
    waking accept) reports both returns in the order the tracer saw
    them, in a forward run as in a replay: within a step (up to its
    kernel line) the order of the lines is free; the steps, their lines
    and each step's kernel line must be the same."""
    groups, cur = [], []
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
        for k in ("seq", "pid", "kernel"):
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


test_same_transcript("s s s c c s")
test_same_transcript(None)                 # the whole guided order
test_same_transcript(None, lesson="4")     # accept blocks, then wakes
test_hand_written()
test_mistakes()
finish()
