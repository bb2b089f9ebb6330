"""The wire lane on the screen (issue 16 §2), in tmux: between the
SERVER and CLIENT lifelines of the timeline, under a " wire " label, the
client's connect() carries its SYN to the server (head on the server's
side), then SYN,ACK to the client and ACK to the server, as captured;
the server's write() its 12 bytes.  With --net host the rule says the
wire is not captured, and the lane keeps what the calls imply.  At
80x24 and 200x50."""
import os
import re
import shlex

from sslib import *
import tuilib
from tuilib import TMP, screen, tmux


def start(name, cols, rows, args):
    cmd = (f"cd {shlex.quote(TMP)}; env {tuilib.ENV} LANG=C.UTF-8 "
           f"XDG_STATE_HOME={shlex.quote(os.path.join(TMP, 'state'))} "
           f"{shlex.quote(SOCKSTEP)} {args}; echo sockstep-exit=$?; "
           f"sleep 300")
    tmux("new-session", "-d", "-x", str(cols), "-y", str(rows), "-s", name,
         cmd)


def step(name, key, done, what):
    """A key, a prediction skipped if one is asked, then the screen once
    done(text) holds."""
    tmux("send-keys", "-t", name, key)
    text = tuilib.wait(name, lambda s: done(s) or "x skips" in s, what, 30)
    if "x skips" in text and not done(text):
        tmux("send-keys", "-t", name, "x")
        text = tuilib.wait(name, lambda s: done(s) or "x skips" in s,
                           what, 30)
        if "x skips" in text:
            tmux("send-keys", "-t", name, "x")
            text = tuilib.wait(name, done, what, 30)
    return text


def said(text):
    """The message line: what the last key did."""
    lines = text.rstrip("\n").splitlines()
    return lines[-2] if len(lines) >= 2 else ""


def timeline(text):
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if "TIMELINE" in l:
            return l, lines[i + 1:]
    return "", []


try:
    # 1. 200x50: every segment of the handshake and the data on its row.
    start("big", 200, 50, "lesson 01-hello --port 0")
    tuilib.wait("big", lambda s: "paused before socket()" in s,
                "the lesson starts", 30)
    for k, side, call in (("s", "server", "socket"), ("s", "server", "bind"),
                          ("s", "server", "listen"),
                          ("c", "client", "socket")):
        step("big", k, lambda s, w=f"{side} {call}(": w in said(s),
             f"{k}: {call}")
    text = step("big", "c", lambda s: "client connect(" in said(s) and
                "SYN,ACK" in s, "connect: its segments on the wire lane")
    rule, rows = timeline(text)
    check(" wire " in rule, f"the lane is labelled wire: {rule!r}")
    conn = [r for r in rows if "connect(" in r]
    check(conn and re.search(r"[◀<]─* SYN ─*│", conn[0]) is not None,
          f"connect()'s row carries its SYN, head at the server: {conn}")
    sa = [r for r in rows if "SYN,ACK" in r]
    check(sa and re.search(r"SYN,ACK ─*[▶>]", sa[0]) is not None,
          f"SYN,ACK goes to the client: {sa}")
    i = rows.index(sa[0]) if sa else -1
    check(i >= 0 and i + 1 < len(rows) and
          re.search(r"[◀<]─* ACK ─*│", rows[i + 1]) is not None,
          f"then ACK to the server: {rows[i:i + 2]}")
    step("big", "s", lambda s: "server accept(" in said(s), "accept")
    text = step("big", "s", lambda s: "server write(" in said(s) and
                "12 B" in s, "write: 12 B")
    rule, rows = timeline(text)
    w = [r for r in rows if "write(" in r]
    check(w and re.search(r"12 B ─*[▶>]", w[0]) is not None,
          f"write()'s 12 bytes to the client: {w}")
    tmux("send-keys", "-t", "big", "q")
    tuilib.wait("big", lambda s: "sockstep-exit=0" in s, "q quits", 30)

    # 2. 80x24 on the host's network: the rule says why the lane is empty
    #    of captured segments; the implied handshake stays.
    start("host", 80, 24, "lesson 01-hello --port 0 --net host")
    text = tuilib.wait("host", lambda s: "paused before socket()" in s,
                       "the lesson starts", 30)
    rule, rows = timeline(text)
    check("no wire: --net host" in rule and " wire " not in
          rule.replace("no wire:", ""),
          f"--net host: the rule says no wire: {rule!r}")
    tmux("send-keys", "-t", "host", "q")
    tuilib.wait("host", lambda s: "sockstep-exit=0" in s, "q quits", 30)

    # 3. 80x24 on the lab network: the label fits.
    start("small", 80, 24, "lesson 01-hello --port 0")
    text = tuilib.wait("small", lambda s: "paused before socket()" in s,
                       "the lesson starts", 30)
    rule, rows = timeline(text)
    check(" wire " in rule and "server" in rule and "client" in rule,
          f"80x24: server, wire, client on the rule: {rule!r}")
    tmux("send-keys", "-t", "small", "q")
    tuilib.wait("small", lambda s: "sockstep-exit=0" in s, "q quits", 30)
finally:
    tuilib.cleanup()
finish()
