"""sockstep diff (issue 17 §3): lesson 1's reference run against real
student servers, each with one mistake, gives the first divergence in
words; runs of the same programs on another port, with other fds and
pids, agree; bad files are one line and exit 2.  The expected words are
computed from what the programs did (the transcript) and from their
source, not written down as numbers."""
import json
import os
import re
import subprocess
import tempfile

from sslib import *

BUILD = os.path.dirname(os.path.abspath(SOCKSTEP))
TESTS = os.path.join(BUILD, "tests")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="sockstep-diff-")


def lang_env(**env):
    e = {k: v for k, v in os.environ.items()
         if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    e.update(env)
    return e


def transcript(name, args):
    """Run sockstep with --json into tmp/name.jsonl; its events."""
    path = os.path.join(tmp, name + ".jsonl")
    p = subprocess.run([SOCKSTEP] + args + ["--json"], capture_output=True,
                       text=True, timeout=120, stdin=subprocess.DEVNULL)
    with open(path, "w") as f:
        f.write(p.stdout)
    evs = events(p.stdout)
    check(evs, f"{name}: a transcript ({p.returncode}, {p.stderr!r})")
    no_leftovers(evs, name)
    return path, evs


def diff(a, b, env=None):
    p = subprocess.run([SOCKSTEP, "diff", a, b], capture_output=True,
                       text=True, timeout=60, env=env or lang_env(LANG="C"),
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def student(name, port="0"):
    """Lesson 1 with a student's server, on another lab port (0: any;
    None: the default, 9190 unless it is busy)."""
    return transcript(name, ["run", "--lesson", "01-hello", "--server",
                             os.path.join(TESTS, name) + " {port}",
                             "--batch"] + (["--port", port] if port else []))


def src_line(name, pattern):
    """The line of the student's source that makes the call."""
    with open(os.path.join(SRC, name + ".c")) as f:
        for n, line in enumerate(f, 1):
            if re.search(pattern, line):
                return n
    return None


def ret(evs, side, call):
    return [e for e in evs if e.get("side") == side and
            e.get("event") == "return" and e.get("call") == call]


# The students' runs (run --lesson) have one host unless asked: so has
# the reference they are compared with.
ref, ref_evs = transcript("ref", ["batch", "01-hello", "--hosts", "1"])
ref_bind = ret(ref_evs, "server", "bind")
check(ref_bind and ref_bind[0]["ret"] == 0, "the reference server bound")

# 1. The same transcript: the runs agree.
rc, out, err = diff(ref, ref)
check(rc == 0 and "agree" in out, f"itself: {rc} {out!r} {err!r}")

# 2. The same programs again, on another port, with two more fds open
#    in the server (its socket is fd 5, not 3): they agree.
server = os.path.join(BUILD, "lessons", "01-hello", "server")
again, again_evs = transcript("again", [
    "run", "--lesson", "01-hello", "--port", "0", "--batch", "--server",
    "sh -c 'exec \"$1\" \"$0\" 3</dev/null 4</dev/null' {port} " + server])
sock = ret(again_evs, "server", "socket")
check(sock and sock[0]["ret"] != ref_bind[0]["args"][0] and
      ret(again_evs, "server", "bind")[0]["args"][1] !=
      ref_bind[0]["args"][1],
      f"the second run has other fds and another port: {sock}")
rc, out, err = diff(ref, again)
check(rc == 0, f"another port, other fds: agree: {rc} {out!r} {err!r}")
# Lesson 6's server writes its client's address: the port the kernel
# chose differs from run to run, and is no divergence.
l6a, _ = transcript("l6a", ["batch", "06-client-address"])
l6b, _ = transcript("l6b", ["batch", "06-client-address"])
rc, out, err = diff(l6a, l6b)
check(rc == 0, f"lesson 6 twice agrees: {rc} {out!r} {err!r}")

# 3. One extra call (setsockopt(SO_REUSEADDR) before bind()) does not
#    make what follows differ.
reuse, reuse_evs = student("student-reuse")
check(ret(reuse_evs, "server", "setsockopt"), "the extra call was made")
rc, out, err = diff(ref, reuse)
check(rc == 0, f"an extra setsockopt: agree: {rc} {out!r}")

# 4. No listen(): the student's server never listened, and the client
#    was refused (the client's connect() in its run says so).
nol, nol_evs = student("student-nolisten")
conn = ret(nol_evs, "client", "connect")
check(conn and conn[0]["errno"] == "ECONNREFUSED", f"refused: {conn}")
check(not ret(nol_evs, "server", "listen"), "nolisten made no listen()")
rc, out, err = diff(ref, nol)
first = out.splitlines()[0] if out else ""
check(rc == 1, f"nolisten differs: exit {rc} {err!r}")
check(first == "your server never called listen(): the client's connect() "
      "was refused", f"nolisten words: {first!r}")
n = src_line("student-nolisten", r"accept\(s")
check(f"student-nolisten.c:{n} in main()" in out,
      f"nolisten: the source line of its next call ({n}): {out!r}")
check("step 3" in out, f"nolisten: the step: {out!r}")

# 5. No htons(): the port in its bind() is the lab's port byte-swapped.
# (On the default port: any port's bytes swapped may be one below 1024,
# which a user may not bind on the host's network.)
noh, noh_evs = student("student-nohtons", port=None)
bound = ret(noh_evs, "server", "bind")
conn = ret(noh_evs, "client", "connect")
port = int(bound[0]["args"][1].rsplit(":", 1)[1].rstrip("}")) if bound else 0
lab = int(conn[0]["args"][1].rsplit(":", 1)[1].rstrip("}")) if conn else 0
swapped = ((lab & 0xff) << 8) | (lab >> 8)
check(port == swapped and port != lab,
      f"nohtons bound {port}, the lab's port is {lab}")
rc, out, err = diff(ref, noh)
first = out.splitlines()[0] if out else ""
check(rc == 1, f"nohtons differs: exit {rc} {err!r}")
check(first.startswith(f"the port in your bind() is {port}, not {lab}: "
                       "htons() missing?"), f"nohtons words: {first!r}")
check("the client's connect() was refused" in first,
      f"nohtons: the consequence: {first!r}")
n = src_line("student-nohtons", r"if \(bind\(")
check(re.search(r"step 2, server, bind\(\d+, \{AF_INET, [0-9.]+:%d\}, 16\) "
                r"= 0 at student-nohtons.c:%d in main\(\)" % (port, n), out),
      f"nohtons: step, call and line {n}: {out!r}")
check(f"listening socket was at 127.0.0.1:{port}" in out or
      f":{port}" in out, f"nohtons: the kernel's listener: {out!r}")

# 6. The wrong socket closed: the listening one, not the connected one.
wc, wc_evs = student("student-wrongclose")
closes = ret(wc_evs, "server", "close")
listen = ret(wc_evs, "server", "listen")
check(len(closes) == 1 and listen and
      closes[0]["args"][0] == listen[0]["args"][0],
      f"wrongclose closed its listening fd only: {closes}")
rc, out, err = diff(ref, wc)
first = out.splitlines()[0] if out else ""
check(rc == 1 and first == "your server closed the listening socket, not "
      "the connected one", f"wrongclose words: {rc} {first!r}")
n = src_line("student-wrongclose", r"close\(serv_sock\)")
check(f"student-wrongclose.c:{n}" in out, f"wrongclose line {n}: {out!r}")

# A lab port whose two bytes are equal (41377 is 0xa1a1) is its own bytes
# swapped: no htons() is missing there (port 0 once chose it in CI).
wc2, _ = student("student-wrongclose", port="41377")
rc, out, err = diff(ref, wc2)
first = out.splitlines()[0] if out else ""
check(rc == 1 and first == "your server closed the listening socket, not "
      "the connected one", f"wrongclose on 41377: {rc} {first!r}")

# 6b. The client without htons(), against the lesson's server: the
#     client is to blame, though the server's port is the swapped one's.
cn, cn_evs = transcript("student-client-nohtons", [
    "run", "--lesson", "01-hello", "--client",
    os.path.join(TESTS, "student-client-nohtons") + " {ip} {port}",
    "--batch"])   # the default port: one of port 0's might be 0xa1a1
bound = ret(cn_evs, "server", "bind")
conn = ret(cn_evs, "client", "connect")
lab = int(bound[0]["args"][1].rsplit(":", 1)[1].rstrip("}")) if bound else 0
port = int(conn[0]["args"][1].rsplit(":", 1)[1].rstrip("}")) if conn else 0
check(port == ((lab & 0xff) << 8) | (lab >> 8) and port != lab,
      f"client-nohtons connected to {port}, the lab's port is {lab}")
rc, out, err = diff(ref, cn)
first = out.splitlines()[0] if out else ""
check(rc == 1 and first.startswith(f"the port in your connect() is {port}, "
                                   f"not {lab}: htons() missing?"),
      f"client-nohtons words: {rc} {first!r}")
check(re.search(r"step 5, client, connect\(.*:%d\}, 16\) = -1 ECONNREFUSED "
                r"at student-client-nohtons.c:\d+" % port, out),
      f"client-nohtons: where: {out!r}")

# 6c. Lesson 8's echo server closing the listening socket after its
#     first client: the second client, queued, is reset.
l8, _ = transcript("l8", ["batch", "08-echo"])
ewc, ewc_evs = transcript("student-echo-wrongclose", [
    "run", "--lesson", "08-echo", "--server",
    os.path.join(TESTS, "student-echo-wrongclose") + " {port}",
    "--port", "0", "--batch"])
w2 = ret(ewc_evs, "client2", "write")
check(w2 and w2[0]["errno"] == "ECONNRESET", f"client2 was reset: {w2}")
rc, out, err = diff(l8, ewc)
first = out.splitlines()[0] if out else ""
check(rc == 1 and first == "your server closed the listening socket, not "
      "the connected one: the client2's write() failed with ECONNRESET",
      f"echo wrongclose words: {rc} {first!r}")
n = src_line("student-echo-wrongclose", r"close\(serv_sock\);\s*/\*")
check(f"student-echo-wrongclose.c:{n}" in out, f"echo line {n}: {out!r}")

# 7. In Chinese: from LANG, as gettext reads it.
rc, out, err = diff(ref, nol, env=lang_env(LANG="zh_CN.UTF-8"))
check(rc == 1 and re.search(r"[\u4e00-\u9fff]", out) and "listen()" in out
      and "never" not in out and "your" not in out, f"zh words: {out!r}")
rc, out, err = diff(ref, nol, env=lang_env(LANG="C", LANGUAGE="zh_CN"))
check(rc == 1 and re.search(r"[\u4e00-\u9fff]", out) is None,
      f"LANGUAGE alone under LANG=C stays English: {out!r}")

# 8. One call more in a transcript (an edited copy of the reference):
#    that call is the divergence, not everything after it.
with open(ref) as f:
    lines = f.readlines()
extra = os.path.join(tmp, "extra.jsonl")
with open(extra, "w") as f:
    for line in lines:
        f.write(line)
        e = json.loads(line)
        if e.get("event") == "return" and e.get("call") == "listen":
            e2 = dict(e, seq=e["seq"], call="shutdown", args=[e["args"][0],
                      "SHUT_RD"], ret=0)
            f.write(json.dumps(e2) + "\n")
rc, out, err = diff(ref, extra)
check(rc == 1 and out.startswith("your server called shutdown(), which the "
                                 "reference does not call there"),
      f"one extra call: {rc} {out!r}")

# An edited transcript cannot reach the terminal with an escape
# sequence: control characters in what it says come out as '?'.
esc = os.path.join(tmp, "esc.jsonl")
with open(esc, "w") as f:
    for line in lines:
        e = json.loads(line)
        if e.get("event") == "return" and e.get("call") == "listen":
            e2 = dict(e, call="shutdown\u001b[2J\u009b1m", args=[
                "3", "\u001b]0;title\u0007"], ret=0)
            f.write(json.dumps(e2) + "\n")
        f.write(line)
rc, out, err = diff(ref, esc)
check(rc == 1 and "shutdown?[2J?1m()" in out and not re.search(
      "[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]", out + err),
      f"no control character from the file: {rc} {out!r}")

# 9. run --lesson --batch: a failed check brings the first divergence
#    from the lesson's own run, on stderr (stdout stays the transcript).
p = subprocess.run([SOCKSTEP, "run", "--lesson", "01-hello", "--server",
                    os.path.join(TESTS, "student-nolisten") + " {port}",
                    "--batch", "--json"], capture_output=True, text=True,
                   timeout=120, stdin=subprocess.DEVNULL,
                   env=lang_env(LANG="C"))
evs = events(p.stdout)
check(p.returncode == 1 and evs, f"run --lesson nolisten: {p.returncode}")
check("your server never called listen(): the client's connect() was "
      "refused" in p.stderr, f"run --lesson: the words: {p.stderr!r}")
no_leftovers(evs, "run --lesson nolisten")
p = subprocess.run([SOCKSTEP, "run", "--lesson", "01-hello", "--server",
                    os.path.join(TESTS, "student-reuse") + " {port}",
                    "--batch"], capture_output=True, text=True,
                   timeout=120, stdin=subprocess.DEVNULL,
                   env=lang_env(LANG="C"))
check(p.returncode == 0 and "leaves" not in p.stderr,
      f"run --lesson passing: no divergence: {p.returncode} {p.stderr!r}")

# 10. Transcripts edited at random (a seeded walk, the same each run):
#     an answer or one clear line, never a crash.
import random
rnd = random.Random(17)
with open(nol) as f:
    nol_lines = f.readlines()
odd_values = [None, -1, 2**62, "", "x" * 300, [], {}, [1, "a"], True, 0.5]
for i in range(120):
    src_lines = list(rnd.choice([lines, nol_lines]))
    for _ in range(rnd.randint(1, 4)):
        k = rnd.randrange(len(src_lines))
        what = rnd.randrange(4)
        if what == 0:
            del src_lines[k]
        elif what == 1:
            src_lines.insert(rnd.randrange(len(src_lines)), src_lines[k])
        elif what == 2:
            e = json.loads(src_lines[k])
            key = rnd.choice(list(e.keys()))
            e[key] = rnd.choice(odd_values)
            src_lines[k] = json.dumps(e) + "\n"
        else:
            src_lines[k] = src_lines[k][:rnd.randrange(len(src_lines[k]))]
        if not src_lines:
            src_lines = [lines[0]]
    mut = os.path.join(tmp, "mut.jsonl")
    with open(mut, "w") as f:
        f.writelines(src_lines)
    a, b = (ref, mut) if i % 2 == 0 else (mut, ref)
    rc, out, err = diff(a, b)
    ok = (rc in (0, 1) and out and not err) or \
        (rc == 2 and len(err.splitlines()) == 1 and not out)
    if not check(ok, f"edited transcript {i}: exit {rc} {out!r} {err!r} "
                 f"(diff {a} {b}, kept)"):
        os.rename(mut, os.path.join(tmp, f"crash-{i}.jsonl"))
        break

# 11. Bad files: one line, exit 2.
bad_json = os.path.join(tmp, "bad.jsonl")
with open(bad_json, "w") as f:
    f.write(lines[0])
    f.write('{"seq": 2, "event": "call", oops\n')
bad(["diff", ref, bad_json], "bad.jsonl:2: invalid JSON", "malformed JSON")
bad(["diff", ref, os.path.join(tmp, "missing.jsonl")], "missing.jsonl",
    "a missing file")
not_ours = os.path.join(tmp, "notours.jsonl")
with open(not_ours, "w") as f:
    f.write('[1, 2, 3]\n')
bad(["diff", not_ours, ref], "not a sockstep transcript", "a JSON array")
empty = os.path.join(tmp, "empty.jsonl")
open(empty, "w").close()
bad(["diff", ref, empty], "empty", "an empty file")
bad(["diff", ref], "two transcripts", "one file")
bad(["diff", ref, ref, ref], "two transcripts", "three files")
bad(["diff", "--json", ref, ref], "diff", "an option of batch")

if not FAILS:
    subprocess.run(["rm", "-rf", tmp])
finish()
