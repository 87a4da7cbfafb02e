#!/usr/bin/python3
"""The layers of src/: each folder may include only itself and the folders
below it, no modules include each other in a circle, and README's Layout
names every module in its folder, and each module has its unit test file
(tests/unit/<folder>/test_<module>.cpp).  No file is longer than one sitting's
reading, no function longer than a screen.  And the results that must not
be ignored (an error, a lock) cannot be, without the compiler saying so.

The order is the Makefile's LAYERS, lowest first; src/main.cpp sits on top
of them all.  A module is a .hpp and its .cpp; its includes name their
folder ("core/limits.hpp").  Each rule is checked on the real tree and,
first, on a small made-up tree that breaks it, so a checker that finds
nothing cannot pass for one that works."""

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def makefile_layers(root=ROOT):
    text = open(os.path.join(root, "Makefile")).read()
    m = re.search(r"^LAYERS\s*=\s*(.+)$", text, re.M)
    return m.group(1).split()


def sources(src):
    """Every file under `src`, as paths relative to it."""
    out = []
    for d, _, files in os.walk(src):
        for f in files:
            out.append(os.path.relpath(os.path.join(d, f), src))
    return sorted(out)


def module(path):
    """"core/limits.hpp" and "core/limits.cpp" are one module."""
    return os.path.splitext(path)[0]


def problems(src, layers):
    """Everything wrong with the tree under `src`, one line each."""
    rank = {name: i for i, name in enumerate(layers)}
    top = len(layers)
    out = []
    edges = {}
    for path in sources(src):
        folder = os.path.dirname(path)
        if path == "main.cpp":
            here = top
        elif folder in rank and os.path.splitext(path)[1] in (".cpp", ".hpp"):
            here = rank[folder]
        else:
            out.append(f"{path}: not in a layer's folder ({', '.join(layers)})")
            continue
        for inc in INCLUDE.findall(open(os.path.join(src, path), errors="replace").read()):
            target = os.path.dirname(inc)
            if target not in rank or not os.path.exists(os.path.join(src, inc)):
                out.append(f"{path}: #include \"{inc}\" names no file of a layer")
                continue
            if rank[target] > here:
                out.append(f"{path}: #include \"{inc}\" points up, from {folder or 'src'} to {target}")
            if module(inc) != module(path):
                edges.setdefault(module(path), set()).add(module(inc))
    out += [f"a circle of includes: {' -> '.join(c)}" for c in cycles(edges)]
    return out


def cycles(edges):
    """Each circle in the graph once, from its smallest module."""
    found = set()
    out = []

    def walk(start, node, path):
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                circle = path + [start]
                key = frozenset(circle)
                if key not in found:
                    found.add(key)
                    out.append(circle)
            elif nxt not in path and nxt > start:
                walk(start, nxt, path + [nxt])

    for start in sorted(edges):
        walk(start, start, [start])
    return out


def made_up_tree(files):
    d = tempfile.mkdtemp(prefix="pdcf-layers-")
    atexit.register(shutil.rmtree, d, True)
    for path, text in files.items():
        os.makedirs(os.path.join(d, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(d, path), "w") as f:
            f.write(text)
    return d


LAYERS = ["core", "call", "serve"]


def test_the_checker_finds_an_include_that_points_up():
    d = made_up_tree({"core/a.hpp": '#include "call/b.hpp"\n', "call/b.hpp": "", "main.cpp": ""})
    found = problems(d, LAYERS)
    assert found == ['core/a.hpp: #include "call/b.hpp" points up, from core to call'], found


def test_the_checker_finds_a_circle_within_a_layer():
    d = made_up_tree({"call/a.hpp": "", "call/a.cpp": '#include "call/a.hpp"\n#include "call/b.hpp"\n',
                      "call/b.hpp": '#include "call/c.hpp"\n', "call/c.hpp": '#include "call/a.hpp"\n'})
    found = problems(d, LAYERS)
    assert found == ["a circle of includes: call/a -> call/b -> call/c -> call/a"], found


def test_the_checker_finds_a_stray_file_and_a_bare_include():
    d = made_up_tree({"misc.cpp": "", "core/a.cpp": '#include "a.hpp"\n', "core/a.hpp": ""})
    found = problems(d, LAYERS)
    assert found == ['core/a.cpp: #include "a.hpp" names no file of a layer',
                     f"misc.cpp: not in a layer's folder ({', '.join(LAYERS)})"], found


def test_the_checker_allows_includes_down_and_across():
    d = made_up_tree({"core/a.hpp": "", "core/b.hpp": '#include "core/a.hpp"\n',
                      "serve/c.cpp": '#include "core/b.hpp"\n#include "call/d.hpp"\n', "call/d.hpp": "",
                      "main.cpp": '#include "serve/c.hpp"\n', "serve/c.hpp": ""})
    found = problems(d, LAYERS)
    assert found == [], found


def test_src_has_no_include_up_a_layer_and_no_circle():
    found = problems(os.path.join(ROOT, "src"), makefile_layers())
    assert not found, "\n".join(found)


def test_every_layer_has_a_folder_and_every_folder_a_layer():
    layers = makefile_layers()
    folders = sorted(e.name for e in os.scandir(os.path.join(ROOT, "src")) if e.is_dir())
    assert sorted(layers) == folders, f"Makefile LAYERS {layers}, folders {folders}"


def readme_layout(root=ROOT):
    """The modules README's Layout table names: {"core/limits", ...}."""
    text = open(os.path.join(root, "README.md")).read()
    section = text[text.index("## Layout"):]
    section = section[:section.index("\n## ", 1)]
    named, folder = set(), None
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[1].startswith("`"):
            continue
        if cells[0]:
            folder = cells[0].strip("`").strip("/")
        for name in re.findall(r"`([^`]+)`", cells[1]):
            stem = os.path.splitext(name)[0]
            named.add(stem if folder == "src" else f"{folder}/{stem}")
    return named


def test_readme_layout_names_every_module_in_its_folder():
    have = {module(p) for p in sources(os.path.join(ROOT, "src"))}
    named = readme_layout()
    assert have == named, f"not in README's Layout: {sorted(have - named)}; no such module: {sorted(named - have)}"


def untested(src, unit):
    """Modules under `src` without tests/unit/<folder>/test_<module>.cpp."""
    out = []
    for m in sorted({module(p) for p in sources(src) if p != "main.cpp"}):
        folder, name = os.path.split(m)
        if not os.path.exists(os.path.join(unit, folder, f"test_{name}.cpp")):
            out.append(f"{m}: no tests/unit/{folder}/test_{name}.cpp")
    return out


def test_the_checker_finds_a_module_without_its_test_file():
    d = made_up_tree({"src/core/a.hpp": "", "src/core/a.cpp": "", "src/core/b.hpp": "", "src/main.cpp": "",
                      "unit/core/test_a.cpp": "", "unit/test_b.cpp": ""})
    found = untested(os.path.join(d, "src"), os.path.join(d, "unit"))
    assert found == ["core/b: no tests/unit/core/test_b.cpp"], found


def test_every_module_has_its_test_file():
    found = untested(os.path.join(ROOT, "src"), os.path.join(ROOT, "tests", "unit"))
    assert not found, "\n".join(found)


MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def too_long(src):
    """Files over MAX_FILE_LINES and functions over MAX_FUNCTION_LINES under
    `src`.  A function's body opens with a brace alone on its line (the
    style of every file here; a lambda's or a class's brace ends the line
    before it) and closes at the same indent; it counts from brace to
    brace."""
    out = []
    for path in sources(src):
        text = open(os.path.join(src, path), errors="replace").read()
        if text.count("\n") > MAX_FILE_LINES:
            out.append(f"{path}: {text.count(chr(10))} lines (at most {MAX_FILE_LINES}); split it by what it does")
        lines = text.split("\n")
        for i, line in enumerate(lines):
            m = re.fullmatch(r"( *)\{", line)
            if not m:
                continue
            end = next((j for j in range(i + 1, len(lines)) if lines[j] in (m.group(1) + "}", m.group(1) + "};")), None)
            if end is not None and end - i + 1 > MAX_FUNCTION_LINES:
                name = lines[i - 1].strip() if i else ""
                out.append(f"{path}:{i}: {name[:60]} is {end - i + 1} lines (at most {MAX_FUNCTION_LINES})")
    return out


def test_the_checker_finds_a_long_file_and_a_long_function():
    body = "\n".join(["    x();"] * (MAX_FUNCTION_LINES - 2))
    d = made_up_tree({"core/ok.cpp": f"void f()\n{{\n{body}\n}}\n" + "\n" * (MAX_FILE_LINES - MAX_FUNCTION_LINES - 2),
                      "core/long.cpp": f"void g()\n{{\n{body}\n    y();\n}}\n",
                      "core/big.hpp": "\n" * (MAX_FILE_LINES + 1)})
    found = too_long(d)
    assert found == [f"core/big.hpp: {MAX_FILE_LINES + 1} lines (at most {MAX_FILE_LINES}); split it by what it does",
                     f"core/long.cpp:1: void g() is {MAX_FUNCTION_LINES + 1} lines (at most {MAX_FUNCTION_LINES})"], found


def test_src_has_no_long_file_and_no_long_function():
    found = too_long(os.path.join(ROOT, "src"))
    assert not found, "\n".join(found)


# A call that drops a result that says whether it worked, in a function of
# its own; each must fail to compile with -Werror=unused-result.
IGNORED = {
    "core/small_file.hpp": 'pdcf::write_whole_file("/tmp", "x", "");',
    "core/own_dir.hpp": 'pdcf::own_file_read("/tmp/x", 1);',
    "core/ascii.hpp": 'pdcf::parse_decimal("1", 0, 9);',
    "core/form.hpp": 'pdcf::form_decode("a=1");',
    "config/callers.hpp": 'pdcf::caller_list_parse("+1");',
    "alerts/spool.hpp": 'pdcf::Spool s("/tmp", nullptr); s.keep(pdcf::Alert{});',
    "call/webhook.hpp": 'pdcf::Prepared *p = nullptr; pdcf::prepare(*p, pdcf::Needs::webhook);',
    "config/config.hpp": 'pdcf::config_load("/etc/pd-call-forward/pd-call-forward.ini");',
}


def compiles(header, body):
    source = f'#include "{header}"\nvoid f() {{ {body} }}\n'
    p = subprocess.run(["g++", "-std=c++17", "-fsyntax-only", "-Werror=unused-result", "-I", os.path.join(ROOT, "src"),
                        "-x", "c++", "-"], input=source, capture_output=True, text=True)
    return p.returncode == 0, p.stderr


def test_a_result_that_says_what_went_wrong_cannot_be_ignored():
    for header, body in IGNORED.items():
        ok, _ = compiles(header, body)
        assert not ok, f"{header}: ignoring the result of `{body}` compiles"
    # And the same calls compile when the result is used: the test fails
    # for the attribute, not for a mistake in the snippet.
    for header, body in IGNORED.items():
        last = body.rstrip(";").split("; ")
        used = "; ".join(last[:-1] + [f"(void){last[-1]}"]) + ";"
        ok, err = compiles(header, used)
        assert ok, f"{header}: `{used}` does not compile: {err[:300]}"


TESTS = [test_the_checker_finds_an_include_that_points_up, test_the_checker_finds_a_circle_within_a_layer,
         test_the_checker_finds_a_stray_file_and_a_bare_include, test_the_checker_allows_includes_down_and_across,
         test_src_has_no_include_up_a_layer_and_no_circle, test_every_layer_has_a_folder_and_every_folder_a_layer,
         test_readme_layout_names_every_module_in_its_folder, test_the_checker_finds_a_module_without_its_test_file,
         test_every_module_has_its_test_file, test_the_checker_finds_a_long_file_and_a_long_function,
         test_src_has_no_long_file_and_no_long_function, test_a_result_that_says_what_went_wrong_cannot_be_ignored]


def main():
    passed = failed = 0
    for test in TESTS:
        try:
            test()
            passed += 1
            print(f"ok     layers: {test.__name__}", flush=True)
        except AssertionError as e:
            failed += 1
            print(f"FAILED layers: {test.__name__}: {e}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
