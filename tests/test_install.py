"""meson install --destdir: each file where it belongs (the binary in
bin, the lesson programs under libexec, the lesson files under the data
directory, the man page in man1, the bash completion), and the installed
binary runs lesson 1 from there, finding its lessons through its prefix;
new-lesson writes a skeleton that check-lesson passes, with no source
tree, HOME a fresh directory (issue 17 §1).
The build is a separate one, set up with a prefix in a temporary
directory; after the install, the prefix is made a link to the staged
tree, so the binary runs where it was configured to live.  `man -l`
renders the page (skipped with a message when man is not installed).

usage: test_install.py SOURCE_ROOT"""
import os
import shutil
import subprocess
import sys
import tempfile

from sslib import check, finish

SRC = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="sockstep-install-")
PREFIX = os.path.join(TMP, "prefix", "usr")
DEST = os.path.join(TMP, "dest")
BUILD = os.path.join(TMP, "build")


def sh(args, **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        print(" ".join(args), p.stdout[-3000:], p.stderr[-3000:],
              file=sys.stderr)
    return p


def version():
    with open(os.path.join(SRC, "meson.build")) as f:
        for line in f:
            if line.strip().startswith("version"):
                return line.split("'")[1]
    return "?"


def main():
    p = sh(["meson", "setup", BUILD, SRC, f"--prefix={PREFIX}",
            "--libexecdir=libexec", "-Dbuildtype=plain"])
    if p.returncode != 0:
        print("broken harness: meson setup failed", file=sys.stderr)
        sys.exit(99)
    p = sh(["meson", "install", "-C", BUILD, "--destdir", DEST,
            "--quiet"])
    check(p.returncode == 0, "meson install --destdir")
    root = DEST + PREFIX
    lessons = sorted(d for d in os.listdir(os.path.join(SRC, "lessons"))
                     if os.path.isfile(os.path.join(SRC, "lessons", d,
                                                    "lesson.ini")))
    want = {"bin/sockstep": True,
            "share/man/man1/sockstep.1": False,
            "share/bash-completion/completions/sockstep": False,
            "share/locale/zh_CN/LC_MESSAGES/sockstep.mo": False}
    for l in lessons:
        want[f"libexec/sockstep/lessons/{l}/server"] = True
        want[f"share/sockstep/lessons/{l}/lesson.ini"] = False
        want[f"share/sockstep/lessons/{l}/server.c"] = False
    for rel, exe in want.items():
        path = os.path.join(root, rel)
        check(os.path.isfile(path), f"installed: {rel}")
        if exe:
            check(os.access(path, os.X_OK), f"executable: {rel}")
    check(os.listdir(os.path.join(root, "bin")) == ["sockstep"],
          f"only sockstep in bin: {os.listdir(os.path.join(root, 'bin'))}")
    for top, dirs, files in os.walk(DEST):
        for f in files:
            check(os.path.join(top, f).startswith(root + "/"),
                  f"installed outside the prefix: {os.path.join(top, f)}")

    # The prefix, as configured, now holds the staged tree.
    os.makedirs(os.path.dirname(PREFIX))
    os.symlink(root, PREFIX)
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOCKSTEP_LESSONS",)}
    exe = os.path.join(PREFIX, "bin", "sockstep")
    p = sh([exe, "--version"], env=env, cwd="/")
    check(p.stdout.strip() == f"sockstep {version()}",
          f"--version from meson: {p.stdout!r}")
    # The installed catalog, found through the prefix: Chinese --help.
    p = sh([exe, "--help", "--lang", "zh"], env=dict(env, LC_ALL="C"), cwd="/")
    check(p.returncode == 0 and "用法：sockstep" in p.stdout and
          "usage:" not in p.stdout, f"installed zh --help: {p.stdout[:200]!r}")
    p = sh([exe, "lessons"], env=env, cwd="/")
    check(p.returncode == 0 and all(l in p.stdout for l in lessons),
          f"installed lessons listed: {p.stdout!r}")
    p = sh([exe, "batch", "01-hello", "--port", "0"], env=env, cwd="/",
           timeout=60)
    check(p.returncode == 0, f"installed batch 01-hello exit {p.returncode}")
    check("Message from server: Hello World!" in p.stdout,
          "the installed lesson programs ran")
    check("checks failed" not in p.stderr, f"checks: {p.stderr!r}")
    check(SRC not in p.stdout and BUILD not in p.stdout,
          "nothing from the source or build tree in the transcript")

    # Issue 17 §1: an instructor's lesson with the installed sockstep
    # alone: new-lesson, check-lesson, then the same lesson found by its
    # name in ~/.local/share/sockstep/lessons.  HOME and the XDG
    # directories are fresh ones; the working directory is outside both
    # trees; nothing in the output comes from them.
    home = os.path.join(TMP, "home")
    work = os.path.join(TMP, "work")
    os.makedirs(work)
    os.makedirs(home)
    uenv = {k: v for k, v in env.items()
            if not k.startswith("XDG_") and k != "CC"}
    uenv["HOME"] = home
    p = sh([exe, "new-lesson", "greet"], env=uenv, cwd=work)
    check(p.returncode == 0 and "sockstep check-lesson greet" in p.stdout,
          f"installed new-lesson: exit {p.returncode} {p.stdout!r}")
    p = sh([exe, "check-lesson", "greet"], env=uenv, cwd=work, timeout=120)
    check(p.returncode == 0 and p.stdout.strip().endswith(
        "greet/lesson.ini: ok (13 steps, 10 checks passed)"),
          f"installed check-lesson of the skeleton: exit {p.returncode} "
          f"{p.stdout!r} {p.stderr!r}")
    built = os.path.join(home, ".cache", "sockstep", "build")
    check(os.path.isdir(built) and any(
        "server" in files for _, _, files in os.walk(built)),
          f"its programs built under ~/.cache/sockstep/build")
    check(SRC not in p.stdout + p.stderr and BUILD not in p.stdout + p.stderr,
          "nothing from the source or build tree in check-lesson")
    mine = os.path.join(home, ".local", "share", "sockstep", "lessons")
    os.makedirs(mine)
    shutil.move(os.path.join(work, "greet"), os.path.join(mine, "50-greet"))
    p = sh([exe, "lessons"], env=uenv, cwd="/")
    check(p.returncode == 0 and "50-greet" in p.stdout and
          all(l in p.stdout for l in lessons),
          f"installed lessons list ~/.local/share's with the built-in: "
          f"{p.stdout!r}")
    p = sh([exe, "batch", "50", "--port", "0"], env=uenv, cwd="/",
           timeout=120)
    check(p.returncode == 0 and
          "Message from server: Hello, world!" in p.stdout,
          f"installed batch 50 from ~/.local/share: exit {p.returncode} "
          f"{p.stderr!r}")

    page = os.path.join(root, "share/man/man1/sockstep.1")
    if shutil.which("man") is None:
        print("skip: man is not installed; the page is not rendered")
    else:
        p = sh(["man", "-l", page], env=dict(env, MANPAGER="cat",
                                              MANWIDTH="80"))
        check(p.returncode == 0 and "SYNOPSIS" in p.stdout and
              "--replay" in p.stdout, "man -l renders sockstep(1)")
        check("warning" not in p.stderr.lower(), f"man: {p.stderr!r}")


try:
    main()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
finish()
