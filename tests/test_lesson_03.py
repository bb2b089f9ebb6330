"""Lesson 03 (connect before accept): connect() returns 0 while the server
has not called accept() (it is stopped before it, not sleeping in it); the
accept queue goes 0 -> 1 as ss shows; bytes the client writes then wait in
the queued connection (ss Recv-Q); accept() returns at once, the queue
goes back to 0, and read() finds those bytes."""
from sslib import *

LESSON = "03-connect-before-accept"


def state_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        st = f.read()
    return st[st.rindex(")") + 2]


s = Interactive([LESSON, "--port", "0"])
new = s.step("s s s")
lst = [e for e in new if e["event"] == "return" and e["call"] == "listen"]
port = port_of(lst[0]["local"]) if lst else None
check(port is not None, f"listen() returned with an address: {lst}")
if port:
    check(ss_listener(port) == (0, 5), f"ss: empty queue, backlog 5: {ss_listener(port)}")

new = s.step("c c")
con = [e for e in new if e["event"] == "return" and e["call"] == "connect"]
check(len(con) == 1 and con[0]["ret"] == 0, f"connect() = 0 before accept: {con}")
check(not [e for e in new if e["event"] == "blocked"],
      f"nothing blocked: {[e for e in new if e['event'] == 'blocked']}")
srv_calls = [e for e in s.events if e["side"] == "server" and e["event"] == "call"]
check(srv_calls and srv_calls[-1]["call"] == "accept" and
      srv_calls[-1]["state"] == "before-call",
      "the server is paused before accept(), not in it")
if srv_calls:
    st = state_of(srv_calls[-1]["pid"])
    check(st == "t", f"kernel: the server is stopped by the tracer (t), not asleep: {st}")
cport = port_of(con[0]["local"]) if con else None
if port and cport:
    got = ss_listener(port)
    check(got is not None and got[0] == 1, f"ss: accept queue 0 -> 1: {got}")
    kl = con[0]["kernel"]["listeners"]
    check(kl and got and kl[0]["queue"] == got[0],
          f"sockstep's queue {kl} == ss Recv-Q {got}")
    rows = ss(["-tn", "state", "established", f"( dport = :{port} )"])
    check([port_of(r[2]) for r in rows] == [cport],
          f"ss: the client is ESTABLISHED on {cport}: {rows}")

new = s.step("c")
wr = [e for e in new if e["event"] == "return" and e["call"] == "write"]
check(len(wr) == 1 and wr[0]["ret"] == 10, f"client write() before accept: {wr}")
if port and cport and wr:
    rows = ss(["-tn", "state", "established",
               f"( sport = :{port} and dport = :{cport} )"])
    check(len(rows) == 1 and int(rows[0][0]) == wr[0]["ret"],
          f"ss: the queued connection holds the {wr[0]['ret']} bytes: {rows}")
    q = [k for k in wr[0]["kernel"]["sockets"] if k["in_accept_queue"]]
    check(len(q) == 1 and rows and q[0]["rqueue"] == int(rows[0][0]),
          f"sockstep shows them in the accept queue too: {q}")

new = s.step("s")
check(not [e for e in new if e["event"] == "blocked"], "accept() did not block")
acc = [e for e in new if e["event"] == "return" and e["call"] == "accept"]
check(len(acc) == 1 and acc[0]["ret"] >= 0, f"accept() returned at once: {acc}")
if acc and cport:
    check(port_of(acc[0]["peer"]) == cport, f"accepted {acc[0]['peer']}, the client on {cport}")
    check(acc[0]["kernel"]["listeners"][0]["queue"] == 0, "sockstep: queue 1 -> 0")
if port:
    got = ss_listener(port)
    check(got is not None and got[0] == 0, f"ss: queue back to 0: {got}")

new = s.step("s")
rd = [e for e in new if e["event"] == "return" and e["call"] == "read"]
check(len(rd) == 1 and wr and rd[0]["ret"] == wr[0]["ret"] and
      rd[0]["args"][1] == wr[0]["args"][1],
      f"server read() got what the client wrote: {rd and rd[0]['args']} vs {wr and wr[0]['args']}")
s.step("s s s c c")
rc = s.close()
check(rc == 0, f"sockstep exit {rc}")
check("Message from client: Hi, server" in output_lines(s.events, "server"),
      f"server output {output_lines(s.events, 'server')}")
check("Message from server: Hello World!" in output_lines(s.events, "client"),
      f"client output {output_lines(s.events, 'client')}")
check(exits(s.events) == {"server": 0, "client": 0}, f"exits {exits(s.events)}")
no_leftovers(s.events, "lesson 03, step by step")

# The guided order: connect and write before accept, nothing ever blocks.
rc, evs, err = batch_json([LESSON, "--port", "0"])
check(rc == 0, f"guided exit {rc}: {err}")
seq = {(e["side"], e["call"]): e["seq"] for e in evs if e["event"] == "return"}
check(("client", "connect") in seq and ("server", "accept") in seq and
      seq[("client", "connect")] < seq[("client", "write")] < seq[("server", "accept")],
      f"connect and write returned before accept: {seq}")
check(not [e for e in evs if e["event"] == "blocked"], "guided: nothing blocked")
check(exits(evs) == {"server": 0, "client": 0}, f"guided exits {exits(evs)}")
no_leftovers(evs, "lesson 03, guided")
# The 10 bytes wait with the queued connection: the kernel's own count
# (sock_diag's rqueue in the JSON) is what the text's row says.
wr = [e for e in evs if e["event"] == "return" and e["call"] == "write" and
      e["side"] == "client"]
q = [k for k in (wr[0]["kernel"]["sockets"] if wr else [])
     if k.get("in_accept_queue")]
check(len(q) == 1 and q[0]["rqueue"] == 10,
      f"JSON: the queued connection holds 10 bytes: {q}")
rc, out, err = run(["batch", LESSON, "--port", "0"])
rows = [l for l in out.splitlines() if "~ kernel:" in l and "in accept queue" in l]
check(rc == 0 and any(f"in accept queue {CLIENT_IP}:" in l and
                      l.rstrip().endswith(", 10 bytes unread") for l in rows),
      f"text: the queued connection's row says 10 bytes unread: {rows}")
# --lang zh: the kernel line's words are Chinese, names and numbers not.
rc, out, err = run(["batch", LESSON, "--port", "0", "--lang", "zh"])
rows = [l for l in out.splitlines() if "~ 内核：" in l]
check(rc == 0 and rows and any("10 字节未读" in l for l in rows) and
      not any("bytes unread" in l or "in accept queue" in l for l in rows) and
      any("ESTABLISHED" in l for l in rows),
      f"zh kernel lines: {rows[:6]}")
finish()
