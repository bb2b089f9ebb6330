"""No leftover processes: a crashing program, a forking server, and
sockstep itself ended by SIGINT, SIGTERM, SIGHUP or SIGKILL while a
traced server is blocked in accept()."""
import os
import signal
import time
from sslib import *

T = os.path.dirname(os.path.abspath(os.environ["STUDENT_NOLISTEN"]))
bindir = os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "lessons", "01-hello")


def gone(pids, what, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end and any(alive(p) for p in pids):
        time.sleep(0.05)
    left = [p for p in pids if alive(p)]
    check(not left, f"{what}: left running {left}")


# A traced program that crashes: reported, and the run goes on.
rc, out, err = run(["run", "--server", T + "/crasher {port}", "--client",
                    bindir + "/client 127.0.0.1 {port}", "--batch", "--json", "--port", "0"])
evs = events(out)
ex = [e for e in evs if e["event"] == "exit" and e["side"] == "server"]
check(rc == 0 and ex and ex[0]["signal"] == signal.SIGSEGV and
      ex[0]["text"] == "killed by SIGSEGV", f"crash reported: {rc} {ex}")
check(any(e["event"] == "output" and e["text"] == "about to crash" for e in evs),
      "its output before the crash was kept")
gone(pids(evs), "crasher")

# A forking server: the children are traced as server[pid], and all end.
rc, out, err = run(["run", "--server", T + "/forker {port}", "--client",
                    bindir + "/client 127.0.0.1 {port}", "--clients", "2",
                    "--batch", "--json", "--port", "0"], timeout=60)
evs = events(out)
main_pid = [e["pid"] for e in evs if e["side"] == "server"][0]
kids = {e["pid"] for e in evs if e["side"] == "server" and e["pid"] != main_pid}
check(rc == 0 and len(kids) == 2, f"two server children traced: {rc} {kids}")
writes = [e for e in evs if e["event"] == "return" and e["call"] == "write"
          and e["pid"] in kids]
check(len(writes) == 2 and all(w["ret"] == 12 for w in writes),
      f"each child's write seen: {[(w['pid'], w['ret']) for w in writes]}")
got = [e["text"] for e in evs if e["event"] == "output"]
check(got.count("Message from server: Hello World!") == 2, f"both clients served: {got}")
gone(pids(evs), "forker")

# sockstep itself ended while the server is blocked in accept().
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL):
    s = Interactive(["01-hello", "--port", "0"])
    s.step("s s s s")
    ps = pids(s.events)
    check(len(ps) == 2 and all(alive(p) for p in ps), f"{sig.name}: both running")
    s.p.send_signal(sig)
    s.p.wait(timeout=10)
    gone(ps, f"sockstep ended by {sig.name}")
finish()
