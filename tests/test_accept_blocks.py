"""Step the server into accept() first: reported blocked (and the kernel
agrees: /proc state S in accept); the client's connect wakes it and
accept() returns a new fd."""
from sslib import *

s = Interactive(["01-hello", "--port", "0"])
s.step("s s s")
new = s.step("s")
blk = [e for e in new if e["event"] == "blocked"]
check(len(blk) == 1 and blk[0]["side"] == "server" and
      blk[0]["call"] == "accept", f"server blocked in accept: {new}")
if blk:
    pid = blk[0]["pid"]
    with open(f"/proc/{pid}/stat") as f:
        st = f.read()
    check(st[st.rindex(")") + 2] == "S", "kernel: server sleeping (S)")
    with open(f"/proc/{pid}/syscall") as f:
        nr = int(f.read().split()[0])
    check(nr in (43, 288), f"kernel: server inside accept (syscall {nr})")
    kb = blk[0]["kernel"]["blocked"]
    check(any(b["side"] == "server" and b["call"] == "accept" for b in kb),
          f"kernel view lists server blocked: {kb}")
new = s.step("c c")
ret = [e for e in new if e["event"] == "return"]
# connect() and the woken accept() return concurrently; either may be
# reported first, as the kernel ran them.
got = [(e["side"], e["call"]) for e in ret]
check(got[:1] == [("client", "socket")] and sorted(got[1:]) ==
      [("client", "connect"), ("server", "accept")],
      f"connect and accept return: {got}")
con = [e for e in ret if e["call"] == "connect"]
check(con and con[0]["ret"] == 0, f"connect returned {con}")
acc = [e for e in ret if e["call"] == "accept"]
if acc:
    check(acc[0]["ret"] >= 0, f"accept returned {acc[0]['ret']}")
    lfd = [e for e in s.events if e["event"] == "return" and
           e["call"] == "socket" and e["side"] == "server"][0]["ret"]
    check(acc[0]["ret"] != lfd, "accept's fd is a new socket")
srv = [e for e in new if e["side"] == "server" and e["event"] == "call"]
check(srv and srv[-1]["call"] == "write" and srv[-1]["state"] == "before-call",
      "server paused before write after accept returned")
rc = s.close()
check(rc == 0, f"exit {rc}")
no_leftovers(s.events, "accept-blocks")
finish()
