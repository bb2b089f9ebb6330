"""The interface's own words in Chinese (po/zh_CN.po through gettext):
from LANG (even where no zh_CN locale is installed), from --lang zh,
errors included; and every message marked in the sources translated."""
import os
import sys
import re
import shutil
import subprocess
import tempfile
from sslib import *

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CJK = re.compile(r"[\u4e00-\u9fff]")


def sockstep(args, **env):
    e = {k: v for k, v in os.environ.items()
         if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    e.update(env)
    return subprocess.run([SOCKSTEP] + args, capture_output=True, text=True,
                          timeout=30, env=e, stdin=subprocess.DEVNULL)


# --help: Chinese from LANG (zh_CN.UTF-8 need not be installed), from
# --lang zh under LANG=C; English from --lang en under a Chinese LANG.
for what, args, env in [("LANG=zh_CN.UTF-8", ["--help"], {"LANG": "zh_CN.UTF-8"}),
                        ("LC_MESSAGES=zh_CN.UTF-8", ["--help"],
                         {"LANG": "C.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}),
                        ("--lang zh", ["--lang", "zh", "--help"], {"LANG": "C"})]:
    p = sockstep(args, **env)
    check(p.returncode == 0 and "逐个套接字调用地单步执行真实的 TCP 服务端和客户端"
          in p.stdout and "选项：" in p.stdout and "--steps SPEC" in p.stdout,
          f"{what}: Chinese --help: {p.stdout[:300]!r}")
p = sockstep(["--lang", "en", "--help"], LANG="zh_CN.UTF-8")
check(p.returncode == 0 and "Step a real TCP server" in p.stdout and
      not CJK.search(p.stdout), f"--lang en wins over LANG: {p.stdout[:200]!r}")
p = sockstep(["--help"], LANG="C")
check("Step a real TCP server" in p.stdout and not CJK.search(p.stdout),
      "English by default")

# Errors: translated, still one line and exit 2; names stay as typed.
p = sockstep(["batch", "--lang", "zh", "no-such-lesson"], LANG="C")
check(p.returncode == 2 and "没有课程“no-such-lesson”" in p.stderr and
      len(p.stderr.strip().splitlines()) == 1, f"zh error: {p.stderr!r}")
p = sockstep(["batch", "--clients", "0"], LANG="zh_CN.UTF-8")
check(p.returncode == 2 and p.stderr.startswith("sockstep: --clients 0：") and
      "用法见 sockstep --help" in p.stderr, f"zh usage error: {p.stderr!r}")
p = sockstep(["batch", "no-such-lesson"], LANG="C")
check(p.returncode == 2 and "no lesson 'no-such-lesson'" in p.stderr,
      f"English error: {p.stderr!r}")

# A real zh_CN.UTF-8 locale, generated without root (localedef into a
# temporary LOCPATH), as a Chinese reader's machine has it: --help,
# the errors of a bad option, a missing lesson, a bad step and a missing
# program are Chinese, each one line with exit status 2; under LC_ALL=C
# the same are English; --lang zh works wherever it stands on the line.
def base_env(**env):
    e = {k: v for k, v in os.environ.items()
         if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "LOCPATH")}
    e.update(env)
    return e


# (arguments, Chinese words, English words): what a user meets.
ERRORS = [
    (["batch", "--clients", "0"], "--clients 0：太小（1 到 9）（用法见 sockstep --help）",
     "--clients 0: too small (1 to 9) (sockstep --help for usage)"),
    (["batch", "--bogus"], "未知选项“--bogus”", "unknown option '--bogus'"),
    (["batch", "no-such-lesson", "--port", "0"], "没有课程“no-such-lesson”",
     "no lesson 'no-such-lesson'"),
    (["batch", "01-hello", "--port", "0", "--steps", "s x9"],
     "无效的步骤“x9”", "bad step 'x9' (expected s, c, cN"),
    (["run", "--batch", "--port", "0", "--server", "no-such-command-here"],
     "no-such-command-here：找不到命令", "no-such-command-here: command not found"),
    (["batch", "--export", "mermaid", "--json"], "--export 和 --json 只能选一个",
     "--export and --json: choose one"),
]
HELP_ZH = ["用法：sockstep [lesson NAME|NUMBER]", "选项：",
           "逐个套接字调用地单步执行真实的 TCP 服务端和客户端",
           "（默认取自 LANGUAGE、LC_ALL、LC_MESSAGES、LANG，"]
HELP_EN = ["usage: sockstep [lesson NAME|NUMBER]", "options:",
           "Step a real TCP server and client"]


def help_is(p, zh, what):
    want, other = (HELP_ZH, HELP_EN) if zh else (HELP_EN, HELP_ZH)
    check(p.returncode == 0 and all(w in p.stdout for w in want) and
          not any(w in p.stdout for w in other) and
          (zh or not CJK.search(p.stdout)),
          f"{what}: {'Chinese' if zh else 'English'} --help: {p.stdout[:400]!r}")


def errors_are(zh, what, env, lang_after=False):
    for args, words_zh, words_en in ERRORS:
        args = args + (["--lang", "zh"] if lang_after else [])
        bad(args, words_zh if zh else words_en, f"{what}: {' '.join(args)}",
            env=env, timeout=60)
    # strerror's words in the same language and readable, never "???".
    p = sockstep(["batch", "--replay", "/nonexistent/rec"] +
                 (["--lang", "zh"] if lang_after else []), **env)
    check(p.returncode == 2 and "??" not in p.stderr and
          (zh or not CJK.search(p.stderr)), f"{what}: strerror {p.stderr!r}")


locdir = tempfile.mkdtemp(prefix="sockstep-locale-")
try:
    made = None
    if shutil.which("localedef") and os.path.exists("/usr/share/i18n/locales/zh_CN"):
        subprocess.run(["localedef", "-i", "zh_CN", "-f", "UTF-8",
                        os.path.join(locdir, "zh_CN.UTF-8")],
                       capture_output=True, timeout=120)
        # localedef exits 1 on mere warnings: the locale loading is the test.
        q = subprocess.run(["locale", "charmap"], capture_output=True, text=True,
                           env=base_env(LOCPATH=locdir, LC_ALL="zh_CN.UTF-8"))
        made = q.stdout.strip() == "UTF-8" and not q.stderr
        check(made, f"generated zh_CN.UTF-8 does not load: {q.stdout!r} {q.stderr!r}")
    else:
        print("localedef or /usr/share/i18n/locales/zh_CN missing (Debian "
              "package locales): the generated-locale checks are skipped")
    if made:
        print("checked under a generated zh_CN.UTF-8 locale")
        zh = base_env(LOCPATH=locdir, LANG="zh_CN.UTF-8")
        help_is(sockstep(["--help"], **zh), True, "generated zh_CN.UTF-8")
        help_is(sockstep(["batch", "--help"], **zh), True, "zh_CN.UTF-8, batch --help")
        errors_are(True, "zh_CN.UTF-8", zh)
        help_is(sockstep(["--help", "--lang", "en"], **zh), False,
                "zh_CN.UTF-8 with --lang en")
        help_is(sockstep(["--help"], **dict(zh, LANGUAGE="en_US:zh_CN")), False,
                "zh_CN.UTF-8 with LANGUAGE=en_US first")
        rc = subprocess.run([SOCKSTEP, "batch", "01-hello", "--port", "0",
                             "--steps", "s"], capture_output=True, text=True,
                            timeout=60, env=dict(zh, LANGUAGE="en"),
                            stdin=subprocess.DEVNULL)
        check(rc.returncode == 0 and not CJK.search(rc.stdout),
              f"LANGUAGE=en: the narration follows --help's language: {rc.stdout[:300]!r}")
        c_en = base_env(LOCPATH=locdir, LANG="zh_CN.UTF-8", LC_ALL="C")
        help_is(sockstep(["--help"], **c_en), False, "LC_ALL=C over zh_CN LANG")
        errors_are(False, "LC_ALL=C", c_en)
finally:
    shutil.rmtree(locdir, ignore_errors=True)

# --lang zh in the C locale, before the verb's options or after them:
# the error comes out in the language asked for, wherever --lang stands.
c = base_env(LC_ALL="C")
help_is(sockstep(["--help"], **c), False, "C locale")
help_is(sockstep(["--help", "--lang", "zh"], **c), True, "C locale, --help --lang zh")
help_is(sockstep(["run", "--lang=zh", "--help"], **c), True, "C locale, run --lang=zh --help")
errors_are(True, "C locale, --lang zh after the cause", c, lang_after=True)
errors_are(False, "C locale", c)
# A record that is not one: said in the language asked for.
with tempfile.TemporaryDirectory() as tmp:
    rec = os.path.join(tmp, "bad.walk")
    with open(rec, "w") as f:
        f.write("steps s s\n")
    bad(["batch", "--replay", rec, "--lang", "zh"], "bad.walk：没有“lesson”行",
        "C locale, --lang zh: a record without its lesson", env=c)
    bad(["batch", "--replay", rec], "bad.walk: no 'lesson' line",
        "C locale: a record without its lesson", env=c)
# ... and before the verb: the verb is the first word that is no option.
bad(["--lang", "zh", "batch", "no-such-lesson", "--port", "0"],
    "没有课程“no-such-lesson”", "C locale, --lang zh before the verb", env=c)
bad(["--lang=zh", "--clients", "0", "batch"], "--clients 0：太小",
    "C locale, options before the verb", env=c)
bad(["--lesson", "run"], "--server, --client, --lesson and --batch belong to "
    "'sockstep run'", "an option's value is not the verb", env=c)
help_is(sockstep(["--help"], **base_env(LANG="C", LANGUAGE="zh_CN")), False,
        "LANGUAGE is ignored under the C locale, as gettext ignores it")

# The transcript's words are not the interface's: JSON keys, call names
# and notes stay as they are under --lang zh.
rc, out, err = run(["batch", "--json", "--lang", "zh", "01-hello", "--port", "0",
                    "--steps", "s s"])
evs = events(out)
check(rc == 0 and [e["call"] for e in evs if e["event"] == "return"] ==
      ["socket", "bind"], f"zh transcript keeps call names: {rc} {err}")

# Every marked message has a translation: a template from po/POTFILES,
# merged with zh_CN.po, nothing untranslated or fuzzy; and every source
# file that marks messages is in POTFILES.
tools = [shutil.which(t) for t in ("xgettext", "msgmerge", "msgfmt")]
if not all(tools):
    print("gettext tools missing: completeness not checked")
    finish() if FAILS else sys.exit(77)
with open(os.path.join(SRC, "po", "POTFILES")) as f:
    listed = [l.strip() for l in f if l.strip() and not l.startswith("#")]
marked = []
for d in ("src",):
    for name in sorted(os.listdir(os.path.join(SRC, d))):
        if name.endswith(".c"):
            with open(os.path.join(SRC, d, name), encoding="utf-8") as f:
                if re.search(r"\bN?_\(\"", f.read()):
                    marked.append(f"{d}/{name}")
check(set(marked) <= set(listed),
      f"files marking messages but not in po/POTFILES: {sorted(set(marked) - set(listed))}")
with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "sockstep.pot")
    subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                    "--flag=N_:1:pass-c-format", "-D", SRC, "-o", pot] + listed,
                   check=True, capture_output=True)
    merged = os.path.join(tmp, "zh_CN.po")
    subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged,
                    os.path.join(SRC, "po", "zh_CN.po"), pot], check=True,
                   capture_output=True)
    st = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull,
                         merged], capture_output=True, text=True)
    stats = st.stderr.strip()
    check(st.returncode == 0 and re.fullmatch(r"\d+ translated messages?\.", stats),
          f"zh_CN.po incomplete or broken: {stats} (ninja sockstep-update-po, "
          f"then translate)")
    n = int(re.match(r"\d+", stats).group()) if re.match(r"\d+", stats) else 0
    check(n >= 90, f"only {n} messages: are the sources still marked?")
finish()
