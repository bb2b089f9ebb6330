"""The kernel view against the kernel: at each pause, what sockstep reports
(queue, blocked, the client's port) equals what ss and /proc say then."""
import os
from sslib import *


def listener(evs):
    for e in reversed(evs):
        ls = e.get("kernel", {}).get("listeners", [])
        if ls:
            return ls[0]
    return None


# 1. connect before accept: queue 1, same as ss's Recv-Q at that pause.
s = Interactive(["01-hello", "--port", "0"])
s.step("s s s c c")
lst = listener(s.events)
check(lst is not None, "a listener is reported after listen()")
if lst:
    port = port_of(lst["addr"])
    rows = ss(["-ltn", f"sport = :{port}"])
    check(len(rows) == 1, f"ss shows one listener on {port}: {rows}")
    if rows:
        check(lst["queue"] == int(rows[0][1]) == 1,
              f"queue {lst['queue']} vs ss Recv-Q {rows[0][1]} (want 1)")
        check(lst["backlog"] == int(rows[0][2]),
              f"backlog {lst['backlog']} vs ss Send-Q {rows[0][2]}")
    waiting = [k for k in s.events[-1]["kernel"]["sockets"]
               if k["in_accept_queue"]]
    check(len(waiting) == 1 and waiting[0]["side"] is None,
          f"one connection waits in the accept queue, held by no one: {waiting}")

    # 2. The client's port: getsockname == ss == the port range == accept's.
    con = [e for e in s.events if e["event"] == "return" and
           e["call"] == "connect"][0]
    check(con.get("local_source") == "getsockname" and
          con.get("local_origin") == "chosen by the kernel",
          f"connect local from getsockname, chosen by kernel: {con.get('local_source')}, {con.get('local_origin')}")
    cport = port_of(con["local"])
    rows = ss(["-tn", f"dport = :{port}"])
    check([port_of(r[3]) for r in rows] == [cport],
          f"ss client local port {rows} vs {cport}")
    lo, hi = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    check(lo <= cport <= hi, f"{cport} within ip_local_port_range {lo}-{hi}")
    new = s.step("s")
    acc = [e for e in new if e["event"] == "return" and e["call"] == "accept"]
    check(len(acc) == 1, "accept returned at once")
    if acc:
        check(port_of(acc[0]["peer"]) == cport and
              acc[0]["peer_source"] == "getsockname",
              f"getpeername of the accepted fd {acc[0].get('peer')} == {cport}")
        check(f":{cport}}}" in acc[0]["args"][1],
              f"accept's addr argument shows {cport}: {acc[0]['args'][1]}")
        check(acc[0]["kernel"]["listeners"][0]["queue"] == 0,
              "queue back to 0 after accept")
check(s.close() == 0, "exit 0")
no_leftovers(s.events, "queue test")

# 3. accept first: blocked, then woken; the queue is back to 0.
s = Interactive(["01-hello", "--port", "0"])
new = s.step("s s s s")
kb = new[-1]["kernel"]["blocked"]
check([(b["side"], b["call"]) for b in kb] == [("server", "accept")],
      f"blocked list {kb}")
if kb:
    with open(f"/proc/{kb[0]['pid']}/wchan") as f:
        wchan = f.read().strip()
    check(kb[0]["wchan"] == (wchan if wchan not in ("", "0") else None),
          f"wchan {kb[0]['wchan']} vs /proc {wchan}")
new = s.step("c c")
check(new[-1]["kernel"]["blocked"] == [], f"nobody blocked: {new[-1]['kernel']['blocked']}")
lst = new[-1]["kernel"]["listeners"]
check(lst and lst[0]["queue"] == 0, f"queue 0 after the woken accept: {lst}")
check(s.close() == 0, "exit 0")

# 4. Without pidfd_getfd the address comes from sock_diag, and says so.
os.environ["SOCKSTEP_NO_PIDFD"] = "1"
rc, evs, err = batch_json(["01-hello", "--port", "0"])
con = [e for e in evs if e["event"] == "return" and e["call"] == "connect"]
check(rc == 0 and con and con[0]["local_source"] == "sock_diag" and
      port_of(con[0]["local"]) > 0, f"fallback source {con and con[0].get('local_source')}")
del os.environ["SOCKSTEP_NO_PIDFD"]
finish()
