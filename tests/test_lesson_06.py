"""Lesson 06 (where is the client's address?): the client never binds.
Before connect() its socket has no address (getsockname 0.0.0.0:0, and
the kernel lists no socket for it); connect() binds it: the port the lab
reads with getsockname equals what ss shows for the client's socket at
that pause, lies in ip_local_port_range, equals what the client's own
getsockname() prints, and what the server prints from accept().  The
lab has two hosts (issue 16 §1): the IP is the client host's, 10.1.0.2,
chosen by the route to the server's 10.1.0.1, and ss finds the socket in
the client host's namespace, not in the server's."""
from sslib import *

LESSON = "06-client-address"
lo, hi = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())

s = Interactive([LESSON, "--port", "0"])
new = s.step("s s s")
lst = [e for e in new if e["event"] == "return" and e["call"] == "listen"]
port = port_of(lst[0]["local"]) if lst else 0

new = s.step("c c")
gsn = [e for e in new if e["event"] == "return" and e["call"] == "getsockname"]
check(len(gsn) == 1 and gsn[0]["ret"] == 0 and
      "0.0.0.0:0}" in gsn[0]["args"][1],
      f"getsockname() before connect(): {gsn and gsn[0]['args']}")
cli = [k for k in last_kernel(s.events)["sockets"] if k["side"] == "client"]
check(len(cli) == 1 and not cli[0]["in_kernel_table"] and
      cli[0]["local"] == "0.0.0.0:0",
      f"sockstep: the client's socket is unbound, not in the kernel's tables: {cli}")
# (TIME-WAIT leftovers of an earlier run on the same port do not count.)
towards = [r for r in ss(["-tan", f"( dport = :{port} )"]) if r[0] != "TIME-WAIT"]
check(towards == [], f"ss: no client socket towards {port} yet: {towards}")

new = s.step("c")
con = [e for e in new if e["event"] == "return" and e["call"] == "connect"]
check(len(con) == 1 and con[0]["ret"] == 0, f"connect() = 0: {con}")
cport = None
if con:
    check(con[0].get("local_origin") == "chosen by the kernel" and
          con[0].get("local_source") == "getsockname",
          f"the address is the kernel's choice, read with getsockname: "
          f"{con[0].get('local_origin')}, {con[0].get('local_source')}")
    cport = port_of(con[0]["local"])
    check(con[0]["local"].startswith(CLIENT_IP + ":") and
          f"{SERVER_IP}:{port}" in con[0]["args"][1],
          f"the IP of the route to {SERVER_IP}: the client host's "
          f"{CLIENT_IP}: {con[0]['local']} {con[0]['args']}")
    rows = ss(["-tn", "state", "established", f"( dport = :{port} )"],
              host="client")
    check([r[2:4] for r in rows] == [[con[0]["local"], f"{SERVER_IP}:{port}"]],
          f"ss in the client host at this pause: the client's socket is "
          f"{con[0]['local']}: {rows}")
    rows = ss(["-tn", f"( dport = :{port} )"], host="server")
    check(rows == [], f"ss in the server host: no client socket: {rows}")
    check(lo <= cport <= hi, f"{cport} within ip_local_port_range {lo}-{hi}")

new = s.step("c")
gsn = [e for e in new if e["event"] == "return" and e["call"] == "getsockname"]
check(len(gsn) == 1 and cport and f"{CLIENT_IP}:{cport}}}" in gsn[0]["args"][1],
      f"the client's own getsockname() after connect(): {gsn and gsn[0]['args']}")

new = s.step("s")
acc = [e for e in new if e["event"] == "return" and e["call"] == "accept"]
check(len(acc) == 1 and cport and f"{CLIENT_IP}:{cport}}}" in acc[0]["args"][1],
      f"accept()'s addr argument holds the client's port: {acc and acc[0]['args']}")
s.step("s s s c c")
rc = s.close()
check(rc == 0, f"sockstep exit {rc}")
so = output_lines(s.events, "server")
co = output_lines(s.events, "client")
check(f"client address from accept(): {CLIENT_IP}:{cport}" in so,
      f"the server printed the port from accept(): {so}")
check(co[:2] == ["before connect(): 0.0.0.0:0", f"after connect(): {CLIENT_IP}:{cport}"],
      f"the client printed its address before and after connect(): {co}")
check(f"Message from server: you are {CLIENT_IP}:{cport}" in co,
      f"what the server saw reached the client: {co}")
check(exits(s.events) == {"server": 0, "client": 0}, f"exits {exits(s.events)}")
no_leftovers(s.events, "lesson 06, step by step")

# The guided order: the same agreement, on another run's port.
rc, evs, err = batch_json([LESSON, "--port", "0"])
check(rc == 0, f"guided exit {rc}: {err}")
con = [e for e in evs if e["event"] == "return" and e["call"] == "connect"]
check(len(con) == 1, f"guided: one connect: {con}")
if con:
    p = port_of(con[0]["local"])
    check(lo <= p <= hi, f"guided: {p} within {lo}-{hi}")
    check(f"client address from accept(): {CLIENT_IP}:{p}" in output_lines(evs, "server")
          and f"after connect(): {CLIENT_IP}:{p}" in output_lines(evs, "client"),
          f"guided: server and client print {p}")
check(exits(evs) == {"server": 0, "client": 0}, f"guided exits {exits(evs)}")
no_leftovers(evs, "lesson 06, guided")
finish()
