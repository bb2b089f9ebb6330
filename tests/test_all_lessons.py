"""Every lesson, as CI must see it: check-lesson passes with no warning,
and the guided order runs through `sockstep batch` with every check
passing, in both languages, with the narration present in each (the
same calls narrated, Chinese text in zh, none in en) and title and goal
in both."""
import configparser
import os
import re
from sslib import *

CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(text):
    """Written in Chinese: not just a quoted phrase of the textbook."""
    return len(CJK.findall(text)) > len(text) // 10
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lessons")

rc, out, err = run(["lessons"])
names = [l.split()[0] for l in out.splitlines() if l.strip()]
check(rc == 0 and len(names) == 10 and names[0] == "01-hello" and
      names[-1] == "10-calculator", f"ten lessons listed: {names} {err}")

for name in names:
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.read(os.path.join(SRC, name, "lesson.ini"), encoding="utf-8")
    for key in ("title", "goal"):
        en, zh = ini["lesson"].get(key + ".en"), ini["lesson"].get(key + ".zh")
        check(en and zh and chinese(zh) and not chinese(en),
              f"{name}: {key} in en and zh")

    # check-lesson's warnings (narration never shown, a prediction never
    # asked, issue 18 §5) do not change its exit status; for the
    # built-in lessons they are errors: its one line must be "ok".
    rc, out, err = run(["check-lesson", name])
    lines = out.strip().splitlines()
    check(rc == 0 and len(lines) == 1 and lines[0].endswith(" checks passed)"),
          f"{name}: check-lesson, no warning: {rc} {out!r} {err!r}")

    told = {}
    for lang in ("en", "zh"):
        rc, evs, err = batch_json([name, "--port", "0", "--lang", lang], timeout=60)
        checks = [e for e in evs if e["event"] == "check"]
        bad = [(e["expr"], e["detail"]) for e in checks if e["result"] != "passed"]
        check(rc == 0 and checks and not bad,
              f"{name} --lang {lang}: exit {rc}, {len(checks)} checks, failed {bad} {err}")
        narr = [(e["side"], e["call"], e["event"], e["narration"]) for e in evs
                if e.get("narration")]
        check(narr, f"{name} --lang {lang}: narration shown")
        wrong = [n for n in narr if chinese(n[3]) != (lang == "zh")]
        check(not wrong, f"{name} --lang {lang}: narration in the wrong language: {wrong[:2]}")
        told[lang] = [n[:3] for n in narr]
        no_leftovers(evs, f"{name} --lang {lang}")
    # Each narrated call in one language is narrated in the other: no key
    # missing.  (Blocking order may differ between runs: compare as sets.)
    check(set(told["en"]) == set(told["zh"]),
          f"{name}: the same calls narrated in en and zh: "
          f"{set(told['en']) ^ set(told['zh'])}")
finish()
