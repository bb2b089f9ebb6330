"""Lesson files: check-lesson reports each mistake as file:line, and a
lesson whose check does not hold makes batch exit non-zero.  A FIFO (or
anything but a regular file) named lesson.ini is refused, never waited
on; a lesson.ini saved with a UTF-8 byte order mark reads."""
import os
import subprocess
import tempfile
from sslib import *

rc, out, err = run(["check-lesson", "01-hello"])
builtin_err = err
check(rc == 0 and out.strip().endswith("checks passed)"), f"lesson 1 ok: {rc} {out!r} {err!r}")

bindir = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "lessons", "01-hello")
HEAD = f"""[lesson]
title.en = t
title.zh = t
goal.en = g
goal.zh = g
server = {bindir}/server {{port}}
client = {bindir}/client {{ip}} {{port}}
steps = s s s c c s s s s c c
"""


def lesson(body):
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "lesson.ini"), "w") as f:
        f.write(HEAD + body)
    return d


def expect(body, want_line, want_text, what, rc_want=1):
    d = lesson(body)
    rc, out, err = run(["check-lesson", d])
    check(rc == rc_want, f"{what}: exit {rc} (want {rc_want}) {out!r} {err!r}")
    where = f"{d}/lesson.ini:{want_line}:"
    check(any(where in l and want_text in l
              for l in (out + err).splitlines()),
          f"{what}: want '{where} ...{want_text}' in {out + err!r}")


expect("bogus = 1\n", 9, "unknown key 'bogus'", "unknown key", rc_want=2)
expect("[narration]\nserver.shutdown.before.en = x\nserver.shutdown.before.zh = x\n",
       10, "warning: narration server.shutdown.before is never shown",
       "narration for a call never made", rc_want=0)
expect("[narration]\nlisten.after.en = only english\n", 10, "has no zh text",
       "missing translation")
expect("[predict]\n5.question.en = q\n5.question.zh = q\n5.choices.en = a | b | c\n"
       "5.choices.zh = a | b | c\n5.answer = 4\n5.explain.en = e\n5.explain.zh = e\n",
       10, "answer 4 but only 3 choices", "bad prediction answer")
expect("[checks]\nafter 5 = queue = 2\n", 10,
       "expected accept queue = 2, the kernel shows 1", "a check that fails")
expect("[checks]\nafter 5 = serverr accept >= 0\n", 10, "'serverr' is not a side",
       "a check that does not parse")


# Issue 18 §5: what a run of the guided order never showed is a warning
# at the line of its key, counted when its words show as the transcript
# shows them.  The lines are exact: the file is HEAD (8 lines) then body.
def warnings_of(d, steps, body, rc_want, what):
    """check-lesson of HEAD with these steps, then body: the line
    numbers of its warnings, as a sorted list."""
    with open(os.path.join(d, "lesson.ini"), "w") as f:
        f.write(HEAD.replace("steps = s s s c c s s s s c c",
                             "steps = " + steps) + body)
    rc, out, err = run(["check-lesson", d])
    check(rc == rc_want, f"{what}: exit {rc} (want {rc_want}) {out!r} {err!r}")
    where = f"{d}/lesson.ini:"
    lines = sorted(int(l[len(where):].split(":")[0]) for l in out.splitlines()
                   if l.startswith(where) and ": warning: " in l)
    return lines, out


NARR = lambda key: f"{key}.en = x\n{key}.zh = x\n"

# An after text for a call taken that never returns (lesson 5's bug: a
# client's connect() still blocked when the lab ended was counted): the
# server's accept() blocks, no client ever connects.  Its before text
# was shown (no warning at 10), the after text never (12).
d = tempfile.mkdtemp()
got, out = warnings_of(d, "s s s s", "[narration]\n" +
                       NARR("server.accept.before") +
                       NARR("server.accept.after"), 0,
                       "after text of a call that never returns")
check(got == [12], f"after text of a call that never returns: warning lines "
      f"{got}, want [12]: {out!r}")
check(f"{d}/lesson.ini:12: warning: narration server.accept.after is never "
      "shown" in out, f"the warning names the key: {out!r}")
check(out.strip().splitlines()[-1] == f"{d}/lesson.ini: ok (4 steps, 0 checks "
      "passed), warnings: 1", f"the summary counts it: {out!r}")

# A failed call shows no after text: connect() before any listen() is
# refused, so connect.after (12) is never shown; connect.before (10) is.
d = tempfile.mkdtemp()
got, out = warnings_of(d, "c c", "[narration]\n" + NARR("connect.before") +
                       NARR("connect.after"), 0, "after text of a failed call")
check(got == [12], f"after text of a failed call: warning lines {got}, "
      f"want [12]: {out!r}")

# The most specific entry wins: client2's own text is shown for client2,
# "client" (11) for client 1; client3's (15) never, in a run of two
# clients (one line more: clients = 2).
d = tempfile.mkdtemp()
got, out = warnings_of(d, "c c2\nclients = 2", "[narration]\n" +
                       NARR("client.socket.before") +
                       NARR("client2.socket.before") +
                       NARR("client3.socket.before"), 0, "narration per client")
check(got == [15], f"narration per client: warning lines {got}, want [15]: "
      f"{out!r}")

# A prediction is asked as its guided step begins: the order stops at
# step 12 (the client has exited), so prediction 13 (line 10) is never
# asked, and prediction 5 (line 17) was.  Step 12's own question was
# asked before the step failed: no warning.
PRED = lambda n: (f"{n}.question.en = q\n{n}.question.zh = q\n"
                  f"{n}.choices.en = a | b\n{n}.choices.zh = a | b\n"
                  f"{n}.answer = 1\n{n}.explain.en = e\n{n}.explain.zh = e\n")
d = tempfile.mkdtemp()
got, out = warnings_of(d, "s s s c c s s s s c c c c", "[predict]\n" +
                       PRED(13) + PRED(5) + PRED(12), 1,
                       "prediction never asked")
check(got == [10], f"prediction never asked: warning lines {got}, want [10]: "
      f"{out!r}")
check(f"{d}/lesson.ini:10: warning: prediction 13 is never asked" in out,
      f"the warning names the prediction: {out!r}")
check(f"{d}/lesson.ini:8: guided order: step 12 (c)" in out,
      f"why: the guided order stopped: {out!r}")

def bounded(args, env=None):
    """(rc, stdout, stderr); a hang is a failure, never a stuck run."""
    try:
        p = subprocess.run([SOCKSTEP] + args, capture_output=True, text=True,
                           timeout=30, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after 30 s"
    return p.returncode, p.stdout, p.stderr


# A FIFO named lesson.ini: one line, exit 2, within the time limit.
fifo = tempfile.mkdtemp()
os.mkfifo(os.path.join(fifo, "lesson.ini"))
want = f"{fifo}/lesson.ini: not a regular file"
for args in (["check-lesson", fifo], ["batch", fifo, "--port", "0"]):
    rc, out, err = bounded(args)
    check(rc == 2 and want in err and len(err.strip().splitlines()) == 1,
          f"{' '.join(args[:1])} of a FIFO lesson.ini: exit {rc} {err!r}")
# In the lesson tree: listed as broken, the others still listed.
root = tempfile.mkdtemp()
os.mkdir(os.path.join(root, "09-fifo"))
os.mkfifo(os.path.join(root, "09-fifo", "lesson.ini"))
os.mkdir(os.path.join(root, "01-ok"))
with open(os.path.join(root, "01-ok", "lesson.ini"), "w") as f:
    f.write(HEAD)
rc, out, err = bounded(["lessons"], env=dict(os.environ, SOCKSTEP_LESSONS=root,
                                             XDG_STATE_HOME=root))
check(rc == 0 and "not a regular file" in out and "01-ok" in out,
      f"lessons with a FIFO lesson.ini in the tree: exit {rc} {out!r} {err!r}")

# A byte order mark, as some Windows editors save UTF-8: read, and run.
d = tempfile.mkdtemp()
with open(os.path.join(d, "lesson.ini"), "w", encoding="utf-8-sig") as f:
    f.write(HEAD + "[checks]\nafter 5 = client connect = 0\n")
rc, out, err = bounded(["check-lesson", d])
check(rc == 0 and out.strip().endswith("checks passed)"),
      f"lesson.ini with a BOM: exit {rc} {out!r} {err!r}")

# A lesson from outside the built-in set says what it will run, before it
# runs it (issue 19 item 11); a built-in one does not.
check("not a built-in lesson" not in builtin_err,
      f"lesson 1 says nothing: {builtin_err!r}")
d = lesson("")
for args in (["check-lesson", d], ["batch", d, "--port", "0"]):
    rc, out, err = bounded(args)
    check(f"{d} is not a built-in lesson; it runs: server '{bindir}/server "
          f"{{port}}', client '{bindir}/client {{ip}} {{port}}'" in err,
          f"{args[0]} of a lesson of one's own names its commands: {err!r}")

# batch of a lesson whose check fails: exit 1, the check says why.
d = lesson("[checks]\nafter 5 = client connect = -1 ECONNREFUSED\n")
rc, evs, err = batch_json([d, "--port", "0"])
chk = [e for e in evs if e["event"] == "check"]
check(rc == 1 and chk and chk[0]["result"] == "failed" and
      "it returned 0" in chk[0]["detail"], f"failing check: {rc} {chk}")
finish()
