"""The screen in Chinese where the environment gives no UTF-8 (LANG=C,
as in a fresh container): --lang zh, and a replayed record made in
Chinese, draw Chinese words, not question marks; without them the screen
stays English with its ASCII glyphs.  Driven in tmux; skips (77) without
tmux."""
import os
import shlex

from sslib import SOCKSTEP, check, finish, run
import tuilib
from tuilib import TMP, screen, tmux


def start(name, args):
    # LANG=C and nothing else: the locale a container starts with.
    cmd = (f"cd {shlex.quote(TMP)}; env -u LC_ALL -u LC_MESSAGES -u LANGUAGE "
           f"-u LC_CTYPE {tuilib.ENV} LANG=C "
           f"XDG_STATE_HOME={shlex.quote(os.path.join(TMP, 'state'))} "
           f"{shlex.quote(SOCKSTEP)} {args}; echo sockstep-exit=$?; sleep 300")
    tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", name, cmd)


def bar(text):
    lines = [l for l in text.split("\n") if l.strip()]
    return lines[-1] if lines else ""


def quit_ok(name):
    tmux("send-keys", "-t", name, "q")
    tuilib.wait(name, lambda s: "sockstep-exit=0" in s, "q ends with status 0",
                timeout=20)


def chinese_screen(name, what):
    text = tuilib.wait(name, lambda s: "退出" in bar(s),
                       f"{what}: the key bar in Chinese", timeout=20)
    check("??" not in text and "服务端" in bar(text),
          f"{what}: Chinese drawn as characters:\n{text}")
    check("▶" in text, f"{what}: UTF-8 glyphs with the Chinese:\n{text}")
    return text


try:
    start("zh", "lesson 1 --lang zh --port 0")
    chinese_screen("zh", "LANG=C --lang zh")
    quit_ok("zh")

    rec = os.path.join(TMP, "zh.walk")
    rc, out, err = run(["batch", "01-hello", "--port", "0", "--lang", "zh",
                        "--steps", "s s", "--record", rec])
    check(rc == 0 and os.path.exists(rec), f"record made: {rc} {err}")
    start("replay", f"replay {shlex.quote(rec)} --port 0")
    text = chinese_screen("replay", "LANG=C replay of a Chinese record")
    check("引导步骤" in text.split("\n")[0], f"title in Chinese:\n{text}")
    quit_ok("replay")

    start("en", "lesson 1 --port 0")
    text = tuilib.wait("en", lambda s: "quit" in bar(s),
                       "LANG=C: the key bar in English", timeout=20)
    check(">socket" in text and "▶" not in text,
          f"LANG=C English keeps its ASCII glyphs:\n{text}")
    quit_ok("en")
finally:
    tuilib.cleanup()
finish()
