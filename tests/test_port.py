"""Ports.  On the host's network (--net host): the default 9190 falls
back to a free port when busy (and says so); an explicit busy --port is
a clear error, exit 2.  On the lab network (issue 16) the host's busy
ports are not the lab's: 9190, or the port asked for, is always free."""
import socket
from sslib import *

busy = socket.socket()
busy.bind(("127.0.0.1", 0))
busy.listen(1)
bport = busy.getsockname()[1]

rc, out, err = run(["batch", "01-hello", "--net", "host", "--port",
                    str(bport)])
check(rc == 2 and f"port {bport}" in err and "busy" in err and
      len(err.strip().splitlines()) == 1, f"explicit busy port: {rc} {err!r}")

# Hold 9190 ourselves (if something else holds it, it is busy anyway).
hold = socket.socket()
try:
    hold.bind(("127.0.0.1", 9190))
    hold.listen(1)
except OSError:
    pass
rc, evs, err = batch_json(["01-hello", "--net", "host"])
check(rc == 0, f"default port busy: exit {rc} {err}")
notes = [e["text"] for e in evs if e["event"] == "note"]
check(any("9190 is busy" in n for n in notes), f"says the port is busy: {notes}")
lst = [l for e in evs for l in e.get("kernel", {}).get("listeners", [])]
check(lst and port_of(lst[0]["addr"]) != 9190,
      f"the server listened elsewhere: {lst[:1]}")
out = [e["text"] for e in evs if e["event"] == "output"]
check("Message from server: Hello World!" in out, f"lesson still works: {out}")
no_leftovers(evs, "port fallback")

# The lab network: the same busy ports are free there.
for args, want in ((["--port", str(bport)], bport), ([], 9190)):
    rc, evs, err = batch_json(["01-hello", "--net", "lab"] + args)
    check(rc == 0, f"lab, {args or 'default'}: exit {rc} {err}")
    notes = [e["text"] for e in evs if e["event"] == "note"]
    check(not any("busy" in n for n in notes),
          f"lab: no port is busy: {notes}")
    lst = [l for e in evs for l in e.get("kernel", {}).get("listeners", [])]
    check(lst and port_of(lst[0]["addr"]) == want,
          f"lab: the server listened on {want} though the host's is "
          f"busy: {lst[:1]}")
    out = [e["text"] for e in evs if e["event"] == "output"]
    check("Message from server: Hello World!" in out,
          f"lab: the lesson works: {out}")
    no_leftovers(evs, "lab port")
finish()
