"""sockstep grade (issue 17 §2, §4): a class of lesson 1 servers, each a
variant of the lesson's own server.c as students get it wrong, graded
against the lesson's client; the verdicts checked against what the
traced programs did (the transcript in the results file), the results
file against Gradescope's required fields; hostile submissions that try
to write the results, another submission's directory and the host's
/tmp, and to forge lines; contrib/gradescope/run_autograder under a
temporary root.  Small time limits only for the ones that never end."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from sslib import *

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..")
LESSON_SERVER = open(os.path.join(SRC, "lessons", "01-hello", "server.c")).read()


def variant(old, new):
    check(old in LESSON_SERVER, f"lesson 1's server.c has {old!r}")
    return LESSON_SERVER.replace(old, new, 1)


LISTEN = "\tif (listen(serv_sock, 5) == -1)\n\t\terror_handling(\"listen() error\");\n"
WRITE = "\tif (write(clnt_sock"
# The class and the results file outside /tmp where the test may write
# (a submission's /tmp is its own): there only the read-only view stops
# a submission of the grader's own user.
BASE = None
for cand in (os.path.dirname(os.path.abspath(SOCKSTEP)), os.getcwd()):
    if os.access(cand, os.W_OK):
        BASE = cand
        break
tmp = tempfile.mkdtemp(prefix="test-grade-", dir=BASE)
os.chmod(tmp, 0o755)
CLASS = os.path.join(tmp, "class")
SLOW = os.path.join(tmp, "slow")
OUT = os.path.join(tmp, "out")
for d in (CLASS, SLOW, OUT):
    os.makedirs(d)
    os.chmod(d, 0o755)


def submit(where, name, source, fname="server.c"):
    d = os.path.join(where, name)
    os.makedirs(d)
    with open(os.path.join(d, fname), "w") as f:
        f.write(source)
    return d


HOSTILE_MARK = os.path.join("/tmp", f"sockstep-hostile-{os.getpid()}")
RESULTS = os.path.join(OUT, "results.json")
PWNED = os.path.join(OUT, "pwned")
good = submit(CLASS, "good", LESSON_SERVER)
submit(CLASS, "nolisten", variant(LISTEN, ""))
submit(CLASS, "nohtons", variant("htons(atoi(argv[1]))", "atoi(argv[1])"))
# Closes the connected socket where it meant the listener: its write
# then fails (EBADF) and the client reads nothing.
submit(CLASS, "wrongclose", variant(WRITE, "\tclose(clnt_sock);\n" + WRITE))
submit(CLASS, "nocompile", variant("return 0;", "return 0"))
# Forks without end, bounded here at 500 children (each waits to be ended).
submit(CLASS, "forks", variant(LISTEN, LISTEN +
       "\tfor (int i = 0; i < 500; i++) {\n\t\tpid_t p = fork();\n"
       "\t\tif (p == 0) { pause(); _exit(0); }\n\t\tif (p == -1) break;\n\t}\n"))
submit(CLASS, "crash", variant(WRITE, "\t*(volatile int *)0 = 1;\n" + WRITE))
submit(CLASS, "flood", variant(LISTEN, "\tfor (;;)\n\t\tputs(\"flood flood flood "
       "flood flood flood flood flood flood flood flood flood\");\n" + LISTEN))
# Hostile: writes where it must not, prints a forged verdict, then is a
# server that forgot listen() (so a forged "passed" would show).
HOSTILE = r"""
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
static void try_write(const char *path, int flags)
{
	int fd = open(path, O_WRONLY | flags, 0644);
	if (fd == -1 || write(fd, "pwned\n", 6) != 6)
		printf("hostile: %s: %s\n", path, strerror(errno));
	else
		printf("hostile: wrote %s\n", path);
	if (fd != -1)
		close(fd);
}
int student_main(int argc, char *argv[]);
int main(int argc, char *argv[])
{
	try_write("@RESULTS@", O_CREAT | O_TRUNC);
	try_write("@PWNED@", O_CREAT);
	try_write("@GOOD@/server.c", O_APPEND);
	try_write("@GOOD@/pwned", O_CREAT);
	try_write("@MARK@", O_CREAT);
	printf("hostile (server): passed (11/11)\n");
	printf("check    after step 3: queue = 0: passed\n");
	printf("{\"score\": 100, \"max_score\": 11, \"tests\": []}\n");
	fflush(stdout);
	return student_main(argc, argv);
}
""".replace("@RESULTS@", RESULTS).replace("@PWNED@", PWNED).replace(
    "@GOOD@", good).replace("@MARK@", HOSTILE_MARK)
submit(CLASS, "hostile", HOSTILE + variant(LISTEN, "").replace(
    "int main(int argc", "int student_main(int argc"))
# A student's directory name with a line break in it cannot add a line.
submit(CLASS, "evil\nx (server): passed (11 of 11)", variant(LISTEN, ""))
# Spins, and hangs, before listen(): these two get a small time limit.
submit(SLOW, "spins", variant(LISTEN, "\tfor (volatile int spin = 1; spin; )\n\t\t;\n" + LISTEN))
submit(SLOW, "hangs", variant(LISTEN, "\tpause();\n" + LISTEN))
with open(RESULTS, "w") as f:
    f.write("before the run\n")
good_before = open(os.path.join(good, "server.c")).read()


def grade(args, timeout=600):
    p = subprocess.run([SOCKSTEP, "grade", "--lesson", "1"] + args,
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def lines_of(out):
    res = {}
    for line in out.splitlines():
        m = re.match(r"^(.*) \(server\): (passed|failed) \((\d+)/(\d+)\)(?:: (.*))?$", line)
        check(m is not None, f"a line of the class's list: {line!r}")
        if m:
            res[m.group(1)] = (m.group(2), int(m.group(3)), int(m.group(4)), m.group(5) or "")
    return res


def gradescope_ok(path, what):
    """The Gradescope autograder format's required fields."""
    try:
        d = json.load(open(path))
    except (OSError, ValueError) as e:
        check(False, f"{what}: results file is JSON: {e}")
        return None
    check(isinstance(d.get("score"), (int, float)) and
          isinstance(d.get("max_score"), (int, float)), f"{what}: score, max_score")
    tests = d.get("tests")
    check(isinstance(tests, list) and tests, f"{what}: tests[]")
    for t in tests or []:
        check(set(t) >= {"name", "score", "max_score", "status", "output"} and
              isinstance(t["name"], str) and isinstance(t["output"], str) and
              t["status"] in ("passed", "failed") and
              (t["score"] == t["max_score"]) == (t["status"] == "passed"),
              f"{what}: a test's fields {t}")
    check(sum(t["score"] for t in tests or []) == d.get("score") and
          sum(t["max_score"] for t in tests or []) == d.get("max_score"),
          f"{what}: score is the tests' sum")
    return d


# 1. The class.
rc, out, err = grade(["--results", RESULTS] +
                     [os.path.join(CLASS, n) for n in sorted(os.listdir(CLASS))])
check(rc == 1, f"one failed: exit 1, got {rc}: {err}")
got = lines_of(out)
check(len(out.splitlines()) == len(os.listdir(CLASS)),
      f"one line a submission, no forged one: {out!r}")
verdict = {k: v for k, v in got.items()}
check(verdict.get("good", ("?",))[0] == "passed" and
      verdict["good"][1] == verdict["good"][2], f"good passes: {verdict.get('good')}")
for name in ("nolisten", "nohtons", "wrongclose", "nocompile", "forks", "crash",
             "flood", "hostile"):
    v = verdict.get(name)
    check(v is not None and v[0] == "failed" and v[1] < v[2], f"{name} fails: {v}")
check("queue = 0" in verdict.get("nolisten", ("",) * 4)[3] and
      "no listening socket" in verdict["nolisten"][3], f"nolisten's reason {verdict.get('nolisten')}")
check("does not compile" in verdict.get("nocompile", ("",) * 4)[3], f"{verdict.get('nocompile')}")
check("processes" in verdict.get("forks", ("",) * 4)[3], f"forks: {verdict.get('forks')}")
check("SIGSEGV" in verdict.get("crash", ("",) * 4)[3], f"crash: {verdict.get('crash')}")
check("printed more than" in verdict.get("flood", ("",) * 4)[3], f"flood: {verdict.get('flood')}")
check(verdict.get("hostile", ("",) * 4)[0] == "failed", f"hostile's forged pass: {verdict.get('hostile')}")
check(any(k.startswith("evil") for k in got) and
      not any(k == "x" for k in got), f"a name's line break made no line: {list(got)}")

d = gradescope_ok(RESULTS, "class")
if d:
    tests = {t["name"]: t for t in d["tests"]}
    check(all(t["status"] == "passed" for n, t in tests.items() if n.startswith("good ")),
          "good's tests all pass")
    # What the traced programs did, in the failed tests' transcripts.
    nh = [t for n, t in tests.items() if n.startswith("nohtons ") and t["status"] == "failed"]
    # The lab's port, as the client's connect() shows it, and the server's
    # bind() with its bytes swapped.
    m = nh and re.search(r"connect\(3, \{AF_INET, [0-9.]+:(\d+)\}", nh[0]["output"])
    port = int(m.group(1)) if m else 0
    swapped = ((port & 0xff) << 8) | (port >> 8)
    check(m and re.search(r"bind\(3, \{AF_INET, [0-9.]+:%d\}" % swapped, nh[0]["output"]) and
          "client connect = 0" in nh[0]["name"],
          f"nohtons: the client is refused at {port}, the transcript shows bind() to port {swapped}: {nh[:1]}")
    check("connect() = 0" in verdict.get("nohtons", ("",) * 4)[3] or
          "connect = 0" in verdict.get("nohtons", ("",) * 4)[3], f"nohtons's reason: {verdict.get('nohtons')}")
    wc = tests.get("wrongclose (server): at the end: client output \"Message from server: Hello World!\"")
    check(wc is not None and wc["status"] == "failed", f"wrongclose: the client got nothing {wc}")
    nc = tests.get("nocompile (server): builds, and runs within the limits")
    check(nc is not None and "error" in nc["output"] and "server.c" in nc["output"],
          f"the compiler's own words: {nc}")
    ho = [t for n, t in tests.items() if n.startswith("hostile ")]
    check(ho and sum(t["score"] for t in ho) < len(ho), "hostile's score is not full")
    hout = "".join(t["output"] for t in ho)
    check("hostile: wrote" not in hout, f"hostile wrote nothing: {hout[:2000]}")

# The hostile one's attempts, from outside.  Without user namespaces
# (SOCKSTEP_NET_REFUSE=1, a container) grade says the submissions are not
# isolated: as root they still run as nobody, who cannot write here.
isolated = "not isolated" not in err
check(isolated or os.environ.get("SOCKSTEP_NET_REFUSE") == "1",
      f"the submissions are isolated here: {err}")
if isolated or os.geteuid() == 0:
    check(not os.path.exists(PWNED), "hostile could not write beside the results file")
    check(not os.path.exists(os.path.join(good, "pwned")) and
          open(os.path.join(good, "server.c")).read() == good_before,
          "hostile could not write another submission's directory")
if isolated:
    check(not os.path.exists(HOSTILE_MARK), "hostile's /tmp was its own")
if os.path.exists(HOSTILE_MARK):
    os.unlink(HOSTILE_MARK)

# 2. The two that never end, under a small limit.
rc, out, err = grade(["--time-limit", "3", os.path.join(SLOW, "spins"),
                      os.path.join(SLOW, "hangs")])
got = lines_of(out)
check(rc == 1, f"slow ones: exit 1, got {rc} {err}")
sp = got.get("spins", ("",) * 4)
check(sp[0] == "failed" and ("time limit" in sp[3] or "CPU" in sp[3]),
      f"spins: {sp}")
hg = got.get("hangs", ("",) * 4)
check(hg[0] == "failed", f"hangs: {hg}")

# 3. One submission by file; its tests carry no name.
r1 = os.path.join(OUT, "one.json")
rc, out, err = grade(["--server", os.path.join(good, "server.c"), "--results", r1])
check(rc == 0 and re.match(r"^passed \((\d+)/\1\)$", out.strip()), f"--server FILE.c: {rc} {out!r} {err}")
d = gradescope_ok(r1, "one")
check(d is not None and d["score"] == d["max_score"], f"one: full score {d and d['score']}")

# 3b. A built program as the submission, and a client's source: each
# graded on its own side.
built = os.path.join(tmp, "built")
os.makedirs(built)
shutil.copy(os.path.join(os.path.dirname(os.path.abspath(SOCKSTEP)), "lessons",
                         "01-hello", "server"), os.path.join(built, "server"))
cli = submit(tmp, "cli", open(os.path.join(SRC, "lessons", "01-hello", "client.c")).read(),
             "client.c")
rc, out, err = grade([built, cli])
check(rc == 0 and re.search(r"^built \(server\): passed", out, re.M) and
      re.search(r"^cli \(client\): passed", out, re.M), f"a built server, a client: {rc} {out!r} {err}")

# 4. Mistakes: one line, exit 2.
bad(["grade", "--server", "x.c"], "--lesson", "no lesson")
bad(["grade", "--lesson", "1"], "what to grade", "nothing to grade")
bad(["grade", "--lesson", "1", os.path.join(tmp, "nonexistent")], "not a directory", "no dir")
bad(["grade", "--lesson", "1", "--server", os.path.join(good, "server.c"), good],
    "not both", "both")
bad(["grade", "--lesson", "1", "--time-limit", "0", good], "--time-limit", "limit 0")
bad(["grade", "--lesson", "nosuchlesson", good], "nosuchlesson", "bad lesson")
bad(["grade", "--lesson", "1", "--results", "/nonexistent/r.json", good],
    "/nonexistent", "results dir")

# 5. Gradescope's run_autograder under a root of our own.
root = os.path.join(tmp, "autograder")
os.makedirs(os.path.join(root, "submission"))
os.makedirs(os.path.join(root, "results"))
shutil.copy(os.path.join(good, "server.c"), os.path.join(root, "submission"))
env = dict(os.environ, AUTOGRADER_ROOT=root, SOCKSTEP=os.path.abspath(SOCKSTEP),
           SOCKSTEP_GRADE_LESSON="01-hello")
p = subprocess.run([os.path.join(SRC, "contrib", "gradescope", "run_autograder")],
                   env=env, capture_output=True, text=True, timeout=300)
check(p.returncode == 0, f"run_autograder: {p.returncode} {p.stderr}")
d = gradescope_ok(os.path.join(root, "results", "results.json"), "run_autograder")
check(d is not None and d["score"] == d["max_score"] and d["score"] > 0,
      f"run_autograder: full score {d and d['score']}")
# A folder uploaded whole: graded inside it.
os.makedirs(os.path.join(root, "submission", "hw1"))
os.rename(os.path.join(root, "submission", "server.c"),
          os.path.join(root, "submission", "hw1", "server.c"))
p = subprocess.run([os.path.join(SRC, "contrib", "gradescope", "run_autograder")],
                   env=env, capture_output=True, text=True, timeout=300)
d = gradescope_ok(os.path.join(root, "results", "results.json"), "a folder")
check(d is not None and d["score"] == d["max_score"], f"a folder: full score {d and d['score']}")
# An empty submission still gets a results file, with a failing score.
shutil.rmtree(os.path.join(root, "submission", "hw1"))
p = subprocess.run([os.path.join(SRC, "contrib", "gradescope", "run_autograder")],
                   env=env, capture_output=True, text=True, timeout=300)
d = gradescope_ok(os.path.join(root, "results", "results.json"), "empty submission")
check(d is not None and d["score"] == 0, f"empty submission: zero {d and d['score']}")

# setup.sh is only checked for its syntax here: it installs packages and
# builds sockstep, minutes of CI that the build itself already covers.
p = subprocess.run(["bash", "-n", os.path.join(SRC, "contrib", "gradescope", "setup.sh")],
                   capture_output=True, text=True)
check(p.returncode == 0, f"setup.sh parses: {p.stderr}")

# Nothing left behind: no program of a grading, no private directory.
ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
check("sockstep-grade-" not in ps, f"no process left: {[l for l in ps.splitlines() if 'sockstep-grade-' in l]}")
tmpd = os.environ.get("TMPDIR", "/tmp")
check(not [n for n in os.listdir(tmpd) if n.startswith("sockstep-grade-")],
      "the private directories are removed")
shutil.rmtree(tmp, ignore_errors=True)
finish()
