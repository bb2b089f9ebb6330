"""Lesson 08 (echo): what each client wrote is what the server read and
wrote back and what the client read and printed; client 2's connection
waits in the accept queue while client 1 is served (ss Recv-Q); after a
client's close() the server's connection is in CLOSE-WAIT (ss, before
the server reads) and its read() returns 0; the server then accepts the
next client at once."""
from sslib import *

LESSON = "08-echo"


def rets(evs, side, call):
    return [e for e in evs if e["event"] == "return" and e["side"] == side
            and e["call"] == call]


def unquote(arg):
    """A write's or read's buffer as the transcript quotes it, unescaped."""
    arg = arg[1:-1] if arg.startswith('"') else arg
    return arg.replace("\\n", "\n")


# 1. Step by step up to client 1's close, looking at the kernel.
s = Interactive([LESSON, "--port", "0"])
new = s.step("s s s c c c2 c2")
lst = rets(s.events, "server", "listen")
port = port_of(lst[0]["local"]) if lst else 0
cp = {e["side"]: port_of(e["local"]) for e in s.events
      if e["event"] == "return" and e["call"] == "connect" and e["ret"] == 0}
check(set(cp) == {"client", "client2"}, f"both clients connected: {cp}")
check(ss_listener(port) == (2, 5), f"ss: both wait in the accept queue: {ss_listener(port)}")
new = s.step("s")
acc = rets(new, "server", "accept")
check(acc and port_of(acc[0]["peer"]) == cp.get("client"), f"accept() takes client 1: {acc}")
check(ss_listener(port) == (1, 5),
      f"ss: client 2 still waits in the queue while client 1 is served: {ss_listener(port)}")
s.step("c s s c c s s c c")
afd = acc[0]["ret"] if acc else None
rows = ss(["-tn", "state", "close-wait", f"( sport = :{port} )"])
check([port_of(r[3]) for r in rows] == [cp.get("client")],
      f"ss: after client 1's close() the server's socket is CLOSE-WAIT: {rows}")
srv = [k for k in last_kernel(s.events)["sockets"]
       if k["side"] == "server" and k["fd"] == afd]
check(srv and srv[0]["state"] == "CLOSE-WAIT", f"sockstep agrees: {srv}")
new = s.step("s")
rd = rets(new, "server", "read")
check(len(rd) == 1 and rd[0]["ret"] == 0, f"the server's read() returns 0: {rd}")
new = s.step("s s")
acc = rets(new, "server", "accept")
check(not [e for e in new if e["event"] == "blocked"] and acc and
      port_of(acc[0]["peer"]) == cp.get("client2"),
      f"the next accept() returns client 2 at once: {acc}")
check(ss_listener(port) == (0, 5), f"ss: queue empty: {ss_listener(port)}")
s.step("c2 s s c2 c2 s s c2 c2 s s s")
rc = s.close()
check(rc == 0, f"sockstep exit {rc}")
check(exits(s.events) == {"server": 0, "client": 0, "client2": 0},
      f"exits {exits(s.events)}")
no_leftovers(s.events, "lesson 08, step by step")

# 2. The guided order: the bytes, end to end, for both clients.
rc, evs, err = batch_json([LESSON, "--port", "0"])
check(rc == 0, f"guided exit {rc}: {err}")
srv_reads = rets(evs, "server", "read")
srv_writes = rets(evs, "server", "write")
sent = {c: [unquote(e["args"][1]) for e in rets(evs, c, "write")]
        for c in ("client", "client2")}
got = {c: [unquote(e["args"][1]) for e in rets(evs, c, "read")]
       for c in ("client", "client2")}
for c in ("client", "client2"):
    # The book's client sends the line fgets read, newline and all:
    # what the lesson's [input] typed into its terminal.
    check(sent[c] == ["Hello\n", "socket\n"], f"{c} sent {sent[c]}")
    typed = [e["text"] for e in evs if e["event"] == "input" and
             e["side"] == c]
    check(typed == ["Hello", "socket", "Q"], f"{c} was typed {typed}")
    check(got[c] == sent[c], f"{c} read back what it sent: {got[c]} vs {sent[c]}")
    printed = [l[len("Message from server: "):] + "\n"
               for l in output_lines(evs, c)
               if l.startswith("Message from server: ")]
    check(printed == got[c], f"{c} printed {printed}")
check([unquote(e["args"][1]) for e in srv_reads if e["ret"] > 0] ==
      [unquote(e["args"][1]) for e in srv_writes] ==
      sent["client"] + sent["client2"],
      f"server read and wrote back {[e['args'][1] for e in srv_writes]}")
check([e["ret"] for e in srv_reads] == [6, 7, 0, 6, 7, 0] and
      [e["ret"] for e in srv_writes] == [6, 7, 6, 7],
      f"read/write sizes {[e['ret'] for e in srv_reads]} {[e['ret'] for e in srv_writes]}")
closes = [e["seq"] for c in ("client", "client2") for e in rets(evs, c, "close")]
eofs = [e["seq"] for e in srv_reads if e["ret"] == 0]
accs = [e["seq"] for e in rets(evs, "server", "accept")]
check(len(closes) == 2 and len(eofs) == 2 and len(accs) == 2 and
      closes[0] < eofs[0] < accs[1] < closes[1] < eofs[1],
      f"close -> read 0 -> next accept: closes {closes}, eofs {eofs}, accepts {accs}")
con2 = rets(evs, "client2", "connect")
check(con2 and accs and con2[0]["seq"] < accs[0] and
      con2[0]["kernel"]["listeners"][0]["queue"] == 2,
      "client 2 connected before client 1 was even accepted (queue 2)")
check(output_lines(evs, "server") ==
      ["Connected client 1", "client 1 closed the connection",
       "Connected client 2", "client 2 closed the connection"],
      f"server output {output_lines(evs, 'server')}")
check(exits(evs) == {"server": 0, "client": 0, "client2": 0}, f"guided exits {exits(evs)}")
check(not [e for e in evs if e["event"] == "blocked"], "guided: nothing blocked")
no_leftovers(evs, "lesson 08, guided")
finish()
