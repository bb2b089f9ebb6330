"""The lab network (issue 16 §1): each run has a network namespace of its
own, closed (lo only, no route out), that `sockstep join` enters and the
host's ss does not see; a lesson has two (the server host, sockstep's,
and the client host, the clients'), joined by a veth pair and closed as
well (lo and the veth end, no default route); --net host keeps the
host's; where namespaces are refused the default falls back with one
line and --net lab fails; nothing is left once the run ends.  Compared
with the kernel: ip and ss run inside the namespaces by nsenter,
/proc/PID/ns, /proc/PID/fd, /proc/PID/status."""
import os
import pwd
import shutil
import subprocess
import tempfile
import time

from sslib import *

if shutil.which("nsenter") is None or shutil.which("ip") is None:
    print("skip: needs nsenter and ip (util-linux, iproute2)")
    sys.exit(77)

HOST_NET = ns_id("self", "net")


def holders(ns):
    """Pids whose network namespace is ns (from /proc/PID/ns/net)."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit() and ns_id(d, "net") == ns:
            out.append(int(d))
    return out


def inodes(rows):
    return {w[4:] for r in rows for w in r if w.startswith("ino:")}


def join(pid, cmd, env=None, stdin=None, prefix=(), host=()):
    p = subprocess.run(list(prefix) + [SOCKSTEP, "join", str(pid)] +
                       list(host) + ["--"] + cmd, capture_output=True,
                       text=True, timeout=30, env=env, input=stdin)
    return p.returncode, p.stdout, p.stderr


def referenced(ns):
    """Pids that hold the namespace ns: as theirs, or by an open fd."""
    out = set(holders(ns))
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{d}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{d}/fd/{fd}") == ns:
                    out.add(int(d))
            except OSError:
                pass
    return sorted(out)


def closed(pid, host, addr):
    """The host (server or client) of pid's lab is closed: its links are
    lo and veth0 only, lo is up, veth0 has addr/24, no default route and
    no route but through those two (ip, inside, by nsenter)."""
    where = f"the {host} host"
    links = subprocess.run(in_lab(["ip", "-o", "link", "show"], pid, host),
                           capture_output=True, text=True).stdout
    names = [l.split(":")[1].strip().split("@")[0] for l in links.splitlines()
             if l.strip()]
    check(names == ["lo", "veth0"], f"{where}: lo and veth0 only: {names}")
    for fam in ("-4", "-6"):
        routes = subprocess.run(in_lab(["ip", fam, "route", "show", "table",
                                        "all"], pid, host),
                                capture_output=True, text=True).stdout
        other = [r for r in routes.splitlines() if r.strip() and
                 " dev lo" not in r and " dev veth0" not in r]
        dflt = [r for r in routes.splitlines() if r.startswith("default")]
        check(routes.strip() and not other and not dflt,
              f"{where}: ip {fam}: routes through lo and veth0 only, no "
              f"default: {routes!r}")
    addrs = subprocess.run(in_lab(["ip", "-4", "-o", "addr", "show"], pid,
                                  host), capture_output=True, text=True).stdout
    got = sorted(l.split()[1] + " " + l.split()[3]
                 for l in addrs.splitlines() if l.strip())
    check(got == ["lo 127.0.0.1/8", f"veth0 {addr}/24"],
          f"{where}: 127.0.0.1 on lo, {addr}/24 on veth0: {got}")


# 1. One private host (--hosts 1, run's default): sockstep, the server and
#    the client share one network namespace that is not the host's.
netns_before = subprocess.run(["ip", "netns", "list"], capture_output=True,
                              text=True).stdout
s = Interactive(["01-hello", "--port", "0", "--hosts", "1"])
lab = s.p.pid
lab_ns = ns_id(lab, "net")
check(lab_ns is not None and lab_ns != HOST_NET,
      f"sockstep is in a namespace of its own: {lab_ns} vs {HOST_NET}")
s.step("s s s c")
port = ready_port(s.events)
sides = {e["side"]: e["pid"] for e in s.events if e.get("pid")}
for side in ("server", "client"):
    check(ns_id(sides.get(side), "net") == lab_ns,
          f"the {side} runs in the lab's namespace: {sides}")
try:
    with open(f"/proc/{sides['client']}/cmdline") as f:
        argv = f.read().split("\0")
except (KeyError, OSError) as e:
    argv = [str(e)]
check(argv[1:3] == ["127.0.0.1", str(port)],
      f"{{ip}} {{port}} became the server's address and port: {argv}")

# 2. Closed: no interface but lo, no route off the host (ip, inside).
links = subprocess.run(in_lab(["ip", "-o", "link", "show"], lab),
                       capture_output=True, text=True).stdout
names = [l.split(":")[1].strip() for l in links.splitlines() if l.strip()]
check(names == ["lo"], f"the lab's only interface is lo: {names}")
for fam in ("-4", "-6"):
    routes = subprocess.run(in_lab(["ip", fam, "route", "show", "table",
                                    "all"], lab),
                            capture_output=True, text=True).stdout
    off_lo = [r for r in routes.splitlines()
              if r.strip() and " dev lo" not in r]
    dflt = [r for r in routes.splitlines() if r.startswith("default")]
    check(not off_lo and not dflt,
          f"ip {fam}: no route but lo's, no default: {routes!r}")
up = subprocess.run(in_lab(["ip", "-o", "addr", "show", "lo"], lab),
                    capture_output=True, text=True).stdout
check("127.0.0.1/8" in up, f"lo is up with 127.0.0.1: {up!r}")
check(client_ns(lab) is None, "one host: sockstep holds no client host")
bad(["join", str(lab), "--host", "client", "--", "true"], "one host",
    "join --host client of a one-host lab")

# 3. join sees the lab's listener; the host's ss does not.
rc, out, err = join(lab, ["ss", "-Htlne", f"sport = :{port}"])
theirs = [l.split() for l in out.splitlines() if l.strip()]
check(rc == 0 and len(theirs) == 1 and theirs[0][0] == "LISTEN",
      f"join: ss sees the lab's listener on {port}: {rc} {out!r} {err!r}")
host = subprocess.run(["ss", "-Htlne", f"sport = :{port}"],
                      capture_output=True, text=True).stdout
check(not inodes(theirs) & inodes(l.split() for l in host.splitlines()),
      f"the host's ss does not see the lab's listener: {host!r}")
rc, out, err = join(lab, ["cat", "/proc/self/net/tcp"])
check(rc == 0 and f":{port:04X} 00000000:0000 0A" in out,
      f"join: the lab's /proc/net/tcp has the listener: {out!r}")
# With no command: the user's shell, there.
env = dict(os.environ, SHELL="/bin/sh")
p = subprocess.run([SOCKSTEP, "join", str(lab)], capture_output=True,
                   text=True, timeout=30, env=env,
                   input=f"ss -Htln 'sport = :{port}'\n")
check(p.returncode == 0 and "LISTEN" in p.stdout and
      "lab network" in p.stderr,
      f"join: a shell in the lab: {p.returncode} {p.stdout!r} {p.stderr!r}")

# 4. Two labs: join without a pid lists them and asks for one.
s2 = Interactive(["01-hello", "--port", "0"])
out = bad(["join", "--", "true"], "name one", "join: two labs")
check(str(lab) in out and str(s2.p.pid) in out,
      f"join lists both labs: {out!r}")
check(ns_id(s2.p.pid, "net") not in (lab_ns, HOST_NET),
      "the second lab has a namespace of its own")
s2.close()
lab_pid(lab)
bad(["join", str(os.getpid()), "--", "true"], "on this network already",
    "join: not a lab")
bad(["join", "ss"], "after --", "join: a command without --")
bad(["join", "0"], "join: pid 0", "join: pid 0")
bad(["--lang", "zh", "join", "ss"], "命令请写在 -- 之后", "join: --lang before the verb")
bad(["join", "--lang=zh", "ss"], "命令请写在 -- 之后", "join: --lang= after the verb")
rc = s.close()
check(rc == 0, f"lab run: exit {rc}")
no_leftovers(s.events, "lab run")

# 4b. Two hosts (a lesson's default): the server in sockstep's namespace
#     A, the client in B, which sockstep holds by an fd; both closed; the
#     client's address is B's 10.1.0.2, as ss in B says; join --host.
def host_links():
    out = subprocess.run(["ip", "-o", "link", "show"], capture_output=True,
                         text=True).stdout
    return sorted(l.split(":")[1].strip() for l in out.splitlines()
                  if l.strip())


links_before = host_links()
s = Interactive(["01-hello", "--port", "0"])
two = s.p.pid
ns_a = ns_id(two, "net")
b_path = client_ns(two)
ns_b = os.readlink(b_path) if b_path else None
check(ns_b is not None and ns_b not in (ns_a, HOST_NET) and
      ns_a != HOST_NET, f"two hosts: A {ns_a}, B {ns_b}, host {HOST_NET}")
s.step("s s s c")
port = ready_port(s.events)
sides = {e["side"]: e["pid"] for e in s.events if e.get("pid")}
check(ns_id(sides.get("server"), "net") == ns_a and
      ns_id(sides.get("client"), "net") == ns_b,
      f"the server runs in A, the client in B: {sides}")
try:
    with open(f"/proc/{sides['client']}/cmdline") as f:
        argv = f.read().split("\0")
except (KeyError, OSError) as e:
    argv = [str(e)]
check(argv[1:3] == [SERVER_IP, str(port)],
      f"{{ip}} became the server host's address: {argv}")
closed(two, "server", SERVER_IP)
closed(two, "client", CLIENT_IP)
new = s.step("c")
con = [e for e in new if e["event"] == "return" and e["call"] == "connect"]
check(con and con[0]["ret"] == 0 and
      con[0]["local"].startswith(CLIENT_IP + ":"),
      f"the client's address is the client host's: {con}")
rows = ss(["-tn", "state", "established", f"( dport = :{port} )"],
          host="client")
check(con and [r[2] for r in rows] == [con[0]["local"]],
      f"ss in B: the client's socket is {con and con[0]['local']}: {rows}")
k = last_kernel(s.events) or {}
hosts = sorted((x["side"] or "-", x.get("host")) for x in k.get("sockets", []))
check(("client", "client") in hosts and ("server", "server") in hosts and
      ("-", "server") in hosts,
      f"JSON: each socket marked with its host: {hosts}")
rc, out, err = join(two, ["ss", "-Htn", f"dport = :{port}"],
                    host=["--host", "client"])
check(rc == 0 and con and con[0]["local"] in out,
      f"join --host client: ss sees the client's socket: {rc} {out!r} {err!r}")
rc, out, err = join(two, ["ss", "-Htln", f"sport = :{port}"],
                    host=["--host=server"])
check(rc == 0 and "LISTEN" in out,
      f"join --host server: ss sees the listener: {rc} {out!r} {err!r}")
bad(["join", str(two), "--host", "moon", "--", "true"],
    "expected server or client", "join --host moon")
# The client's session leader (a sockstep, in B) is no lab of its own.
leader = None
try:
    with open(f"/proc/{sides['client']}/stat") as f:
        leader = int(f.read().rsplit(")", 1)[1].split()[1])
except (KeyError, OSError, ValueError):
    pass
# (A second lab, so that join lists the labs rather than entering one.)
s3 = Interactive(["01-hello", "--port", "0", "--hosts", "1"])
p = subprocess.run([SOCKSTEP, "join", "--", "true"], capture_output=True,
                   text=True, timeout=30)
listed = [int(l.split()[0]) for l in p.stdout.splitlines() if l.strip()]
check(leader and ns_id(leader, "net") == ns_b and leader not in listed and
      two in listed and s3.p.pid in listed,
      f"join lists the labs {two} and {s3.p.pid}, not the client's session "
      f"leader {leader}: {listed}")
s3.close()
lab_pid(two)
s.step("s s s s c c")
rc = s.close()
check(rc == 0, f"two hosts: exit {rc}")
check("Message from server: Hello World!" in output_lines(s.events,
                                                          "client"),
      "two hosts: the lesson works")
no_leftovers(s.events, "two hosts")
gone = wait_for(lambda: not referenced(ns_a) and not referenced(ns_b), 10)
check(gone, f"two hosts: nothing holds A or B: {referenced(ns_a)} "
      f"{referenced(ns_b)}")
# The veth pair never touched the host's network (other labs' pairs are
# in their own namespaces too): the host's links are as they were.
check(host_links() == links_before or not [l for l in host_links()
                                           if l.startswith("veth0")],
      f"the host's links: no veth0 of the lab: {links_before} -> "
      f"{host_links()}")
lab_pid(lab)

# 5. Nothing left: no process holds the lab's namespace, ip netns as it was.
gone = wait_for(lambda: not holders(lab_ns), 10)
check(gone, f"the lab's namespace is held by nobody: {holders(lab_ns)}")
after = subprocess.run(["ip", "netns", "list"], capture_output=True,
                       text=True).stdout
check(after == netns_before, f"ip netns unchanged: {netns_before!r} -> "
      f"{after!r}")

# 5b. The host's own address is not the lab's: a server that binds it
#     gets the usual EADDRNOTAVAIL, shown; on --net host it binds.
hostaddrs = [l.split()[3].split("/")[0] for l in subprocess.run(
    ["ip", "-4", "-o", "addr", "show", "scope", "global"],
    capture_output=True, text=True).stdout.splitlines()]
if hostaddrs and shutil.which("nc"):
    for net, want in (("lab", "EADDRNOTAVAIL"), ("host", None)):
        p = subprocess.run([SOCKSTEP, "run", "--batch", "--json", "--net",
                            net, "--port", "0", "--server",
                            f"nc -l {hostaddrs[0]} {{port}}", "--steps",
                            "s@bind s"], capture_output=True, text=True,
                           timeout=60)
        evs = events(p.stdout)
        b = [e for e in calls(evs, "server") if e.get("call") == "bind"]
        check(b and b[0]["errno"] == want,
              f"--net {net}: bind({hostaddrs[0]}) errno {want}: "
              f"{[(e['args'], e['ret'], e['errno']) for e in b]} "
              f"{p.stderr}")
        no_leftovers(evs, f"bind the host's address ({net})")

# 6. --net host: the host's loopback, as before.
s = Interactive(["01-hello", "--port", "0", "--net", "host"])
check(ns_id(s.p.pid, "net") == HOST_NET, "--net host: the host's namespace")
s.step("s s s")
port = ready_port(s.events)
check(ss_listener(port) == (0, 5) and
      subprocess.run(["ss", "-Htln", f"sport = :{port}"],
                     capture_output=True, text=True).stdout.strip(),
      f"--net host: the host's ss sees the listener on {port}")
bad(["join", str(s.p.pid), "--", "true"], "on this network already",
    "join: a --net host run")
s.close()

# 7. Refused: the default falls back with one note; --net lab fails.
env = dict(os.environ, SOCKSTEP_NET_REFUSE="1")
p = subprocess.run([SOCKSTEP, "batch", "--json", "01-hello", "--port", "0"],
                   capture_output=True, text=True, timeout=60, env=env)
evs = events(p.stdout)
notes = [e["text"] for e in evs if e.get("event") == "note"]
check(p.returncode == 0, f"fallback: exit {p.returncode} {p.stderr}")
check(len([n for n in notes if "host's network" in n]) == 1 and
      any("allow them" in n for n in notes),
      f"fallback: one note says why and how to allow it: {notes}")
check("Message from server: Hello World!" in output_lines(evs, "client"),
      "fallback: the lesson still works")
# No lab network (and, on the host's, no capture: CAP_NET_RAW there is
# not ours to use): the wire says why it is empty, not "no packets".
check(len([n for n in notes if n.startswith("segments are not captured: "
                                            "there is no lab network")])
      == 1 and not [e for e in evs if e.get("event") == "segment"],
      f"fallback: one note says why no segment is shown: {notes}")
no_leftovers(evs, "fallback")
bad(["batch", "01-hello", "--net", "lab"], "--net lab", "--net lab refused",
    env=env)
bad(["batch", "01-hello", "--net", "wire"], "expected lab or host",
    "--net wire")
# Only the client host refused: one private host, said in one note.
env = dict(os.environ, SOCKSTEP_NET_REFUSE="client")
p = subprocess.run([SOCKSTEP, "batch", "--json", "01-hello", "--port", "0"],
                   capture_output=True, text=True, timeout=60, env=env)
evs = events(p.stdout)
notes = [e["text"] for e in evs if e.get("event") == "note"]
con = [e for e in evs if e.get("event") == "return" and
       e.get("call") == "connect"]
check(p.returncode == 0 and len([n for n in notes if "one host" in n]) == 1,
      f"client host refused: one note: {p.returncode} {notes} {p.stderr}")
check(con and con[0]["local"].startswith("127.0.0.1:") and
      "Message from server: Hello World!" in output_lines(evs, "client"),
      f"client host refused: the lesson runs on one host: {con}")
no_leftovers(evs, "client host refused")
bad(["batch", "01-hello", "--net", "lab"], "client host",
    "--net lab, client host refused", env=env)
bad(["batch", "01-hello", "--hosts", "3"], "expected 1 or 2", "--hosts 3")

# 8. The record says which network; a host run is replayed on the host.
tmp = tempfile.mkdtemp(prefix="sockstep-net-rec-")
for net in ("lab", "host"):
    rec = os.path.join(tmp, net + ".walk")
    rc, out, err = run(["batch", "01-hello", "--port", "0", "--net", net,
                        "--record", rec])
    text = open(rec).read() if os.path.exists(rec) else ""
    check(rc == 0 and f"\nnet {net}\n" in text,
          f"--record --net {net}: 'net {net}' in the file: {rc} {text!r}")
    rc, out, err = run(["batch", "--replay", rec])
    check(rc == 0 and "Hello World!" in out,
          f"replay of a {net} run: {rc} {err!r}")
# The record keeps the lab's hosts: a replay puts the client where the
# recorded run had it (its own host, 10.1.0.2, or the server's).
for hosts in ("1", "2"):
    rec = os.path.join(tmp, f"hosts{hosts}.walk")
    rc, out, err = run(["batch", "01-hello", "--port", "0", "--hosts", hosts,
                        "--record", rec])
    text = open(rec).read() if os.path.exists(rec) else ""
    check(rc == 0 and f"\nhosts {hosts}\n" in text,
          f"--record --hosts {hosts}: 'hosts {hosts}' in the file: {text!r}")
    p = subprocess.run([SOCKSTEP, "batch", "--json", "--replay", rec],
                       capture_output=True, text=True, timeout=60)
    con = [e for e in events(p.stdout) if e.get("event") == "return" and
           e.get("call") == "connect"]
    check(p.returncode == 0 and con and
          con[0]["local"].startswith(CLIENT_IP + ":") == (hosts == "2"),
          f"replay of a {hosts}-host record: the client at {con}")
shutil.rmtree(tmp, ignore_errors=True)

# 9. The screen names the way in: "sockstep join PID" in the KERNEL
#    title at 80x24, and that command reaches the lab the screen shows.
if shutil.which("tmux"):
    import shlex
    import tuilib
    scratch = shlex.quote(os.path.join(tuilib.TMP, "state"))
    tuilib.tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", "net",
                f"env {tuilib.ENV} LANG=C.UTF-8 XDG_STATE_HOME={scratch} "
                f"{shlex.quote(SOCKSTEP)} lesson 01-hello --port 0; "
                f"sleep 300")
    text = tuilib.wait("net", lambda t: "sockstep join" in t,
                       "the join command on screen", 20)
    pid = tuilib.sockstep_pid("net")
    title = [l for l in text.splitlines() if "KERNEL" in l]
    check(pid and title and f"sockstep join {pid} " in title[0],
          f"the KERNEL title names sockstep join {pid}: {title}")
    if pid:
        tuilib.tmux("send-keys", "-t", "net", "s", "s", "s")
        tuilib.wait("net", lambda t: "LISTEN" in t, "the server listens", 20)
        rc, out, err = join(pid, ["ss", "-Htln"])
        check(rc == 0 and "LISTEN" in out,
              f"the screen's join command reaches its lab: {out!r} {err!r}")
        tuilib.tmux("send-keys", "-t", "net", "q")
        wait_for(lambda: not alive(pid), 10)
    tuilib.cleanup()

# 10. Not root: the programs run as the user, without capabilities, and
#    the user joins.  As root, a user made for the test: nobody.
if os.geteuid() == 0 and shutil.which("setpriv"):
    nobody = pwd.getpwnam("nobody")
    as_user = ["setpriv", f"--reuid={nobody.pw_uid}",
               f"--regid={nobody.pw_gid}", "--clear-groups"]
    state = tempfile.mkdtemp(prefix="sockstep-net-")
    os.chmod(state, 0o777)
    uenv = dict(os.environ, XDG_STATE_HOME=state, HOME=state)
    usable = subprocess.run(as_user + [SOCKSTEP, "--version"],
                            capture_output=True, env=uenv).returncode == 0
    if not usable:
        print("note: sockstep is not executable by nobody here; "
              "the unprivileged part is left out")
    else:
        p = subprocess.Popen(as_user + [SOCKSTEP, "batch", "--json",
                                        "--steps", "-", "01-hello",
                                        "--port", "0"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=uenv)
        u = Interactive.__new__(Interactive)
        u.p, u.events = p, []
        u.read_until_ready()
        u.step("s s s c c")
        port = ready_port(u.events)
        check(ns_id(p.pid, "user") != ns_id("self", "user"),
              "not root: a user namespace of its own")
        srv = {e["side"]: e["pid"] for e in u.events if e.get("pid")}
        for side in ("server", "client"):
            status = {}
            try:
                with open(f"/proc/{srv[side]}/status") as f:
                    status = dict(l.split(":", 1) for l in f if ":" in l)
            except (KeyError, OSError):
                pass
            check(status.get("Uid", "").split()[:1] == [str(nobody.pw_uid)]
                  and int(status.get("CapEff", "1"), 16) == 0,
                  f"not root: the {side} runs as the user, no capabilities: "
                  f"{status.get('Uid')} {status.get('CapEff')}")
        check(ns_id(srv.get("client"), "net") not in
              (None, ns_id(p.pid, "net"), HOST_NET),
              "not root: the client runs on a client host of its own")
        con = [e for e in u.events if e.get("event") == "return" and
               e.get("call") == "connect"]
        check(con and con[0]["ret"] == 0 and
              con[0]["local"].startswith(CLIENT_IP + ":"),
              f"not root: the client connects from {CLIENT_IP}: {con}")
        rc, out, err = join(p.pid, ["ss", "-Htn", f"dport = :{port}"],
                            env=uenv, prefix=as_user,
                            host=["--host", "client"])
        check(rc == 0 and con and con[0]["local"] in out,
              f"not root: the user joins the client host: {rc} {out!r} "
              f"{err!r}")
        rc, out, err = join(p.pid, ["ss", "-Htln", f"sport = :{port}"],
                            env=uenv, prefix=as_user)
        check(rc == 0 and "LISTEN" in out,
              f"not root: the user joins the lab: {rc} {out!r} {err!r}")
        rc = u.close()
        check(rc == 0, f"not root: exit {rc} {u.p.stderr.read()}")
        no_leftovers(u.events, "not root")
    shutil.rmtree(state, ignore_errors=True)

# 11. The whole test once more as an unprivileged user made for it (issue
#     16 "Tests": once as root, once as a user): useradd a user of its
#     own, run this file as that user, userdel it.  Not root: this run is
#     the unprivileged one.
AS_USER = "SOCKSTEP_NET_AS_USER"
if os.environ.get(AS_USER):
    pass
elif os.geteuid() != 0:
    print(f"note: uid {os.geteuid()}: this is the unprivileged run")
elif not (shutil.which("useradd") and shutil.which("userdel") and
          shutil.which("setpriv")):
    print("note: no useradd/userdel/setpriv: the run as a user made for "
          "the test is left out (section 10 ran as nobody)")
else:
    name = f"ssnet{os.getpid()}"
    made = subprocess.run(["useradd", "--system", "--no-create-home",
                           "--home-dir", "/nonexistent", "--shell",
                           "/usr/sbin/nologin", name], capture_output=True,
                          text=True)
    if made.returncode != 0:
        print(f"note: useradd {name} failed ({made.stderr.strip()}): the "
              f"run as a user made for the test is left out")
    else:
        try:
            u = pwd.getpwnam(name)
            state = tempfile.mkdtemp(prefix="sockstep-net-user-")
            os.chown(state, u.pw_uid, u.pw_gid)
            py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
                else sys.executable
            uenv = dict(os.environ, XDG_STATE_HOME=state, HOME=state,
                        **{AS_USER: "1"})
            as_user = ["setpriv", f"--reuid={u.pw_uid}",
                       f"--regid={u.pw_gid}", "--clear-groups"]
            usable = subprocess.run(as_user + [py, "-c", "import sslib"],
                                    capture_output=True, env=uenv)
            if usable.returncode != 0:
                print(f"note: {name} cannot run {py} or read the tests "
                      f"here: the run as that user is left out")
            else:
                p = subprocess.run(as_user + [py, os.path.abspath(__file__)],
                                   capture_output=True, text=True,
                                   env=uenv, timeout=600)
                check(p.returncode == 0 and "all checks passed" in p.stdout,
                      f"test_net as the user {name}: exit {p.returncode}\n"
                      f"{p.stdout[-2000:]}{p.stderr[-3000:]}")
            shutil.rmtree(state, ignore_errors=True)
        finally:
            subprocess.run(["userdel", name], capture_output=True)
finish()
