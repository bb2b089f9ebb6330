"""Lesson 07 (binding the client): bind() before connect() fixes the
client's port.  The port the client asked bind() for ({port2}) is the one
sockstep reads back (getsockname, origin "bind") after bind() and after
connect(), the one ss shows for the client's socket, and the one the
server prints from accept().  A second client asking for the same port
gets -1 EADDRINUSE from bind() while ss shows the first one holding it;
its perror() says so and it exits 1."""
import errno
import os
from sslib import *

LESSON = "07-client-bind"


def bind_port(ev):
    return port_of(ev["args"][1].strip("{}").split(", ")[1])


s = Interactive([LESSON, "--port", "0"])
new = s.step("s s s")
lst = [e for e in new if e["event"] == "return" and e["call"] == "listen"]
port = port_of(lst[0]["local"]) if lst else 0

new = s.step("c c")
bnd = [e for e in new if e["event"] == "return" and e["call"] == "bind"]
check(len(bnd) == 1 and bnd[0]["ret"] == 0, f"client bind() = 0: {bnd}")
myport = bind_port(bnd[0]) if bnd else None
check(myport and myport != port, f"the client asked for its own port {myport} (lab port {port})")
if bnd:
    check(bnd[0].get("local_origin") == "bind" and
          port_of(bnd[0]["local"]) == myport,
          f"sockstep reads back {bnd[0].get('local')} ({bnd[0].get('local_origin')})")

# Between bind() and connect() the client's socket is on a port of its
# own, not the lab's: the kernel view shows it all the same (issue 18 §4),
# as the kernel lists it (sock_diag), in CLOSE.
k = last_kernel(new) or {}
mine = [x for x in k.get("sockets", []) if x.get("side") == "client"]
check(myport and len(mine) == 1 and mine[0]["state"] == "CLOSE" and
      mine[0]["local"] == f"0.0.0.0:{myport}" and
      mine[0].get("host") == "client",
      f"the bound client socket in the kernel view: {mine}")

new = s.step("c")
con = [e for e in new if e["event"] == "return" and e["call"] == "connect"]
check(len(con) == 1 and con[0]["ret"] == 0, f"connect() = 0: {con}")
if con:
    check(con[0]["local"] == f"{CLIENT_IP}:{myport}" and
          con[0].get("local_origin") == "bind" and
          con[0].get("local_source") == "getsockname",
          f"connect() kept the bound address: {con[0].get('local')} "
          f"({con[0].get('local_origin')}, {con[0].get('local_source')})")
    rows = ss(["-tn", "state", "established", f"( dport = :{port} )"],
              host="client")
    check([r[2] for r in rows] == [f"{CLIENT_IP}:{myport}"],
          f"ss in the client host: the client's socket is "
          f"{CLIENT_IP}:{myport}: {rows}")

new = s.step("s")
acc = [e for e in new if e["event"] == "return" and e["call"] == "accept"]
check(len(acc) == 1 and myport and port_of(acc[0]["peer"]) == myport,
      f"accept() reports the client's port {myport}: {acc and acc[0]['peer']}")

new = s.step("c2 c2")
b2 = [e for e in new if e["event"] == "return" and e["call"] == "bind"]
check(len(b2) == 1 and b2[0]["side"] == "client2" and
      b2[0]["ret"] == -1 and b2[0]["errno"] == "EADDRINUSE",
      f"client2's bind() = -1 EADDRINUSE: {[(e['side'], e['ret'], e['errno']) for e in b2]}")
if b2 and myport:
    check(bind_port(b2[0]) == myport, f"client2 asked for the same port: {b2[0]['args']}")
    holders = [r for r in ss(["-tan", f"( sport = :{myport} )"],
                             host="client")]
    check(len(holders) == 1 and holders[0][0] == "ESTAB" and
          holders[0][4] == f"{SERVER_IP}:{port}",
          f"ss: client 1's connection holds {CLIENT_IP}:{myport}: {holders}")
    want = "bind() error: " + os.strerror(errno.EADDRINUSE)
    check(want in output_lines(s.events, "client2"),
          f"client2's perror(): {output_lines(s.events, 'client2')}")
check(exits(s.events).get("client2") == 1, f"client2 exited 1: {exits(s.events)}")

s.step("s s s c c")
rc = s.close()
check(rc == 0, f"sockstep exit {rc}")
check(f"client address from accept(): {CLIENT_IP}:{myport}" in
      output_lines(s.events, "server"),
      f"the server printed {myport}: {output_lines(s.events, 'server')}")
check(exits(s.events) == {"server": 0, "client": 0, "client2": 1},
      f"exits {exits(s.events)}")
no_leftovers(s.events, "lesson 07, step by step")

# The guided order, and the other way round: whoever binds first wins.
rc, evs, err = batch_json([LESSON, "--port", "0"])
check(rc == 0, f"guided exit {rc}: {err}")
b = [(e["side"], e["ret"], e["errno"]) for e in evs
     if e["event"] == "return" and e["call"] == "bind" and e["side"] != "server"]
check(b == [("client", 0, None), ("client2", -1, "EADDRINUSE")], f"guided binds {b}")
con = [e for e in evs if e["event"] == "return" and e["call"] == "connect"]
mp = [bind_port(e) for e in evs if e["event"] == "return" and
      e["call"] == "bind" and e["side"] == "client"]
check(con and mp and con[0]["local"] == f"{CLIENT_IP}:{mp[0]}" and
      f"client address from accept(): {CLIENT_IP}:{mp[0]}" in output_lines(evs, "server"),
      f"guided: bound port {mp}, connect local {con and con[0]['local']}")
check(exits(evs) == {"server": 0, "client": 0, "client2": 1}, f"guided exits {exits(evs)}")
no_leftovers(evs, "lesson 07, guided")

rc, evs, err = batch_json([LESSON, "--port", "0", "--steps", "c2 c2 c c"])
check(rc == 0, f"reversed exit {rc}: {err}")
b = [(e["side"], e["ret"], e["errno"]) for e in evs
     if e["event"] == "return" and e["call"] == "bind"]
check(b == [("client2", 0, None), ("client", -1, "EADDRINUSE")],
      f"client 2 first: client 1's bind() fails instead: {b}")
no_leftovers(evs, "lesson 07, reversed")
finish()
