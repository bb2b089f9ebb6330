"""batch --export: the Mermaid diagram of lesson 1 parsed as a
sequenceDiagram (every participant declared, every arrow and note
between declared participants, nothing the grammar would not take),
compared with the --json transcript of the same steps: the same calls
in the same order, the queue notes the kernel reported, one note per
step.  The Markdown handout: a section per step with the narration and
a kernel table whose queue matches the transcript.  The four outputs
(text, JSON, Mermaid, Markdown) as one interface: each tells every
step, the queue in the same words, the end of the run, and the checks
(text and JSON only)."""
import re

from sslib import check, finish, run, batch_json, events

STEPS = "s s s c c s s s s c c"     # lesson 1's guided order
ARROW = re.compile(r"^\s*([A-Za-z][\w]*)\s*(-->>|->>|--\)|-\)|-->|->|--x|-x)"
                   r"\s*([A-Za-z][\w]*)\s*:(.*)$")
NOTE = re.compile(r"^\s*Note\s+(over|left of|right of)\s+([\w]+)"
                  r"(?:\s*,\s*([\w]+))?\s*:(.*)$")
PART = re.compile(r"^\s*participant\s+([A-Za-z][\w]*)(?:\s+as\s+(.+))?$")


def parse_mermaid(text):
    """(participants, arrows, notes) or fails the test on a bad line."""
    parts, arrows, notes = [], [], []
    lines = [l for l in text.splitlines()
             if l.strip() and not l.strip().startswith("%%")]
    check(lines and lines[0].strip() == "sequenceDiagram",
          f"first statement is sequenceDiagram: {lines[:1]}")
    for l in lines[1:]:
        m = PART.match(l)
        if m:
            check(not arrows and not notes,
                  f"participant declared before it is used: {l!r}")
            parts.append(m.group(1))
            continue
        m = ARROW.match(l)
        if m:
            arrows.append((m.group(1), m.group(2), m.group(3),
                           m.group(4).strip()))
            continue
        m = NOTE.match(l)
        if m:
            notes.append(([m.group(2)] + ([m.group(3)] if m.group(3)
                                           else []), m.group(4).strip()))
            continue
        check(False, f"not a sequenceDiagram statement: {l!r}")
    for l in lines:
        body = l.split(":", 1)[1] if ":" in l else ""
        # ';' ends a statement, '#' starts an entity: both must be escaped
        check(";" not in re.sub(r"#\w+;", "", body) and
              "#" not in re.sub(r"#\w+;", "", body),
              f"unescaped ; or # in {l!r}")
    for a in arrows:
        check(a[0] in parts and a[2] in parts,
              f"arrow between undeclared participants: {a}")
    for who, _ in notes:
        check(all(w in parts for w in who),
              f"note over undeclared participant: {who}")
    return parts, arrows, notes


def queue_after_returns(evs):
    """Listener queue after each return, consecutive repeats dropped."""
    out = []
    for e in evs:
        if e.get("event") not in ("return", "exit"):
            continue
        ls = e["kernel"]["listeners"]
        q = f"{ls[0]['queue']}/{ls[0]['backlog']}" if ls else None
        if not out or out[-1] != q:
            out.append(q)
    return [q for q in out if q is not None]


def test_mermaid(net="lab"):
    rc, out, err = run(["batch", "1", "--port", "0", "--steps", STEPS,
                        "--export", "mermaid", "--net", net])
    check(rc == 0, f"export mermaid exit {rc}: {err}")
    parts, arrows, notes = parse_mermaid(out)
    check(parts == ["server", "kernel", "client"],
          f"participants server, kernel, client: {parts}")

    rc, evs, err = batch_json(["1", "--port", "0", "--steps", STEPS])
    check(rc == 0, f"json run exit {rc}: {err}")
    rets = [(e["side"], e["call"]) for e in evs if e["event"] == "return"]
    calls = [(a[0], re.match(r"(\w+)\(", a[3]).group(1)) for a in arrows
             if a[2] == "kernel" and a[1] == "->>" and
             re.match(r"\w+\(", a[3])]
    check(calls == rets, f"calls in the diagram {calls} vs the "
          f"transcript's returns {rets}")
    results = [a for a in arrows if a[0] == "kernel" and a[1] == "-->>" and
               a[3].startswith("= ")]
    check(len(results) == len(rets),
          f"a result arrow per call: {len(results)} vs {len(rets)}")

    steps = [t for w, t in notes if re.match(r"step \d+: ", t)]
    check([s.split(": ")[1] for s in steps] == STEPS.split(),
          f"a note per step, in order: {steps}")
    check([int(s.split()[1].rstrip(":")) for s in steps] ==
          list(range(1, len(STEPS.split()) + 1)), f"steps numbered: {steps}")

    queue = [re.search(r"accept queue (\d+/\d+)", t).group(1)
             for w, t in notes if w == ["kernel"] and "accept queue" in t]
    want = queue_after_returns(evs)
    check(queue == want, f"queue notes {queue} vs the transcript {want}")
    check("1/5" in queue, "the queue note shows the connection waiting")

    texts = [(a[0], a[2], a[3]) for a in arrows]
    if net == "lab":
        # Captured (issue 16 §2): each segment between its two ends,
        # tcpdump's flags first, in the order they were sent.
        wire = [(a[0], a[2], a[3].split(",")[0]) for a in arrows
                if a[1] == "-)" and "kernel" not in (a[0], a[2])]
        want = [("client", "server", "[S]"), ("server", "client", "[S.]"),
                ("client", "server", "[.]"), ("server", "client", "[P.]"),
                ("client", "server", "[.]"), ("server", "client", "[F.]")]
        check(wire[:6] == want, f"the segments as captured: {wire}")
        check(any(a[3].startswith("[P.], seq 1:13") and
                  a[3].endswith("length 12") for a in arrows),
              f"the 12 bytes of Hello World!: {texts}")
        check(not any(t[2] in ("SYN", "SYN+ACK", "FIN") for t in texts),
              f"nothing implied beside what was captured: {texts}")
        return
    for msg in ("SYN", "SYN+ACK"):
        check(any(t[2] == msg for t in texts), f"handshake: {msg}")
    check(any(t[0] == "client" and t[1] == "kernel" and t[2].startswith("ACK")
              for t in texts), "handshake: the client's ACK")
    check(("server", "client", '12 bytes "Hello World!"') in texts,
          f"the bytes from server to client: {texts}")
    check(("server", "client", "FIN") in texts, "the server's FIN")


def test_mermaid_backlog_and_refused():
    rc, out, err = run(["batch", "5", "--port", "0", "--export", "mermaid"])
    check(rc == 0, f"lesson 5 export exit {rc}: {err}")
    parts, arrows, notes = parse_mermaid(out)
    check(parts == ["server", "kernel"] + ["client"] +
          [f"client{i}" for i in range(2, 6)], f"five clients: {parts}")
    check(any(t == "accept queue 3/2" for w, t in notes),
          "backlog 2 holds 3 (backlog + 1) in a note")
    check(any(w == ["client4"] and t.startswith("BLOCKED in connect()")
              for w, t in notes), "client4 blocked in connect")
    rc, out, err = run(["batch", "2", "--port", "0", "--export", "mermaid"])
    parts, arrows, notes = parse_mermaid(out)
    check(any(a[0] == "server" and a[2] == "client" and
              a[3].startswith("[R.]") for a in arrows),
          f"connect before listen: the RST captured: {arrows}")
    rc, out, err = run(["batch", "2", "--port", "0", "--export", "mermaid",
                        "--net", "host"])
    parts, arrows, notes = parse_mermaid(out)
    check(any(a[0] == "kernel" and a[2] == "client" and
              a[3].startswith("RST") for a in arrows),
          "--net host: connect before listen: RST (implied)")


def test_markdown():
    rc, out, err = run(["batch", "1", "--port", "0", "--steps", STEPS,
                        "--export", "markdown"])
    check(rc == 0, f"export markdown exit {rc}: {err}")
    check(out.startswith("# 01-hello: "), f"title: {out[:60]!r}")
    secs = re.split(r"^## ", out, flags=re.M)[1:]
    heads = [s.splitlines()[0] for s in secs]
    stepsecs = [s for s in secs if s.startswith("Step ")]
    check(len(stepsecs) == len(STEPS.split()),
          f"a section per step: {heads}")
    for i, s in enumerate(stepsecs, 1):
        tok = STEPS.split()[i - 1]
        who = "server" if tok == "s" else "client"
        check(s.startswith(f"Step {i}: `{tok}` — {who}"),
              f"step {i} heading: {s.splitlines()[0]!r}")
        check(f"**Kernel after step {i}**" in s, f"step {i}: kernel view")
    five = stepsecs[4]
    check("`connect(3, {AF_INET, 10.1.0.1:" in five, "step 5: connect")
    check("The kernel finished the handshake" in five,
          "step 5: the lesson's narration")
    check(re.search(r"\| server \| 3 \| LISTEN \|.*accept queue 1/5 \|", five),
          "step 5: the listener's queue 1/5 in the table")
    check("| (accept queue) |" in five, "step 5: the unaccepted connection")
    check("Message from server: Hello World!" in out, "the client's output")
    rc, out, err = run(["batch", "1", "--port", "0", "--export", "latex"])
    check(rc == 2 and "--export latex" in err, f"unknown format: {rc} {err}")
    rc, out, err = run(["batch", "1", "--port", "0", "--export", "mermaid",
                        "--json"])
    check(rc == 2, f"--export with --json refused: {rc}")


def test_formats_agree():
    """Every format hears the same steps, queue and end (output.c)."""
    cut = "s s s c c"           # stopped early: the end ends the sides
    n = len(cut.split())
    args = ["batch", "1", "--port", "0", "--steps", cut]
    outs = {}
    for f, extra in (("text", []), ("json", ["--json"]),
                     ("mermaid", ["--export", "mermaid"]),
                     ("markdown", ["--export", "markdown"])):
        rc, outs[f], err = run(args + extra)
        check(rc == 0, f"{f}: exit {rc}: {err}")

    summaries = [l for l in outs["text"].splitlines()
                 if l.startswith("         ~ kernel: ")]
    steps_md = re.split(r"^## Step ", outs["markdown"], flags=re.M)[1:]
    _, _, notes = parse_mermaid(outs["mermaid"])
    steps_mm = [t for w, t in notes if re.match(r"step \d+: ", t)]
    check(len(summaries) == len(steps_md) == len(steps_mm) == n,
          f"a summary, a section and a note per step: {len(summaries)}, "
          f"{len(steps_md)}, {len(steps_mm)}, want {n}")

    # One wording of the queue: "queue N/M" in the text's summary line,
    # "accept queue N/M" in the table, the same numbers step by step.
    def first(rx, text):
        m = re.search(rx, text)
        return m.group(1) if m else None
    q_text = [first(r"(?:^|\| )queue (\d+/\d+)", l[19:]) for l in summaries]
    q_md = [first(r"\| accept queue (\d+/\d+) \|", s) for s in steps_md]
    check(q_text == q_md, f"queue per step: text {q_text}, markdown {q_md}")
    check(q_text[-1] == "1/5", f"the connection waits: {q_text}")
    q_mm = [first(r"^accept queue (\d+/\d+)$", t) for w, t in notes
            if w == ["kernel"] and t.startswith("accept queue")]
    changes = [q for i, q in enumerate(q_md)
               if q is not None and (i == 0 or q != q_md[i - 1])]
    check(q_mm == changes, f"queue notes {q_mm} vs the table {q_md}")

    ended = ["server ended by sockstep (end of the steps)",
             "client ended by sockstep (end of the steps)"]
    texts = [e.get("text") for e in events(outs["json"])]
    end_md = outs["markdown"].split("\n## End\n", 1)
    end_mm = outs["mermaid"].split(": end\n", 1)
    for e in ended:
        check(f"-- {e}" in outs["text"], f"text: {e}")
        check(e in texts, f"json: {e}")
        check(len(end_md) == 2 and e in end_md[1], f"markdown's end: {e}")
        check(len(end_mm) == 2 and e in end_mm[1], f"mermaid's end: {e}")

    # The lesson's checks run in the guided order: text and JSON say
    # each one, the two exports none.
    rc, text, err = run(["batch", "1", "--port", "0"])
    rc2, evs, err2 = batch_json(["1", "--port", "0"])
    check(rc == 0 and rc2 == 0, f"guided runs: {rc} {err} {rc2} {err2}")
    c_text = re.findall(r"^check    (at the end|after step \d+): (.*): "
                        r"passed$", text, re.M)
    c_json = [(("at the end" if e["step"] == 0 else
                f"after step {e['step']}"), e["expr"]) for e in evs
              if e.get("event") == "check" and e["result"] == "passed"]
    check(c_text and c_text == c_json,
          f"the same checks passed: {c_text} vs {c_json}")
    for f in ("mermaid", "markdown"):
        rc, out, err = run(["batch", "1", "--port", "0", "--export", f])
        check(rc == 0 and not re.search(r"(queue|accept-queue|connect)"
                                        r" = \d+: (passed|failed)", out),
              f"{f}: no check lines")


test_mermaid()
test_mermaid("host")
test_mermaid_backlog_and_refused()
test_markdown()
test_formats_agree()
finish()
