"""Lesson 1 in guided order: the whole call flow, real return values, and
the client printing what the server sent; nothing left running."""
from sslib import *

rc, evs, err = batch_json(["01-hello", "--port", "0"])
check(rc == 0, f"exit status {rc}, stderr {err!r}")
# The lesson's own checks ran and passed (they are in the transcript).
chk = [e for e in evs if e["event"] == "check"]
check(len(chk) >= 5 and all(c["result"] == "passed" for c in chk),
      f"lesson checks: {[(c['expr'], c['result']) for c in chk]}")
evs = [e for e in evs if e["event"] != "check"]

srv = calls(evs, "server")
cli = calls(evs, "client")
check([e["call"] for e in srv] ==
      ["socket", "bind", "listen", "accept", "write", "close", "close"],
      f"server calls {[e['call'] for e in srv]}")
check([e["call"] for e in cli] == ["socket", "connect", "read", "close"],
      f"client calls {[e['call'] for e in cli]}")

if len(srv) == 7 and len(cli) == 4:
    lfd = srv[0]["ret"]
    check(lfd >= 3, f"server socket() returned {lfd}")
    check(srv[1]["ret"] == 0 and srv[1]["errno"] is None, "bind() = 0")
    check(srv[2]["ret"] == 0, "listen() = 0")
    check(srv[2]["args"] == [str(lfd), "5"], f"listen args {srv[2]['args']}")
    afd = srv[3]["ret"]
    check(afd >= 0 and afd != lfd, f"accept() gave a new fd ({afd} vs {lfd})")
    check(srv[4]["ret"] == 12 and '"Hello World!"' in srv[4]["args"][1],
          f"write() {srv[4]['args']} = {srv[4]['ret']}")
    check({srv[5]["args"][0], srv[6]["args"][0]} == {str(lfd), str(afd)},
          "server closes both sockets")
    check(cli[1]["ret"] == 0, f"connect() = {cli[1]['ret']}")
    check(cli[2]["ret"] == 12, f"read() = {cli[2]['ret']}")
    check('"Hello World!"' in cli[2]["args"][1],
          f"read() buffer {cli[2]['args'][1]}")

out = [e["text"] for e in evs if e["event"] == "output" and e["side"] == "client"]
check("Message from server: Hello World!" in out, f"client output {out}")
ex = {e["side"]: e["status"] for e in evs if e["event"] == "exit"}
check(ex == {"server": 0, "client": 0}, f"exit statuses {ex}")
# A segment's "seq" is its TCP sequence number: its event's is event_seq.
seqs = [e["seq"] if e["event"] != "segment" else e["event_seq"] for e in evs]
check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "seq increases")
for e in evs:
    check(set(["seq", "side", "event", "call", "args", "ret", "errno",
               "state"]) <= set(e), f"event fields {sorted(e)}")
    break
no_leftovers(evs, "lesson 1")
finish()
