"""The restart step (issue 18 §6) outside a lesson and across a record.

`sockstep run --steps` with s! and c!: the user's server, which closed
first, is started again as a new process with the same command on the
same port; its bind() fails with EADDRINUSE (as it printed it) while the
kernel view shows the old connection in TIME-WAIT; the client started
again then finds nothing listening (ECONNREFUSED, as it printed it).

With the book's server first (run --lesson), the fixed server started by
s!fixed is refused too: SO_REUSEADDR on the new socket alone does not
pass a TIME-WAIT that came from a socket without it (Linux).

--record of lesson 9's guided order saves the restart tokens; the file
replays in batch with every check passing, its three servers binding one
port: on the host's network (--net host) another than the recorded one,
whose TIME-WAIT is still there and which the replay does not reuse; on
the lab network the recorded one, free again in the replay's own
namespace (issue 16: the last run's TIME-WAIT is gone); and a path that names a program the
lesson lacks is refused in one line; check-lesson reports such a step
as file:line."""
import errno
import os
import shutil
import tempfile
from sslib import *

BIN = os.path.join(os.path.dirname(SOCKSTEP), "lessons", "09-restart")
SERVER = os.path.join(BIN, "server")
CLIENT = os.path.join(BIN, "client")


def bind_port(ev):
    return port_of(ev["args"][1].strip("{}").split(", ")[1])


def returns(evs, call, side):
    return [e for e in evs if e["event"] == "return" and e["call"] == call
            and e["side"] == side]


# 1. run --steps: the same program again, on the same port.
steps = ("s@socket s@bind s@listen c@socket c@connect s@accept s@write "
         "s@close s@close c@read c@close s! s@socket s@bind c! c@socket "
         "c@connect")
p_rc, out, err = run(["run", "--server", f"{SERVER} {{port}}", "--client",
                      f"{CLIENT} 127.0.0.1 {{port}}", "--port", "0", "--batch",
                      "--json", "--steps", steps])
evs = events(out)
check(p_rc == 0, f"run --steps with s! and c!: exit {p_rc} {err}")
b = returns(evs, "bind", "server")
check([(e["ret"], e["errno"]) for e in b] == [(0, None), (-1, "EADDRINUSE")]
      and len({bind_port(e) for e in b}) == 1 and b[0]["pid"] != b[1]["pid"],
      f"two server processes bind one port, the second refused: "
      f"{[(e['pid'], e['args'][1], e['ret'], e['errno']) for e in b]}")
port = bind_port(b[0]) if b else 0
notes = [e["text"] for e in evs if e["event"] == "note" and
         "started again" in e["text"]]
check(len(notes) == 2 and f"'server {port}'" in notes[0] and
      f"'client 127.0.0.1 {port}'" in notes[1],
      f"each restart names its command, the same as before: {notes}")
if len(b) == 2:
    k = b[1].get("kernel", {})
    tw = [x for x in k.get("sockets", []) if x["state"] == "TIME-WAIT"]
    check(len(tw) == 1 and tw[0]["local"] == f"127.0.0.1:{port}" and
          tw[0].get("side") is None,
          f"when bind() failed, the kernel view held a TIME-WAIT on "
          f"{port} that no process holds: {k.get('sockets')}")
check("bind() error: " + os.strerror(errno.EADDRINUSE) in
      output_lines(evs, "server"), f"the server's own error: "
      f"{output_lines(evs, 'server')}")
c = returns(evs, "connect", "client")
check([(e["ret"], e["errno"]) for e in c] == [(0, None), (-1, "ECONNREFUSED")]
      and c[0]["pid"] != c[1]["pid"],
      f"the client again: refused, nothing listens: "
      f"{[(e['pid'], e['ret'], e['errno']) for e in c]}")
check("connect() error: " + os.strerror(errno.ECONNREFUSED) in
      output_lines(evs, "client"), f"the client's own error: "
      f"{output_lines(evs, 'client')}")
check(exits(evs).get("server") == 1 and exits(evs).get("client") == 1,
      f"both second runs exited 1: {exits(evs)}")
no_leftovers(evs, "run with s! and c!")

# 2. The other way round: the book's server runs first (run --lesson with
# it as the user's server), so the TIME-WAIT comes from a socket without
# SO_REUSEADDR, and s!fixed, which sets it, is refused all the same:
# what lesson 9 says about Linux, asked of the kernel.
first = steps.split(" s! ")[0]
p_rc, out, err = run(["run", "--lesson", "09-restart", "--server",
                      f"{SERVER} {{port}}", "--port", "0", "--batch", "--json",
                      "--steps", first + " s!fixed s@socket s@setsockopt s@bind"])
evs = events(out)
b = returns(evs, "bind", "server")
so = returns(evs, "setsockopt", "server")
check(p_rc == 0 and [(e["ret"], e["errno"]) for e in b] ==
      [(0, None), (-1, "EADDRINUSE")] and len({bind_port(e) for e in b}) == 1
      and len(so) == 1 and so[0]["ret"] == 0,
      f"after the book's server, SO_REUSEADDR alone does not pass its "
      f"TIME-WAIT: {p_rc} {[(e['args'][1], e['ret'], e['errno']) for e in b]} "
      f"{err}")
no_leftovers(evs, "the book's server first, then s!fixed")

# 3. Record lesson 9's guided order, then replay it in batch.
tmp = tempfile.mkdtemp(prefix="sockstep-restart-")
rec = os.path.join(tmp, "lesson9.rec")


def record_replay(net):
    """Record lesson 9 on one network, replay it, compare the ports."""
    rc, evs, err = batch_json(["09-restart", "--port", "0", "--record", rec,
                               "--net", net])
    check(rc == 0, f"recorded run: exit {rc} {err}")
    with open(rec) as f:
        text = f.read()
    words = " ".join(l.split(" ", 1)[1] for l in text.splitlines()
                     if l.startswith("steps ")).split()
    check("s!book" in words and "s!" in words and "c!" in words and
          "end 23" in text, f"the record keeps the restarts: {text!r}")
    recport = {bind_port(e) for e in returns(evs, "bind", "server")}
    rc, evs, err = batch_json(["--replay", rec])
    checks = [e for e in evs if e["event"] == "check"]
    check(rc == 0 and len(checks) == 17 and
          all(e["result"] == "passed" for e in checks),
          f"the replay is guided, its checks pass: {rc} "
          f"{[(e['expr'], e['result']) for e in checks]} {err}")
    b = returns(evs, "bind", "server")
    ports = {bind_port(e) for e in b}
    check([(e["ret"], e["errno"]) for e in b] ==
          [(0, None), (-1, "EADDRINUSE"), (0, None)] and len(ports) == 1 and
          (ports != recport if net == "host" else ports == recport),
          f"replayed on the {net} network: one port for the three servers "
          f"({ports}); the recorded one ({recport}) "
          f"{'is held by its TIME-WAIT' if net == 'host' else 'is free'}: "
          f"{[(e['args'][1], e['ret'], e['errno']) for e in b]}")
    no_leftovers(evs, f"replay across restarts ({net})")


try:
    for net in ("host", "lab"):
        record_replay(net)

    # A record naming a program the lesson lacks: one line, exit 2.
    with open(rec, "w") as f:
        f.write("lesson 09-restart\nsteps s+ c+ s+ c+ s!nosuch\n")
    rc, out, err = run(["batch", "--replay", rec, "--port", "0"])
    check(rc == 2 and "no program 'nosuch'" in err and
          err.count("\n") == 1, f"replay of s!nosuch: {rc} {err!r}")

    # check-lesson names a step that starts a program [programs] lacks.
    d = os.path.join(tmp, "09-copy")
    os.mkdir(d)
    for prog in ("server", "server_reuse", "client"):
        shutil.copy(os.path.join(BIN, prog), d)
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                       "lessons", "09-restart", "lesson.ini")
    with open(src, encoding="utf-8") as f:
        ini = f.read()
    check(" s!book " in ini, "lesson 9 starts [programs] book")
    with open(os.path.join(d, "lesson.ini"), "w", encoding="utf-8") as f:
        f.write(ini.replace(" s!book ", " s!nosuch "))
    rc, out, err = run(["check-lesson", d])
    check(rc == 1 and "starts program 'nosuch', which [programs] does not "
          "name" in out and "lesson.ini:" in out,
          f"check-lesson: s!nosuch is a file:line problem: {rc} {out!r} {err!r}")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
finish()
