#!/usr/bin/env python3
"""Checks the shape of src/ that review asks for (run by .ci/run):

- no function longer than 80 lines (a `fn` to its closing brace at the same indent; tables written
  as data in `const`s are not functions);
- no cycle among the top-level modules of src/ (`crate::x` and `super::` paths from inside them);
- `app` imports neither `ui`, `tui`, `runtime` nor `commands`.

Prints the longest functions and the module graph; exits 1 on a violation.
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
LIMIT = 80
FN = re.compile(r"^(\s*)(pub(\([^)]*\))? )?(const )?(async )?(unsafe )?fn (\w+)")


def functions(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m or line.rstrip().endswith(";"):
            continue
        end = i
        if not line.rstrip().endswith("}"):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].rstrip() == m.group(1) + "}")
        yield end - i + 1, m.group(7), i + 1


def top_module(path):
    rel = os.path.relpath(path, SRC)
    return rel.split(os.sep)[0].removesuffix(".rs")


def main():
    lengths, edges = [], {}
    for root, _, files in os.walk(SRC):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, SRC)
            lengths += [(n, f"{rel}:{line} {name}") for n, name, line in functions(path)]
            me = top_module(path)
            if me in ("lib", "main"):
                continue
            text = open(path, encoding="utf-8").read()
            for other in set(re.findall(r"crate::([a-z_]+)", text)):
                if other != me:
                    edges.setdefault(me, set()).add(other)
    lengths.sort(reverse=True)
    print("longest functions:")
    for n, where in lengths[:5]:
        print(f"  {n:4} {where}")
    print("module graph:")
    for m in sorted(edges):
        print(f"  {m} -> {', '.join(sorted(edges[m]))}")
    bad = [f"{where} is {n} lines (limit {LIMIT})" for n, where in lengths if n > LIMIT]
    bad += [f"app imports {m}" for m in ("ui", "tui", "runtime", "commands") if m in edges.get("app", ())]
    bad += cycles(edges)
    for b in bad:
        print(f"check_structure: {b}", file=sys.stderr)
    return 1 if bad else 0


def cycles(edges):
    found, state = [], {}

    def visit(m, stack):
        state[m] = "open"
        for n in sorted(edges.get(m, ())):
            if state.get(n) == "open":
                found.append("cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            elif n not in state:
                visit(n, stack + [n])
        state[m] = "done"

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    return found


if __name__ == "__main__":
    sys.exit(main())
