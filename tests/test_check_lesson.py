"""Lesson files: check-lesson reports each mistake as file:line, and a
lesson whose check does not hold makes batch exit non-zero."""
import os
import tempfile
from sslib import *

rc, out, err = run(["check-lesson", "01-hello"])
check(rc == 0 and out.strip().endswith("checks passed)"), f"lesson 1 ok: {rc} {out!r} {err!r}")

bindir = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "lessons", "01-hello")
HEAD = f"""[lesson]
title.en = t
title.zh = t
goal.en = g
goal.zh = g
server = {bindir}/server {{port}}
client = {bindir}/client 127.0.0.1 {{port}}
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
       10, "never reaches", "narration for a call never made")
expect("[narration]\nlisten.after.en = only english\n", 10, "has no zh text",
       "missing translation")
expect("[predict]\n5.question.en = q\n5.question.zh = q\n5.choices.en = a | b | c\n"
       "5.choices.zh = a | b | c\n5.answer = 4\n5.explain.en = e\n5.explain.zh = e\n",
       10, "answer 4 but only 3 choices", "bad prediction answer")
expect("[checks]\nafter 5 = queue = 2\n", 10,
       "expected accept queue = 2, the kernel shows 1", "a check that fails")
expect("[checks]\nafter 5 = serverr accept >= 0\n", 10, "'serverr' is not a side",
       "a check that does not parse")

# batch of a lesson whose check fails: exit 1, the check says why.
d = lesson("[checks]\nafter 5 = client connect = -1 ECONNREFUSED\n")
rc, evs, err = batch_json([d, "--port", "0"])
chk = [e for e in evs if e["event"] == "check"]
check(rc == 1 and chk and chk[0]["result"] == "failed" and
      "it returned 0" in chk[0]["detail"], f"failing check: {rc} {chk}")
finish()
