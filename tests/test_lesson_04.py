"""Lesson 04 (accept blocks): accept() on an empty queue puts the server
to sleep in the kernel (/proc: state S, inside accept, wchan as sockstep
says; ss: queue 0); the client can still be stepped, and its connect()
wakes the server: accept() returns the client's connection.  The client's
read() then sleeps the same way until the server writes."""
from sslib import *

LESSON = "04-accept-blocks"


def proc(pid):
    with open(f"/proc/{pid}/stat") as f:
        st = f.read()
    with open(f"/proc/{pid}/syscall") as f:
        nr = f.read().split()[0]
    with open(f"/proc/{pid}/wchan") as f:
        wchan = f.read().strip()
    return st[st.rindex(")") + 2], int(nr) if nr.lstrip("-").isdigit() else None, wchan


s = Interactive([LESSON, "--port", "0"])
new = s.step("s s s")
lst = [e for e in new if e["event"] == "return" and e["call"] == "listen"]
port = port_of(lst[0]["local"]) if lst else None

new = s.step("s")
blk = [e for e in new if e["event"] == "blocked"]
check(len(blk) == 1 and blk[0]["side"] == "server" and blk[0]["call"] == "accept",
      f"server reported blocked in accept: {[(e['side'], e['event'], e['call']) for e in new]}")
spid = blk[0]["pid"] if blk else None
if spid:
    st, nr, wchan = proc(spid)
    check(st == "S", f"kernel: server asleep (S): {st}")
    check(nr in (43, 288), f"kernel: inside accept/accept4: syscall {nr}")
    kb = [b for b in blk[0]["kernel"]["blocked"] if b["side"] == "server"]
    check(kb and kb[0]["wchan"] == (wchan if wchan not in ("", "0") else None),
          f"sockstep's wchan {kb} == /proc {wchan!r}")
if port:
    check(ss_listener(port) == (0, 5), f"ss: the queue is empty: {ss_listener(port)}")

new = s.step("c")
check([e["call"] for e in new if e["event"] == "return"] == ["socket"],
      "the client steps while the server sleeps")
if spid:
    check(proc(spid)[0] == "S", "kernel: the server still sleeps in accept()")

new = s.step("c")
ret = {e["call"]: e for e in new if e["event"] == "return"}
check(set(ret) == {"connect", "accept"},
      f"connect() and the woken accept() return: {sorted(ret)}")
if set(ret) == {"connect", "accept"}:
    cport = port_of(ret["connect"]["local"])
    check(ret["connect"]["ret"] == 0, "connect() = 0")
    check(ret["accept"]["ret"] >= 0 and port_of(ret["accept"]["peer"]) == cport,
          f"accept() returned the client's connection {ret['accept']['peer']} (client {cport})")
    check(blk and ret["accept"]["seq"] > blk[0]["seq"], "accept returned after it blocked")
    check(f"accepted a client: {CLIENT_IP}:{cport}" in output_lines(s.events, "server"),
          f"the server printed the client's port: {output_lines(s.events, 'server')}")
    if port:
        got = ss_listener(port)
        check(got is not None and got[0] == 0,
              f"ss: accept() took the connection, the queue is empty: {got}")
        rows = ss(["-tn", "state", "established", f"( sport = :{port} )"])
        check([port_of(r[3]) for r in rows] == [cport],
              f"ss: the server's new socket talks to {cport}: {rows}")
if spid:
    st = proc(spid)[0]
    check(st == "t", f"kernel: the server is awake, stopped before write(): {st}")

new = s.step("c")
blk = [e for e in new if e["event"] == "blocked"]
check(len(blk) == 1 and blk[0]["side"] == "client" and blk[0]["call"] == "read",
      f"client blocked in read(): {blk}")
if blk:
    st, nr, _ = proc(blk[0]["pid"])
    check(st == "S" and nr == 0, f"kernel: client asleep in read: {st} {nr}")

new = s.step("s")
rd = [e for e in new if e["event"] == "return" and e["call"] == "read"]
wr = [e for e in new if e["event"] == "return" and e["call"] == "write"]
check(len(rd) == 1 and len(wr) == 1 and rd[0]["ret"] == wr[0]["ret"] == 12 and
      rd[0]["args"][1] == wr[0]["args"][1],
      f"write() woke read(), same bytes: {[e['args'] for e in rd + wr]}")

s.step("s s c")
rc = s.close()
check(rc == 0, f"sockstep exit {rc}")
check(exits(s.events) == {"server": 0, "client": 0}, f"exits {exits(s.events)}")
no_leftovers(s.events, "lesson 04, step by step")

# The guided order: blocked accept, then the client's connect wakes it.
rc, evs, err = batch_json([LESSON, "--port", "0"])
check(rc == 0, f"guided exit {rc}: {err}")
blocked = [(e["side"], e["call"]) for e in evs if e["event"] == "blocked"]
check(blocked == [("server", "accept"), ("client", "read")],
      f"guided: accept blocks, then read blocks: {blocked}")
bseq = [e["seq"] for e in evs if e["event"] == "blocked"]
cseq = [e["seq"] for e in evs if e["event"] == "call" and e["call"] == "connect"]
check(bseq and cseq and bseq[0] < cseq[0], "accept blocked before the client called connect()")
check("Message from server: Hello World!" in output_lines(evs, "client"),
      f"client output {output_lines(evs, 'client')}")
check(exits(evs) == {"server": 0, "client": 0}, f"guided exits {exits(evs)}")
no_leftovers(evs, "lesson 04, guided")
finish()
