"""Typing into a side on the screen (issue 15 §3), driven for real in
tmux: the client waits for input and the screen says so; i opens the
editor, a line typed (Chinese too) is sent with Enter, shown once as
typed input, and the echo the program printed comes back on screen;
b steps back and replays the typed line; Ctrl-D is end-of-file; i on a
client that has ended is refused; --record saves the typed line.
Skips (77) without tmux."""
import json
import os
import re
import shlex
import subprocess

from sslib import SOCKSTEP, check, finish
import tuilib
from tuilib import TMP, screen, tmux

T = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "tests")
ECHOKBD = os.environ.get("ECHOKBD", os.path.join(T, "echokbd"))
ECHOSRV = os.environ.get("ECHOSRV", os.path.join(T, "echosrv"))
WAIT = float(os.environ.get("INPUT_WAIT", "10"))
REC = os.path.join(TMP, "typed.rec")


def start(name, args):
    cmd = (f"cd {shlex.quote(TMP)}; env {tuilib.ENV} LANG=C.UTF-8 "
           f"XDG_STATE_HOME={shlex.quote(TMP)} {shlex.quote(SOCKSTEP)} "
           f"{args}; echo sockstep-exit=$?; sleep 300")
    tmux("new-session", "-d", "-x", "110", "-y", "34", "-s", name, cmd)


def wait(name, pred, what, timeout=WAIT):
    return tuilib.wait(name, pred, what, timeout)


def keys(name, *k):
    tmux("send-keys", "-t", name, *k)


def has(*pats):
    return lambda s: all(re.search(p, s) for p in pats)


name = "typing"
srv = shlex.quote(f"{ECHOSRV} {{port}}")
cli = shlex.quote(f"{ECHOKBD} 127.0.0.1 {{port}}")
start(name, f"run --port 0 --server {srv} --client {cli}")
wait(name, has(r"s server"), "the screen is up")
keys(name, "S")
wait(name, has(r"BLOCKED in accept"), "the server blocks in accept")
keys(name, "C")
# The client asleep in read() of its terminal: waiting for input, not
# blocked, and the key bar and the narration say which key types.
wait(name, has(r"waiting for input", r"i type \(waits\)|type: client waits",
               r"Input message\(Q to quit\)"),
     "the client waits for input, and i is the key")
text = screen(name)
check(not re.search(r"client +in read\(\)", text),
      f"the kernel pane does not call it blocked in read:\n{text}")
keys(name, "i")
wait(name, has(r"type into client>"), "i opens the editor")
keys(name, "-l", "hello 世界")
wait(name, has(r"type into client> hello 世界"), "the line is in the editor")
keys(name, "Enter")
wait(name, has(r"< hello 世界", r"next . write\(3, \"hello"),
     "typed, the client reads it and is paused before write()")
keys(name, "c")
wait(name, has(r"write\(3, \"hello .*= 13"), "c: it writes the line")
keys(name, "S")
wait(name, has(r"BLOCKED in read\(\) . waiting for data +│"),
     "S: the server reads, echoes and waits for more")
keys(name, "C")
text = wait(name, has(r"│ Message from server: hello 世界"),
            "the echo the client printed comes back")
check("out: hello 世界" not in text and "│ hello 世界" not in text,
      f"the terminal did not echo the typed line back:\n{text}")

# b: back one step; the typed line is taken again out of sight.
keys(name, "b")
wait(name, has(r"< hello 世界", r"next . read\(3"),
     "after b the typed line was typed again", timeout=WAIT * 2)
check(not re.search(r"│ Message from server: hello", screen(name)),
      "b went back before the echo")
keys(name, "f")
wait(name, has(r"│ Message from server: hello 世界"), "f: the echo again",
     timeout=WAIT * 2)

# Ctrl-D: end-of-file; the client ends the book's way.
keys(name, "C")
wait(name, has(r"waiting for input"), "the client waits again")
keys(name, "i")
wait(name, has(r"type into client>"), "the editor again")
keys(name, "C-d")
wait(name, has(r"< \^D", r"\(end of input\)"), "Ctrl-D: end of file")
keys(name, "C")
wait(name, has(r"exited \(0\)"), "the client exits")
keys(name, "i")
wait(name, has(r"client has ended: there is no one to type to"),
     "i on an ended client is refused")
keys(name, "q")
wait(name, has(r"sockstep-exit=0"), "q quits")

# --stdin on screen: the file's lines are typed as the client asks.
name = "stdin"
feed = os.path.join(TMP, "feed.txt")
with open(feed, "w") as f:
    f.write("one\nQ\n")
start(name, f"run --port 0 --server {srv} --client {cli} --stdin "
      f"client={shlex.quote(feed)}")
wait(name, has(r"s server"), "the screen is up (--stdin)")
keys(name, "S")
wait(name, has(r"BLOCKED in accept"), "--stdin: the server blocks in accept")
keys(name, "C")
wait(name, has(r"< one", r"BLOCKED in read\(\)"),
     "--stdin: the line typed when the client asked, written, echo awaited")
keys(name, "S")
wait(name, has(r"out: Message from server: one", r"< Q"),
     "--stdin: the echo on screen, then the next line typed")
keys(name, "q")
wait(name, has(r"sockstep-exit=0"), "q quits (--stdin)")

# Lesson 8 on screen: space on a step whose client waits opens the
# editor with the lesson's line; --record keeps what was typed.
name = "lesson8"
start(name, f"lesson 08 --port 0 --record {shlex.quote(REC)}")
wait(name, has(r"guided: s@socket"), "lesson 8 is up")
for _ in range(8):
    keys(name, "Space")
wait(name, has(r"guided: c@write"), "eight guided steps")
keys(name, "Space")
wait(name, has(r"type into client> Hello"),
     "space opens the editor with the lesson's line")
keys(name, "Enter")
wait(name, has(r"< Hello", r"write\(3, \"Hello\\n\"\) = 6|guided: c@write"),
     "Enter types it")
keys(name, "q")
wait(name, has(r"sockstep-exit=0"), "q quits lesson 8")
rec = open(REC).read() if os.path.exists(REC) else ""
check(re.search(r"\bc<Hello\b", rec), f"--record saved the typed line:\n{rec}")
# Replayed in batch: the recorded line is typed once, not again by the
# lesson's [input] as well; client 2, typed nothing, gets the lesson's.
p = subprocess.run([SOCKSTEP, "batch", "--replay", REC, "--json"],
                   capture_output=True, text=True, timeout=60)
evs = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
typed = {c: [e["text"] for e in evs if e.get("event") == "input" and
             e.get("side") == c] for c in ("client", "client2")}
check(p.returncode == 0 and typed == {"client": ["Hello"],
                                      "client2": ["Hello"]},
      f"the screen's walkthrough replayed in batch typed {typed}: "
      f"{p.stderr}")

tuilib.cleanup()
finish()
