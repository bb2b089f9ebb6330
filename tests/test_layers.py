"""Layers a grep can check (issue 14 §4; ../shared/DESIGN.md "Layers").

1. Includes: each source file includes only its own layer's header and
   those below it (base < model < lesson < drive < output, views < tui);
   only tui-*.c include tui.h or curses.
2. The engine library (model, lesson, drive, batch and its outputs)
   links with no symbol of the command line (main.c) or the screen
   (tui-*.c): `nm -u` of the library against what those define.
3. The symbol graph (which object uses a symbol another defines) has no
   circle through more than two files.
4. Only main.c prints a user error and exits.
"""
import os
import re
import subprocess
import sys

from sslib import check, finish, SOCKSTEP

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
BUILD = os.path.dirname(os.path.abspath(SOCKSTEP))

RANK = {"base.h": 0, "model.h": 1, "lab-private.h": 1, "lesson.h": 2,
        "drive.h": 3, "output.h": 4, "export.h": 4, "views.h": 4,
        "tui.h": 5, "config.h": 0, "diff.h": 4, "grade.h": 4}


def rank_of(name):
    """The layer of a source file, by its name (DESIGN.md's modules)."""
    base = os.path.basename(name)
    if base in RANK:
        return RANK[base]
    if base in ("xmalloc.c", "sbuf.c", "atomic.c"):
        return 0
    if re.match(r"(syscall|trace|sock|lab|srcmap|net)", base):
        return 1
    if re.match(r"(lesson|steps|progress)", base):
        return 2
    if base in ("drive.c", "session.c", "session-input.c", "port.c",
                "record.c"):
        return 3
    if re.match(r"(batch|transcript|export|output|diff|grade)", base):
        return 4
    if base.startswith("tui"):
        return 5
    if base == "main.c":
        return 6
    return None


files = sorted(f for f in os.listdir(SRC) if f.endswith((".c", ".h")))
check(len(files) > 40, f"found the sources: {len(files)}")
for f in files:
    r = rank_of(f)
    check(r is not None, f"{f}: which layer is it in? (add it to rank_of)")
    if r is None:
        continue
    text = open(os.path.join(SRC, f), encoding="utf-8").read()
    for inc in re.findall(r'^#include "([^"]+)"', text, re.M):
        ir = RANK.get(inc)
        check(ir is not None, f"{f} includes {inc}, a header of no layer")
        check(ir is None or ir <= r or (r == 6 and ir <= 5),
              f"{f} (layer {r}) includes {inc} (layer {ir}): arrows point "
              f"down only")
    if re.search(r"^#include <n?curses", text, re.M):
        check(f.startswith("tui"), f"{f} includes curses: only tui-*.c may")
    code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    if f != "main.c":
        check(not re.search(r"\b(user_error|usage_error)\s*\(", code),
              f"{f} calls user_error: only main.c says user errors")
        check(not re.search(r"(?<![_a-z])exit\s*\(", code),
              f"{f} calls exit(): only main.c ends the program")


def nm(path, undefined):
    args = ["nm", "-A", "--defined-only"] if not undefined else ["nm", "-A", "-u"]
    out = subprocess.run(args + [path], capture_output=True, text=True,
                         check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.search(r"([^:/\s]+\.o):[0-9a-f]*\s+(\w)\s+(\S+)$", line)
        if not m:
            continue
        obj, kind, sym = m.groups()
        if not undefined and kind not in "TDBRC":
            continue
        res.setdefault(os.path.basename(obj), set()).add(sym)
    return res


lib = os.path.join(BUILD, "src", "libsockstep-engine.a")
exe_dir = os.path.join(BUILD, "sockstep.p")
if not os.path.exists(lib) or not os.path.isdir(exe_dir):
    print(f"broken harness: no {lib} or {exe_dir}", file=sys.stderr)
    sys.exit(99)
exe_objs = [os.path.join(exe_dir, o) for o in os.listdir(exe_dir)
            if o.endswith(".o")]
defined = nm(lib, False)
used = nm(lib, True)
for o in exe_objs:
    defined.update(nm(o, False))
    used.update(nm(o, True))
owner = {}
for obj, syms in defined.items():
    for s in syms:
        owner.setdefault(s, obj)

# 2. The engine uses nothing that only the CLI or the screen defines.
view = {o for o in defined if o.startswith(("main", "src_main", "tui",
                                             "src_tui"))}
check(view, f"found the CLI and screen objects: {sorted(defined)[:5]}...")
engine_objs = set(nm(lib, False)) | set(nm(lib, True))
for obj in sorted(engine_objs):
    bad = sorted(s for s in used.get(obj, ()) if owner.get(s) in view)
    check(not bad, f"engine {obj} uses {bad} from the CLI or the screen")

# 3. No circle of more than two files in the symbol graph.
graph = {o: set() for o in defined}
for obj, syms in used.items():
    for s in syms:
        if s in owner and owner[s] != obj:
            graph.setdefault(obj, set()).add(owner[s])
index, low, stack, on, sccs = {}, {}, [], set(), []


def strong(v):
    # Tarjan, iteratively deep enough for a few dozen files.
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in graph.get(v, ()):
        if w not in index:
            strong(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        sccs.append(comp)


sys.setrecursionlimit(10000)
for v in list(graph):
    if v not in index:
        strong(v)
for comp in sccs:
    check(len(comp) <= 2, f"a circle through {len(comp)} files: "
          f"{sorted(comp)}")
print(f"info: {len(graph)} objects, largest circle "
      f"{max(len(c) for c in sccs)} files")
finish()
