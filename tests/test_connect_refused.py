"""connect() before the server listens: the kernel answers with RST and
connect() fails with ECONNREFUSED."""
from sslib import *

rc, evs, err = batch_json(["01-hello", "--port", "0", "--steps", "c c"])
check(rc == 0, f"exit {rc}: {err}")
con = [e for e in calls(evs, "client") if e["call"] == "connect"]
check(len(con) == 1, f"one connect: {con}")
if con:
    check(con[0]["ret"] == -1 and con[0]["errno"] == "ECONNREFUSED",
          f"connect = {con[0]['ret']} {con[0]['errno']}")
out = [e["text"] for e in evs if e["event"] == "output"]
check(any("Connection refused" in t for t in out),
      f"the client's perror says so: {out}")
no_leftovers(evs, "connect-refused")
finish()
