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
