"""Static scan of the learner's cells: code that reaches for the grader's machinery is flagged.

Verdicts are decided outside the learner's process, so tampering there cannot change how an
answer is judged; but it can change which answers get recorded (e.g. patching the freezing
accessors). Such code is rare in honest work, so it goes to a human instead of being scored.
"""
from __future__ import annotations

import ast

# Module names whose attributes a learner has no reason to assign.
GUARDED = {"torch", "numpy", "np", "builtins", "__builtins__", "autograder", "IPython", "sys", "os", "io",
           "warnings", "signal", "json", "math", "random", "importlib", "inspect", "types"}
BANNED_IMPORTS = {"ctypes", "gc", "importlib", "inspect", "cffi", "_ctypes", "ptrace", "autograder.grading", "autograder.tools",
                  "autograder.checking.answers", "autograder.checking.checks", "autograder.checking.memory_checks",
                  "autograder.checking.exercise"}
# exec/eval/__import__ would hide everything else from this scan.
BANNED_NAMES = {"get_ipython", "__builtins__", "__import__", "exec", "eval", "__subclasses__", "__globals__"}
MAGIC_CALLS = {"run_line_magic", "run_cell_magic", "system", "getoutput"}
BANNED_ATTRS = {"input_transformers_cleanup", "input_transformers_post", "input_transformer_manager",
                "set_custom_exc", "register_magic_function", "ast_transformers", "settrace", "setprofile",
                "_getframe", "_showtraceback", "f_globals", "f_locals", "__globals__", "__subclasses__"}


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def scan_source(source: str) -> list[str]:
    """Reasons this cell needs a human, or [] (also for cells that do not parse: those just fail)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except Exception:
        pass
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    aliases = set(GUARDED)
    found: list[str] = []
    magic = set()  # get_ipython() calls IPython itself wrote for %magics and !commands
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MAGIC_CALLS and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "get_ipython":
            magic.add(id(node.value.func))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mod = node.module if isinstance(node, ast.ImportFrom) else None
            for alias in node.names:
                full = f"{mod}.{alias.name}" if mod else alias.name
                if any(full == b or full.startswith(b + ".") for b in BANNED_IMPORTS) or (mod or "").split(".")[0] in ("ctypes", "gc"):
                    found.append(f"imports {full}")
                if (mod or alias.name).split(".")[0] in GUARDED:
                    aliases.add(alias.asname or alias.name.split(".")[0])
        targets: list[ast.AST] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for t in targets:
            for sub in ast.walk(t):
                if isinstance(sub, (ast.Attribute, ast.Subscript)) and _root(sub) in aliases:
                    found.append(f"assigns into {ast.unparse(sub)}")
                    break
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr") \
                and node.args and _root(node.args[0]) in aliases:
            found.append(f"{node.func.id} on {ast.unparse(node.args[0])}")
        if isinstance(node, ast.Attribute) and node.attr == "modules" and _root(node) == "sys":
            found.append("uses sys.modules")
        if isinstance(node, ast.Name) and node.id in BANNED_NAMES and id(node) not in magic:
            found.append(f"uses {node.id}")
        if isinstance(node, ast.Attribute) and node.attr in BANNED_ATTRS:
            found.append(f"uses .{node.attr}")
    return sorted(set(found))
