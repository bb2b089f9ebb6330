"""Lessons as data (issue 17 §1): a lesson directory anywhere is a
lesson, its C sources built with cc -g -O0 into the cache.

- a copy of lesson 1 in a directory of its own passes check-lesson, its
  programs built into $XDG_CACHE_HOME/sockstep/build;
- a source with a syntax error: the compiler's own message (compared
  with what cc says of the same file), then one line, exit 2;
- the cache: the same source, the same program file; a changed source, a
  new one, and the program prints what the new source says;
- the search path: $SOCKSTEP_LESSONS, then $XDG_DATA_HOME, then the
  built-in lessons, by name and by number;
- the file as libinih reads it: file:line errors for a malformed file, a
  continued narration line shown whole;
- new-lesson, then check-lesson on it, as written.
(tests/test_install.py does new-lesson and check-lesson from an installed
sockstep with no source tree.)"""
import os
import re
import shutil
import subprocess
import tempfile

from sslib import SOCKSTEP, check, finish

TMP = tempfile.mkdtemp(prefix="sockstep-ldata-")
HELLO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                     "lessons", "01-hello")
ENV = dict(os.environ, XDG_CACHE_HOME=os.path.join(TMP, "cache"),
           XDG_DATA_HOME=os.path.join(TMP, "data"),
           XDG_STATE_HOME=os.path.join(TMP, "state"))
ENV.pop("SOCKSTEP_LESSONS", None)
ENV.pop("CC", None)


def sock(args, env=None, cwd=None, timeout=120):
    p = subprocess.run([SOCKSTEP] + args, capture_output=True, text=True,
                       env=env or ENV, cwd=cwd, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def copy_hello(where, message=None, title=None):
    os.makedirs(where)
    for f in ("lesson.ini", "server.c", "client.c"):
        shutil.copy(os.path.join(HELLO, f), where)
    if message is not None:
        edit(os.path.join(where, "server.c"), '"Hello World!"',
             f'"{message}"')
        edit(os.path.join(where, "lesson.ini"), "Hello World!", message)
    if title is not None:
        edit(os.path.join(where, "lesson.ini"),
             "title.en = Hello World: the whole call flow of a server and "
             "a client", f"title.en = {title}")


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    check(old in text, f"{path}: {old!r} to replace")
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def cache_programs():
    root = os.path.join(TMP, "cache", "sockstep", "build")
    found = {}
    for top, dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(top, f)
            if os.access(p, os.X_OK) and not f.startswith("."):
                found.setdefault(f, []).append(p)
    return found


def server_output(d, extra_env=None):
    rc, out, err = sock(["batch", d, "--port", "0"],
                        env=dict(ENV, **(extra_env or {})))
    # the client's own line ("client   | ..."), not a check quoting it
    m = re.findall(r"^client +\| Message from server: (.*)$", out, re.M)
    return rc, (m[-1] if m else None), out, err


# 1. A copy of lesson 1, outside the tree: built and run.
mine = os.path.join(TMP, "mine")
copy_hello(mine)
rc, out, err = sock(["check-lesson", mine])
check(rc == 0 and out.strip().endswith("checks passed)"),
      f"check-lesson of a copy of lesson 1: exit {rc} {out!r} {err!r}")
progs = cache_programs()
check("server" in progs and "client" in progs,
      f"its programs are in the cache: {progs}")
check(f"{mine} is not a built-in lesson" in err,
      f"it says it is not a built-in lesson: {err!r}")
# The source pane's line numbers come from -g: the DWARF of the built
# program names the source.
if "server" in progs:
    with open(progs["server"][0], "rb") as f:
        exe = f.read()
    check(b".debug_line" in exe and os.path.join(mine, "server.c").encode()
          in exe, "the cached server has -g debug info naming its source")

# 2. The cache: unchanged, the same file; changed, a new program.
server = progs.get("server", ["/nonexistent"])[0]
ino = os.stat(server).st_ino if os.path.exists(server) else None
rc, said, out, err = server_output(mine)
check(rc == 0 and said == "Hello World!", f"batch of the copy: {rc} {said!r}")
check(os.path.exists(server) and os.stat(server).st_ino == ino,
      "the same source: the same program, not built again")
edit(os.path.join(mine, "server.c"), '"Hello World!"', '"Hello cache!"')
rc, said, out, err = server_output(mine)
check(said == "Hello cache!", f"after the source changed, the server says "
      f"{said!r} (want 'Hello cache!')")
check(os.path.exists(server) and os.stat(server).st_ino != ino,
      "a changed source: a new program file")
# Its check of the old text now fails, the exit status says so.
check(rc == 1, f"the lesson's own check of the old text fails: exit {rc}")

# 3. A syntax error: the compiler's words as they are, then one line.
broken = os.path.join(TMP, "broken")
copy_hello(broken)
edit(os.path.join(broken, "server.c"), "listen(serv_sock, 5) == -1",
     "listen(serv_sock, 5 == -1")
for args in (["check-lesson", broken], ["batch", broken, "--port", "0"],
             ["run", "--lesson", broken, "--client", "true", "--batch"]):
    rc, out, err = sock(args)
    lines = err.splitlines()
    check(rc == 2, f"{args[0]} of a lesson that does not compile: exit {rc}")
    check(lines and lines[-1].startswith("sockstep: broken: server.c does "
                                         "not compile: ") and
          "error" in lines[-1], f"{args[0]}: the last line says which: "
          f"{lines[-1:]!r}")
    cc = subprocess.run(["cc", "-g", "-O0", "-o", os.devnull,
                         os.path.join(broken, "server.c")],
                        capture_output=True, text=True, env=ENV)
    want = [l for l in cc.stderr.splitlines() if "error" in l]
    check(cc.returncode != 0 and want and all(l in lines for l in want),
          f"{args[0]}: the compiler's own error lines {want!r} in {err!r}")
    check(out == "", f"{args[0]}: nothing ran: {out[:200]!r}")
# run --lesson with the user's own server: the lesson's broken server.c
# is not built at all.
rc, out, err = sock(["run", "--lesson", broken, "--server",
                     os.path.join(os.path.dirname(SOCKSTEP), "lessons",
                                  "01-hello", "server") + " {port}",
                     "--batch", "--port", "0"])
check(rc == 0 and "does not compile" not in err,
      f"run --lesson --server: the lesson's server.c is not built: {rc} {err!r}")
# A compiler that is not there: one line, exit 2.
rc, out, err = sock(["check-lesson", mine],
                    env=dict(ENV, CC="/nonexistent/cc"))
check(rc == 2 and len(err.strip().splitlines()) == 1 and
      "cannot run the C compiler '/nonexistent/cc'" in err,
      f"no compiler: exit {rc} {err!r}")

# 4. The search path: $SOCKSTEP_LESSONS, then $XDG_DATA_HOME/sockstep/
#    lessons, then the built-in ones.
path1 = os.path.join(TMP, "path1")
path2 = os.path.join(TMP, "path2")
xdg = os.path.join(TMP, "data", "sockstep", "lessons")
copy_hello(os.path.join(path2, "01-hello"), message="from path2",
           title="Hello from path2")
copy_hello(os.path.join(xdg, "01-hello"), message="from xdg",
           title="Hello from xdg")
copy_hello(os.path.join(xdg, "42-extra"), message="from 42",
           title="The extra lesson")
env = dict(ENV, SOCKSTEP_LESSONS=f"{path1}:{path2}")
rc, out, err = sock(["lessons"], env=env)
rows = {l.split()[0]: l for l in out.splitlines() if l.strip()}
check(rc == 0 and "Hello from path2" in rows.get("01-hello", ""),
      f"lessons: 01-hello from $SOCKSTEP_LESSONS: {out!r} {err!r}")
check("The extra lesson" in rows.get("42-extra", ""),
      f"lessons: 42-extra from XDG_DATA_HOME: {out!r}")
check("04-accept-blocks" in rows, f"lessons: the built-in ones too: {out!r}")
for name in ("01-hello", "1"):
    rc, said, out, err = server_output(name, {"SOCKSTEP_LESSONS":
                                              f"{path1}:{path2}"})
    check(rc == 0 and said == "from path2",
          f"batch {name}: $SOCKSTEP_LESSONS wins: {rc} {said!r} {err!r}")
    rc, said, out, err = server_output(name)
    check(rc == 0 and said == "from xdg",
          f"batch {name}: then XDG_DATA_HOME: {rc} {said!r} {err!r}")
rc, said, out, err = server_output("42")
check(rc == 0 and said == "from 42", f"batch 42 by number: {rc} {said!r}")
# With none of them, the built-in lesson 1, its programs from the build.
rc, said, out, err = server_output("1", {"XDG_DATA_HOME": os.path.join(
    TMP, "empty")})
check(rc == 0 and said == "Hello World!" and
      "not a built-in lesson" not in err,
      f"batch 1 with an empty path: the built-in one: {rc} {said!r} {err!r}")
# A directory here, by its name.
rc, out, err = sock(["check-lesson", "mine"], cwd=TMP)
check(rc == 1 and "mine/lesson.ini" in out,
      f"check-lesson NAME of a directory here: {rc} {out!r} {err!r}")
rc, out, err = sock(["batch", "nosuch", "--port", "0"],
                    env=dict(env, XDG_DATA_HOME=os.path.join(TMP, "empty")))
check(rc == 2 and f"lessons are in {path1}:{path2}:" in err,
      f"an unknown lesson names the path: {err!r}")

# 5. The file as libinih reads it: file:line errors.
bad = os.path.join(TMP, "badini")
copy_hello(bad)
ini = os.path.join(bad, "lesson.ini")
with open(ini) as f:
    good = f.read()
n = good.count("\n")
for extra, line, want in (
        ("[checks]\nthis line has no equals sign\n", n + 2,
         "expected 'key = value'"),
        ("[chekcs]\nend = client is exited\n", n + 1,
         "unknown section [chekcs]"),
        ("[checks\n", n + 1, "bad section header"),
        ("[lesson]\nclients = 1\n  2\n", n + 2, "clients = 1 2")):
    with open(ini, "w") as f:
        f.write(good + extra)
    rc, out, err = sock(["check-lesson", bad])
    check(rc == 2 and f"{ini}:{line}: {want}" in err and
          len(err.strip().splitlines()) == 1,
          f"malformed lesson.ini ({want}): exit {rc} {err!r}")
# A narration continued on an indented line is shown whole; a ';' in it
# is text.
with open(ini, "w") as f:
    f.write(good.replace(
        "socket.before.en = socket() asks the kernel for a new endpoint; "
        "nothing is on the network yet.",
        "socket.before.en = socket() asks the kernel for a new endpoint;\n"
        "    nothing is on the network yet ; not even a port."))
rc, out, err = sock(["batch", bad, "--port", "0"])
check(rc == 0 and "» socket() asks the kernel for a new endpoint; nothing "
      "is on the network yet ; not even a port." in out,
      f"a continued narration line: exit {rc} {out[:600]!r} {err!r}")

# 6. new-lesson, then check-lesson on it as written (and by its name).
work = os.path.join(TMP, "work")
os.mkdir(work)
rc, out, err = sock(["new-lesson", "greet"], cwd=work)
check(rc == 0 and "sockstep check-lesson greet" in out,
      f"new-lesson: exit {rc} {out!r} {err!r}")
check(sorted(os.listdir(os.path.join(work, "greet"))) ==
      ["client.c", "lesson.ini", "server.c"],
      f"new-lesson wrote: {os.listdir(os.path.join(work, 'greet'))}")
with open(os.path.join(work, "greet", "lesson.ini")) as f:
    text = f.read()
for section in ("[lesson]", "[narration]", "[predict]", "[checks]",
                "[input]", "# [programs]"):
    check(section in text, f"the skeleton has {section}")
check(all(k in text for k in ("title.en", "title.zh", "goal.en", "goal.zh")),
      "the skeleton speaks both languages")
rc, out, err = sock(["check-lesson", "greet"], cwd=work)
check(rc == 0 and re.search(r"greet/lesson.ini: ok \(13 steps, 10 checks "
                            r"passed\)$", out.strip()) is not None,
      f"check-lesson of the skeleton: exit {rc} {out!r} {err!r}")
check("warning" not in out, f"the skeleton has no warning: {out!r}")
rc, out, err = sock(["new-lesson", "greet"], cwd=work)
check(rc == 2 and "there already" in err and len(err.splitlines()) == 1,
      f"new-lesson over an existing directory: {rc} {err!r}")
rc, out, err = sock(["new-lesson", "a/b"], cwd=work)
check(rc == 2 and len(err.splitlines()) == 1,
      f"new-lesson of a path: {rc} {err!r}")

shutil.rmtree(TMP, ignore_errors=True)
finish()
