"""The TUI, driven for real in tmux: keys in with send-keys, the screen
out with capture-pane, compared with what the kernel (ss, /proc) says.
Every wait polls the captured screen until it matches or a few seconds
pass; nothing sleeps for a fixed long time.  Skips (77) without tmux."""
import os
import re
import shlex
import signal
import time
import unicodedata

from sslib import SOCKSTEP, alive, check, finish, lab_pid, ss
import tuilib
from tuilib import TMP, screen, tmux

WAIT = 5.0


# C.UTF-8 even where zh_CN.UTF-8 exists: a zh LANG would switch the
# interface to Chinese (test_chinese asks for it with --lang zh).
UTF8 = "C.UTF-8"


def start(name, args="", env="", x=80, y=24, lead=""):
    """A detached session running sockstep (in sh), at x by y; lead is
    a command (lesson DIR) put before the options."""
    # Progress goes to a scratch state dir (env may name another),
    # never the user's own.
    scratch = shlex.quote(os.path.join(TMP, "scratch-state"))
    cmd = (f"cd {shlex.quote(TMP)}; env {tuilib.ENV} LANG={UTF8} "
           f"XDG_STATE_HOME={scratch} {env} "
           f"{shlex.quote(SOCKSTEP)} {lead} --port 0 {args}; "
           f"echo sockstep-exit=$?; sleep 300")
    tmux("new-session", "-d", "-x", str(x), "-y", str(y), "-s", name, cmd)


def wait(name, pred, what, timeout=WAIT):
    return tuilib.wait(name, pred, what, timeout)


def steady(name, timeout=WAIT):
    return tuilib.steady(name, timeout)


def has(*pats):
    return lambda s: all(re.search(p, s) for p in pats)


def keys(name, *k):
    tmux("send-keys", "-t", name, *k)


def width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in line)


def lines(text):
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def frame_ok(name, text, cols, rows):
    """Both columns, the key bar, nothing past the edge, nothing torn."""
    ls = lines(text)
    check(len(ls) == rows, f"{name}: {len(ls)} lines at {cols}x{rows}")
    check(all(width(l) <= cols for l in ls),
          f"{name}: a line wider than {cols}: " +
          repr([l for l in ls if width(l) > cols][:1]))
    check(ls and "sockstep" in ls[0], f"{name}: title on the first line")
    check(ls and re.search(r"SERVER.*│ CLIENT", ls[1]),
          f"{name}: SERVER and CLIENT headers: {ls[1:2]}")
    check(ls and re.search(r"\bs\b.*(server|服务端).*\bq\b\s+(quit|退出)",
                           ls[-1]),
          f"{name}: key bar on the last line: {ls[-1:]}")
    # The line between the sides stays at the middle column.
    sep = [width(l[:l.index("│")]) if "│" in l else -1 for l in ls[1:8]]
    check(all(s == cols // 2 for s in sep),
          f"{name}: column separator at {cols // 2}: {sep}")


def listen_port(text):
    m = re.search(r"port (\d+)", lines(text)[0])
    return int(m.group(1)) if m else None


def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for k in kids.get(p, []):
            out.append(k)
            todo.append(k)
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def test_initial_and_listen():
    name = "listen"
    start(name)
    text = wait(name, has(r"SERVER", r"CLIENT", r"paused before socket\(\)",
                          r"q\s+quit"), "initial screen")
    frame_ok(name, text, 80, 24)
    keys(name, "s", "s")
    text = wait(name, has(r"paused before listen\(\)"), "listen pending")
    flow = lines(text)[2]
    check(re.search(r"▶listen", flow) and "✓socket" in flow,
          f"flow strip at listen, socket done: {flow!r}")
    check("next ▶ listen(3, 5)" in text, "the pending call decoded")
    keys(name, "s")
    text = wait(name, has(r"paused before accept\(\)", r"LISTEN .*0/5"),
                "listen done: a listener with an empty queue")
    check("listen(3, 5) = 0" in text, "listen in the timeline")
    check(re.search(r"accept queue ▯▯▯▯▯ 0/5", text), "queue gauge 0/5")
    # The client connects before accept: the queue goes 0 -> 1.
    keys(name, "c", "c")
    # The address note comes from sockstep's getsockname() after the
    # return: it may reach the screen a frame after the gauge.
    text = wait(name, has(r"accept queue ▮▯▯▯▯ 1/5", r"\+1 \(was 0\)",
                          r"port chosen by the kernel \(from getsockname\)"),
                "gauge 1/5 after connect, marked as changed")
    port = listen_port(text)
    m = re.search(r"client (\d+\.\d+\.\d+\.\d+):(\d+): port chosen by the "
                  r"kernel \(from getsockname\)", text)
    check(m is not None, "the client's kernel-chosen address on screen")
    if m and port:
        lab_pid(tuilib.sockstep_pid(name))
        rows = ss(["-tn", f"dport = :{port}"])
        check([int(r[3].rsplit(":", 1)[1]) for r in rows] ==
              [int(m.group(2))], f"screen port {m.group(2)} vs ss {rows}")
    keys(name, "s")
    text = wait(name, has(r"accept queue ▯▯▯▯▯ 0/5", r"-1 \(was 1\)",
                          r"paused before write\(\)"),
                "accept took the connection: 0/5 again")


def test_blocked():
    name = "blocked"
    start(name)
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, "s", "s", "s", "s")
    text = wait(name, has(r"BLOCKED in accept\(\)", r"asleep .*server .*"
                          r"inet_csk_accept"), "server BLOCKED in accept")
    keys(name, "s")
    text = wait(name, has(r"server is blocked in accept\(\), it cannot "
                          r"step; a client's connect\(\) wakes it"),
                "a step of the blocked side is refused in words")
    keys(name, "c", "c")
    text = wait(name, lambda s: "BLOCKED" not in lines(s)[3] and
                "paused before write()" in s and "handshake" in s and
                not re.search("asleep", s),
                "connect wakes accept: not blocked any more")
    frame_ok(name, text, 80, 24)


def test_resize():
    name = "resize"
    start(name)
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, "s", "s", "s")
    wait(name, has(r"LISTEN .*0/5", r"listen\(3, 5\) = 0"), "listening")
    before = steady(name)
    tmux("resize-window", "-t", name, "-x", "200", "-y", "50")
    big = wait(name, lambda s: len(lines(s)) == 50 and
               re.search(r"q\s+quit", lines(s)[-1]), "redrawn at 200x50")
    frame_ok(name, big, 200, 50)
    check(re.search(r"(██ |░░ ){5} 0/5", big), "a bigger gauge at 200x50")
    tmux("resize-window", "-t", name, "-x", "70", "-y", "20")
    wait(name, has(r"enlarge the window to at least 80x24"),
         "too small: a clear message")
    tmux("resize-window", "-t", name, "-x", "80", "-y", "24")
    after = wait(name, lambda s: len(lines(s)) == 24 and
                 re.search(r"q\s+quit", lines(s)[-1]), "back at 80x24")
    frame_ok(name, after, 80, 24)
    after = steady(name)
    check(after == before, "80x24 after the resizes is the same screen:\n" +
          before + "\n---\n" + after)


def test_quit():
    name = "quit"
    d = os.path.join(TMP, "quit")
    os.mkdir(d)
    cmd = (f"cd {shlex.quote(d)}; stty -g > before; env {tuilib.ENV} LANG={UTF8} "
           f"{shlex.quote(SOCKSTEP)} --port 0; echo $? > rc; "
           f"stty -g > after; sleep 300")
    tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", name, cmd)
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, "s", "s", "s", "s", "c")
    wait(name, has(r"BLOCKED in accept"), "server blocked")
    pane = int(tmux("display", "-p", "-t", name, "#{pane_pid}").strip())
    procs = descendants(pane)
    names = [comm(p) for p in procs]
    check({"sockstep", "server", "client"} <= set(names),
          f"sockstep, server and client run under the pane: {names}")
    keys(name, "q")
    end = time.monotonic() + WAIT
    while not os.path.exists(os.path.join(d, "after")) and \
            time.monotonic() < end:
        time.sleep(0.05)
    time.sleep(0.05)
    rc = open(os.path.join(d, "rc")).read().strip() \
        if os.path.exists(os.path.join(d, "rc")) else None
    check(rc == "0", f"q exits 0 (got {rc})")
    left = [p for p in procs if alive(p) and comm(p) != "sleep"]
    check(not left, f"processes left after q: {left}")
    try:
        b = open(os.path.join(d, "before")).read()
        a = open(os.path.join(d, "after")).read()
        check(a == b, f"terminal modes restored: {b!r} vs {a!r}")
    except OSError as e:
        check(False, f"stty files: {e}")


def test_signals():
    for sig in ("INT", "TERM", "HUP"):
        name = "sig" + sig.lower()
        start(name)
        wait(name, has(r"paused before socket\(\)"), "started")
        keys(name, "s", "s", "s", "s")
        wait(name, has(r"BLOCKED in accept"), "server blocked")
        pane = int(tmux("display", "-p", "-t", name, "#{pane_pid}").strip())
        procs = descendants(pane)
        ours = [p for p in procs if comm(p) == "sockstep"]
        if sig == "INT":
            keys(name, "C-c")
        elif ours:
            os.kill(ours[0], getattr(signal, "SIG" + sig))
        wait(name, has(r"sockstep-exit=0"), f"SIG{sig}: clean exit 0")
        left = [p for p in procs if alive(p) and
                comm(p) in ("sockstep", "server", "client")]
        check(not left, f"SIG{sig}: processes left: {left}")


def test_no_color():
    name = "color"
    start(name)
    wait(name, has(r"paused before socket\(\)"), "started")
    colour = re.compile(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]")
    check(colour.search(screen(name, True)), "colours without NO_COLOR")
    name = "nocolor"
    start(name, env="NO_COLOR=1")
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, "s", "s", "s", "s")
    wait(name, has(r"BLOCKED in accept"), "BLOCKED in words")
    esc = screen(name, True)
    check(not colour.search(esc), "NO_COLOR: no colour escapes")
    check("\x1b[7m" in esc or re.search(r"\x1b\[[0-9;]*7[;m]", esc),
          "NO_COLOR: reverse video stands in for colour")


def test_ascii():
    name = "ascii"
    tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", name,
         f"env {tuilib.ENV} LANG=C LC_ALL=C {shlex.quote(SOCKSTEP)} --port 0; "
         f"sleep 300")
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, "s", "s", "s")
    text = wait(name, has(r"\[-----\] 0/5"), "ASCII gauge without UTF-8")
    # Lines are the terminal's own line drawing (ACS), shown by tmux
    # as box characters; everything sockstep writes itself is ASCII.
    check(all(ord(c) < 128 or 0x2500 <= ord(c) <= 0x257f for c in text),
          "only ASCII without UTF-8: " +
          repr({c for c in text if ord(c) >= 128}))


def test_keys():
    """space follows the guided order; ? shows help; a click steps the
    column it lands on; Tab and 1-9 choose the client."""
    name = "keys"
    start(name)
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, "?")
    wait(name, has(r"sockstep help", r"any key closes this"), "help overlay")
    keys(name, "x")
    wait(name, lambda s: "sockstep help" not in s, "help closed by a key")
    keys(name, *["Space"] * 5)
    wait(name, has(r"predict", r"What will the client's"), "lesson 1's question")
    keys(name, "2")
    wait(name, has(r"what the kernel did"), "the answer ran the step")
    keys(name, "x")
    keys(name, *["Space"] * 6)
    wait(name, has(r"guided: done", r"exited \(0\).*exited \(0\)"),
         "the rest of the guided order, to the end")
    keys(name, "Space")
    wait(name, has(r"the guided order is done"), "space past the end says so")
    keys(name, "s")
    wait(name, has(r"server has exited"), "stepping an exited side says so")
    keys(name, "r")
    wait(name, has(r"restarted 01-hello", r"paused before socket\(\).*"
                   r"paused before socket\(\)", r"guided step 1/"),
         "r restarts the lesson")
    # X10 mouse reports (what ncurses asks tmux for): press, release;
    # one click at a time, as a hand would.
    for x, want in ((10, r"paused before bind\(\)"),
                    (60, r"paused before connect\(\)")):
        keys(name, "-l", f"\x1b[M {chr(33 + x)}&")
        keys(name, "-l", f"\x1b[M#{chr(33 + x)}&")
        wait(name, has(want), f"a click at column {x} stepped that side")
    name = "clients"
    start(name, args="--clients 3")
    wait(name, has(r"CLIENT 1 of 3"), "three clients")
    keys(name, "Tab")
    wait(name, has(r"CLIENT 2 of 3"), "Tab: the next client")
    keys(name, "3", "c")
    wait(name, has(r"CLIENT 3 of 3", r"client3 socket\(\) = 3"),
         "3 chooses client 3, c steps it")


def test_chinese():
    name = "zh"
    start(name, args="--lang zh")
    cjk = r"[\u4e00-\u9fff]{4}"
    text = wait(name, lambda s: re.search(cjk, lines(s)[0]) and
                re.search(cjk, lines(s)[20]) and re.search(cjk, lines(s)[21]),
                "Chinese title, goal and narration")
    frame_ok(name, text, 80, 24)
    keys(name, "s", "s")
    # --lang zh: sockstep's own words are Chinese too (po/zh_CN.po).
    text = wait(name, has(r"暂停在 listen\(\) 之前", r"▶ .*" + cjk),
                "Chinese narration and state words after bind")
    frame_ok(name, text, 80, 24)


# The key bar at each fit (src/tui-keytab.c), as it read before the keys
# became one table: long labels if all fit, else brief ones, else keys
# unpadded, else without l, else (a long guided step at 80 columns)
# without r too; 1-9/Tab only with two clients or more, and only with
# long labels; i (issue 15 §3) in every fit.  (key, long, brief); None: not in the bar.
BAR_WORDS = {
    "en": [("s", "step server", "server"), ("c", "step client", "client"),
           ("i", "type into client", "type"),
           ("S/C", "run until blocked", "run"), ("space", "guided: ", None),
           ("1-9/Tab", "client", None), ("r", "restart", "restart"),
           ("l", "lessons", "lessons"), ("?", "help", "help"),
           ("q", "quit", "quit")],
    "zh": [("s", "单步服务端", "服务端"), ("c", "单步客户端", "客户端"),
           ("i", "输入到客户端", "输入"),
           ("S/C", "运行到阻塞", "运行"), ("space", "引导：", None),
           ("1-9/Tab", "客户端", None), ("r", "重新开始", "重新开始"),
           ("l", "课程", "课程"), ("?", "帮助", "帮助"), ("q", "退出", "退出")],
}


def key_bar(lang, cols, clients, client, token):
    for fit in range(5):
        text = ""
        for key, long, brief in BAR_WORDS[lang]:
            if key == "1-9/Tab" and (clients < 2 or fit > 0) or \
                    key == "l" and fit >= 3 or key == "r" and fit == 4:
                continue
            label = long if fit == 0 else brief
            if key == "c" and clients > 1:
                label += f" {client}"
            elif key == "space":
                label = long + token
            text += (f" {key} " if fit < 2 else key) + f" {label}  "
        if width(text) <= cols or fit == 4:
            return text.rstrip()


HELP_KEYS = [
    "s        step the server: run its call, pause before the next",
    "c        step the client (1-9 or Tab choose among clients)",
    "i / I    type a line into the client / server (Ctrl-D: EOF)",
    "S / C    run that side until it blocks or exits",
    "space    the next step of the lesson's guided order",
    "1-9      answer the lesson's question    l  the lesson menu",
    "b / f    step back (replayed) / forward  p  projector theme",
    "click    on a column steps it   t / T  the task s / c step",
    "PgUp/PgDn/End  scroll the timeline",
    "r        restart    k / K  end the server / client    q  quit",
]


def test_key_table():
    """The key bar, the help's key list and the dispatch all come from one
    table: the bar at every fit, the help's key lines in order, BackTab,
    a key without a row, and q from inside the help."""
    for name, lang, clients, x, y in [("bar80", "en", 1, 80, 24),
                                      ("bar88", "en", 1, 88, 24),
                                      ("bar108", "en", 1, 108, 24),
                                      ("barzh", "zh", 1, 80, 24),
                                      ("bar200", "en", 3, 200, 50)]:
        start(name, args=f"--lang {lang} --clients {clients}", x=x, y=y)
        wait(name, has(r"paused before socket\(\)|暂停在 socket\(\) 之前"),
             "started")
        got = lines(steady(name))[-1].rstrip()
        token = re.search(r"(?:guided: |引导：)(\S+)", got)
        want = key_bar(lang, x, clients, 1, token.group(1) if token else "")
        check(got == want, f"{name}: key bar\n  want {want!r}\n  got  {got!r}")
    # Lesson 1's connect step ("c@connect") is long for 80 columns: the
    # bar leaves out r rather than run past the edge.
    keys("bar80", *["Space"] * 4)
    wait("bar80", has(r"guided step 5/", r"client socket\(\) = 3"),
         "lesson 1 up to its connect step")
    got = lines(steady("bar80"))[-1].rstrip()
    token = re.search(r"guided: (\S+)", got)
    want = key_bar("en", 80, 1, 1, token.group(1) if token else "")
    check(got == want and width(got) <= 80,
          f"bar80: key bar before connect\n  want {want!r}\n  got  {got!r}")
    name = "bar200"
    keys(name, "BTab")
    wait(name, has(r"CLIENT 3 of 3", r"c  step client 3 "),
         "BackTab from client 1: client 3, in the bar too")
    keys(name, "?")
    text = wait(name, has(r"sockstep help"), "help at 200x50")
    rows = [next((i for i, l in enumerate(lines(text)) if "│   " + k in l),
                 -1) for k in HELP_KEYS]
    check(rows[0] >= 0 and
          rows == list(range(rows[0], rows[0] + len(HELP_KEYS))),
          f"the help's key list, one line each, in order: {rows}\n{text}")
    keys(name, "x", "z")
    wait(name, has(r"no command on that key: \? shows the keys"),
         "a key without a row says so")
    keys(name, "?")
    wait(name, has(r"sockstep help"), "help again")
    keys(name, "q")
    wait(name, has(r"sockstep-exit=0"), "q quits from inside the help")


STATE = os.path.join(TMP, "state")


def progress():
    """{lesson: {key: int}} from the progress file sockstep keeps."""
    out = {}
    try:
        with open(os.path.join(STATE, "sockstep", "progress")) as f:
            for line in f:
                w = line.split()
                if w and not line.startswith("#"):
                    out[w[0]] = {k: int(v) for k, v in
                                 (x.split("=") for x in w[1:])}
    except FileNotFoundError:
        pass
    return out


def test_predict():
    """Lesson 1 asks before guided step 5 what connect() will do; the
    answer runs the step, the box shows the kernel's result and the
    lesson's checks; the progress file records it; the guided order's end
    with every check holding marks the lesson done."""
    name = "predict"
    start(name, env=f"XDG_STATE_HOME={STATE}")
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, " ", " ", " ")
    text = wait(name, has(r"✓ check queue = 0", r"paused before accept"),
                "guided listen, and its check in the timeline")
    keys(name, " ")
    wait(name, has(r"paused before connect\(\)"), "client socket")
    keys(name, " ")
    text = wait(name, has(r"predict", r"What will the client's", r" 2 +return 0"),
                "the question before connect()")
    check("paused before connect()" in text, "the step waits for the answer")
    keys(name, "7")
    text = wait(name, has(r"answer with 1-3"), "a digit that is no choice")
    keys(name, "2")
    text = wait(name, has(r"what the kernel did", r"Right\.",
                          r"client: connect\(3, 10\.1\.0\.1:(\d+)\) = 0",
                          r"checks? held"), "the verdict")
    port = re.search(r"connect\(3, 10\.1\.0\.1:(\d+)\) = 0", text)
    if port:
        lab_pid(tuilib.sockstep_pid(name))
        est = [r for r in ss(["-tn", "state", "established",
                              f"( dport = :{port.group(1)} )"])]
        check(len(est) == 1, f"ss: the client is connected: {est}")
    check(progress().get("01-hello", {}).get("right") == 1,
          f"progress: one right answer: {progress()}")
    keys(name, "z")  # closes the box, nothing else
    text = wait(name, lambda s: "what the kernel did" not in s, "box closed")
    check("no command on that key" not in text, "the closing key did nothing else")
    for _ in range(6):
        keys(name, " ")
    text = wait(name, has(r"guided order done", r"check server is exited"),
                "the guided order ran to the end")
    check(not re.search(r"check .*: failed", text), "no check failed")
    check(progress().get("01-hello", {}).get("finished") == 1,
          f"progress: lesson done: {progress()}")


def test_predict_wrong_and_failed_check():
    """A wrong answer is told and counted; a check the kernel contradicts
    is shown as failed and the lesson is not marked done."""
    name = "wrong"
    d = os.path.join(TMP, "bad-lesson")
    os.makedirs(d, exist_ok=True)
    src = os.path.join(os.path.dirname(SOCKSTEP), "lessons", "01-hello")
    with open(os.path.join(d, "lesson.ini"), "w") as f:
        f.write(f"""[lesson]
title.en = a check that cannot hold
server = {src}/server {{port}}
client = {src}/client {{ip}} {{port}}
steps = s s s
[predict]
3.question.en = What will listen() return?
3.choices.en = 0 | -1
3.answer = 1
3.explain.en = It returns 0.
[checks]
after 3 = queue = 4
""")
    start(name, lead="lesson " + shlex.quote(d), env=f"XDG_STATE_HOME={STATE}")
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, " ", " ", " ")
    wait(name, has(r"What will listen\(\) return\?"), "the question")
    keys(name, "2")
    text = wait(name, has(r"Not this time\.", r"listen\(3, 5\) = 0",
                          r"check 'queue = 4' failed"), "wrong, check failed")
    keys(name, "z")
    text = wait(name, has(r"check queue = 4: failed"), "failed check in the timeline")
    check(progress().get("bad-lesson", {}).get("wrong") == 1,
          f"progress: a wrong answer: {progress()}")
    check(progress().get("bad-lesson", {}).get("finished", 0) == 0,
          "a failed check: the lesson is not done")


def test_menu():
    name = "menu"
    start(name, env=f"XDG_STATE_HOME={STATE}")
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, "l")
    text = wait(name, has(r"lessons", r"01-hello", r"08-echo"), "the menu")
    if progress().get("01-hello", {}).get("finished"):
        check(re.search(r"01-hello +done", text), "lesson 1 marked done")
    keys(name, "Down", "Enter")
    text = wait(name, has(r"restarted 02-connect-before-listen",
                          r"sockstep │ 02-connect-before-listen",
                          r"guided step 1/"), "Enter opened lesson 2")
    check("lessons" not in text.split("\n")[6], "the menu is closed")
    frame_ok(name, text, 80, 24)


def sgr_of(line, word):
    """The SGR parameters in force where word starts on an escaped line."""
    i = line.find(word)
    if i < 0:
        return None
    codes = re.findall(r"\x1b\[([0-9;]*)m", line[:i])
    cur = []
    for c in codes:
        if c in ("", "0"):
            cur = []
        else:
            cur += c.split(";")
    return cur


def test_projector():
    """--theme projector: state words on a solid background band, big
    gauge; p toggles back to the default, whose palette carries no
    meaning in green (red-green colour blindness)."""
    name = "projector"
    start(name, args="--theme projector", x=100, y=30)
    wait(name, has(r"paused before socket\(\)"), "started")
    keys(name, "s", "s", "s", "c", "c")
    text = wait(name, has(r"accept queue ██ ░░ ░░ ░░ ░░  1/5"),
                "big gauge in projector mode, even below the roomy size")
    esc = screen(name, escapes=True).split("\n")
    state = next((l for l in esc if "paused before accept()" in l), "")
    sgr = sgr_of(state, "paused before accept()") or []
    check(any(c in ("40", "41", "42", "43", "44", "45", "46", "47") or
              c == "48" for c in sgr), f"projector: state on a background: {sgr}")
    keys(name, "p")
    wait(name, has(r"default theme"), "p toggles")
    esc = screen(name, escapes=True)
    check("\x1b[32m" not in esc and "38;5;2m" not in esc and
          ";32m" not in esc, "default palette: no green")
    state = next((l for l in esc.split("\n") if "paused before accept()" in l), "")
    sgr = sgr_of(state, "paused before accept()") or []
    check(not any(c in ("40", "41", "42", "43", "44", "45", "46", "47", "48")
                  for c in sgr),
          f"default: no background band on the state: {sgr}")
    text = screen(name)
    check("accept queue ▮▯▯▯▯ 1/5" in text, "default: the small gauge again")
    start("badtheme", args="--theme neon")
    wait("badtheme", has(r"--theme neon: expected default or projector",
                         r"sockstep-exit=2"), "a bad theme: one line, exit 2")


def test_spinner_killed():
    """A server that spins without calls: shown running at once (the
    screen does not wait for it), and k ends it."""
    name = "spin"
    spin = "sh -c 'exec sh -c \"while :; do :; done\"'"
    client = os.path.join(os.path.dirname(SOCKSTEP), "lessons", "01-hello",
                          "client")
    start(name, lead=f"run --server {shlex.quote(spin)} --client "
          f"{shlex.quote(client + ' 127.0.0.1 {port}')}")
    text = wait(name, has(r"running \(between socket calls\)",
                          r"paused before socket\(\)"),
                "the spinning server shown running", timeout=4)
    pids = [int(p) for p in re.findall(r"SERVER\s+pid (\d+)", text)]
    keys(name, "k")
    wait(name, has(r"killed by SIGKILL", r"ended by the user"), "k ends it")
    check(pids and not alive(pids[0]), f"the spinner is gone: {pids}")


try:
    test_initial_and_listen()
    test_blocked()
    test_resize()
    test_quit()
    test_signals()
    test_keys()
    test_no_color()
    test_ascii()
    test_chinese()
    test_key_table()
    test_predict()
    test_predict_wrong_and_failed_check()
    test_menu()
    test_projector()
    test_spinner_killed()
finally:
    tuilib.cleanup()
finish()
