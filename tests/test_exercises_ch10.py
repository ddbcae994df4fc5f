"""Chapter 10 in-process: a step out of order loses points, the global RNG is left alone, and the chapter's
training really matches torch (the claim its plots make); chapter 10 trains the engine chapter 09 saved when it
passes chapter 09's checks, and otherwise falls back to the torch adapter and says why; the adapter computes what
torch does. What holds for every exercise is in test_exercises.py."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.checking.exercise import Learner, run_exercise
from autograder.tools.submissions import read, solution_answers
from conftest import solution_path
from exercise_harness import exercise_name, failures, namespace, near_miss_tests

CH = "10_train_with_your_autograd"


def test_a_step_in_the_wrong_order_loses_points():
    src = solution_answers(read(solution_path(CH)))["ex6_train"]
    lines = src.splitlines()
    i = next(k for k, line in enumerate(lines) if "zero_grad(params)" in line and "def " not in line)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]  # backward, then zero_grad: the new gradient is thrown away
    wrong = "\n".join(lines)
    assert wrong != src
    assert failures(CH, namespace(CH, {"ex6_train": wrong}), ((False, 0), (True, 1), (True, 2))) == {"ch10.train"}


def test_the_exercises_leave_the_learners_global_rng_alone():
    ns = namespace(CH)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    for gid in solution_answers(read(solution_path(CH))):
        run_exercise(exercise_name(CH, gid), Learner(ns=ns), 0, hidden=False)
    assert torch.equal(before, torch.get_rng_state())


def train_beside_torch(ns: dict, n: int, seed: int, steps: int, engine=None) -> float:
    """The notebook's train_step and torch's SGD from the same start, loss for loss; torch's last loss."""
    from autograder.checking.exercises.inputs_ch10 import make_moons
    X, y = make_moons(n, 0.1, np.random.default_rng(seed))
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).double()
    params = ns["params_from_torch"](model)
    if engine is not None:
        assert type(params[0]) is engine
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(steps):
        mine = ns["train_step"](params, X, y, 0.5)
        tl = torch.nn.functional.cross_entropy(model(torch.from_numpy(X)), torch.from_numpy(y))
        opt.zero_grad()
        tl.backward()
        opt.step()
        assert np.isclose(mine, tl.item(), rtol=1e-9, atol=0)
    return tl.item()


def test_the_solution_trains_like_torch_for_many_steps():
    assert train_beside_torch(namespace(CH), 100, 1, 100) < 0.5  # and it learned something


# ---- the engine chapter 10 trains: the learner's saved chapter-09 engine, or the torch adapter ----
CH9 = "09_mini_autograd"


def kernel_namespace(overrides: dict | None = None) -> dict:
    """Chapter 09's globals as a kernel holds them, each cell's source findable by inspect (as IPython registers it)."""
    import linecache

    from exercise_harness import _setup_source, kernel_cells
    ns: dict = {"__name__": "__main__"}
    for k, (gid, src, _answer) in enumerate([("setup", _setup_source(CH9), False)] + kernel_cells(CH9, overrides)):
        name = f"<cell {k}: {gid}>"
        linecache.cache[name] = (len(src), None, src.splitlines(True), name)
        exec(compile(src, name, "exec"), ns)
    return ns


def save(ns: dict, folder) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    exec(f"save_engine({str(folder / 'mini_autograd.py')!r})", ns)
    return (folder / "mini_autograd.py").read_text()


def test_the_committed_solution_engine_is_what_chapter_09_saves():
    # solutions/09_mini_autograd/mini_autograd.py is what the solution notebook's last cell writes: refresh ch09 if not
    from autograder.checking.saved_engine import engine_source
    from conftest import REPO
    assert engine_source(kernel_namespace()) == (REPO / "solutions" / CH9 / "mini_autograd.py").read_text()


def test_chapter_10_trains_the_saved_engine(tmp_path, monkeypatch, capsys):
    from autograder.checking.saved_engine import load_engine
    save(kernel_namespace(), tmp_path / CH9)
    assert "passes chapter 09's engine checks as a whole" in capsys.readouterr().out
    (tmp_path / CH).mkdir()
    monkeypatch.chdir(tmp_path / CH)  # chapter 10's folder, beside chapter 09's
    Tensor, no_grad, which = load_engine()
    assert which == "your engine" and Tensor.__module__.startswith("mini_autograd")
    assert "Training your own engine: ../09_mini_autograd/mini_autograd.py" in capsys.readouterr().out
    ns = namespace(CH)
    ns.update(Tensor=Tensor, no_grad=no_grad)  # as if the first cell had loaded it: the notebook's functions use it
    train_beside_torch(ns, 60, 2, 20, engine=Tensor)


def test_a_wrong_engine_is_not_trained_and_the_chapter_says_which_step_fails(tmp_path, monkeypatch, capsys):
    from autograder.checking import torch_engine
    from autograder.checking.saved_engine import load_engine
    from exercise_harness import wrong_answers
    save(kernel_namespace({"ex4_mul": wrong_answers(CH9)["ex4_mul"]}), tmp_path / CH9)
    assert "fails chapter 09's check of step `ch09.mul`" in capsys.readouterr().out
    (tmp_path / CH).mkdir()
    monkeypatch.chdir(tmp_path / CH)
    Tensor, no_grad, which = load_engine()
    assert (Tensor, no_grad, which) == (torch_engine.Tensor, torch_engine.no_grad, "the torch adapter")
    out = capsys.readouterr().out
    assert "fails chapter 09's check of step `ch09.mul`" in out and "Falling back to the course's torch adapter" in out


def test_a_missing_or_broken_engine_falls_back(tmp_path, monkeypatch, capsys):
    from autograder.checking import torch_engine
    from autograder.checking.saved_engine import load_engine
    monkeypatch.chdir(tmp_path)
    assert load_engine()[2] == "the torch adapter"
    assert "../09_mini_autograd/mini_autograd.py was not found" in capsys.readouterr().out
    (tmp_path / "mini_autograd.py").write_text("import numpy as np\nclass Tensor:\n    def __init__(self, data):\n        1 / 0\n")
    assert load_engine()[0] is torch_engine.Tensor
    assert "fails chapter 09's check of step `ch09.tensor`" in capsys.readouterr().out
    (tmp_path / "mini_autograd.py").write_text("class Tensor(:\n")
    assert load_engine()[0] is torch_engine.Tensor
    assert "does not import: SyntaxError" in capsys.readouterr().out


def test_while_graded_the_engine_file_is_never_run(tmp_path, monkeypatch, capsys):
    # grading never depends on chapter 09: a good engine beside the notebook is not loaded, and saving checks nothing
    from autograder.checking import torch_engine
    from autograder.checking.saved_engine import load_engine
    from exercise_harness import wrong_answers
    save(kernel_namespace(), tmp_path / CH9)
    monkeypatch.chdir(tmp_path / CH9)
    capsys.readouterr()
    monkeypatch.setenv("AUTOGRADER_MODE", "sandbox")
    assert load_engine(".")[:2] == (torch_engine.Tensor, torch_engine.no_grad)
    assert "this notebook is being graded" in capsys.readouterr().out
    monkeypatch.setenv("AUTOGRADER_MODE", "interactive")  # the near miss: outside grading the same file is trained
    assert load_engine(".")[2] == "your engine" and "Training your own engine" in capsys.readouterr().out
    monkeypatch.setenv("AUTOGRADER_MODE", "sandbox")
    save(kernel_namespace({"ex4_mul": wrong_answers(CH9)["ex4_mul"]}), tmp_path / CH9)
    out = capsys.readouterr().out
    assert "Saved your engine" in out and "ch09.mul" not in out and "passes chapter 09" not in out


@pytest.mark.parametrize("step", ["backward", "unary", "arith", "sum_mean", "shapes", "matmul"])
def test_the_torch_adapter_computes_what_torch_does(step):
    # the fallback engine and the grader's engine of chapter 10: chapter 09's API, torch's numbers
    from autograder.checking import torch_engine
    from autograder.checking.exercise import Rand
    from autograder.checking.graphs import run, run_torch
    from autograder.checking.random_graphs import step_graph
    for seed in range(10):
        spec = {**step_graph(Rand(seed), step), "retain": seed % 2}
        for got, want in zip(run(torch_engine.Tensor, spec), run_torch(spec)):
            assert (got is None) == (want is None) and (got is None or np.allclose(got, want, rtol=1e-12, atol=1e-12))


def test_the_learning_rate_sentence_is_true():
    # the chapter: lr=0.3 agrees with torch to rounding for 400 steps (below 1e-14); with lr=0.5 the rounding
    # differences grow from around step 140 and the curves part by step 400
    from autograder.checking.exercises.inputs_ch10 import make_moons
    from autograder.checking.saved_engine import load_engine
    from conftest import REPO
    ns = namespace(CH)
    Tensor, no_grad, which = load_engine(str(REPO / "solutions" / CH9))  # the engine the stored outputs train
    assert which == "your engine"
    ns.update(Tensor=Tensor, no_grad=no_grad)
    X, y = make_moons(200, 0.1, np.random.default_rng(0))
    gaps = {}
    for lr in (0.3, 0.5):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                                    torch.nn.Linear(16, 2)).double()
        params, opt = ns["params_from_torch"](model), torch.optim.SGD(model.parameters(), lr=lr)
        gap = []
        for _ in range(400):
            mine = ns["train_step"](params, X, y, lr)
            tl = torch.nn.functional.cross_entropy(model(torch.from_numpy(X)), torch.from_numpy(y))
            opt.zero_grad()
            tl.backward()
            opt.step()
            gap.append(abs(mine - tl.item()) / tl.item())
        gaps[lr] = np.array(gap)
    assert gaps[0.3].max() < 1e-14
    first = int(np.argmax(gaps[0.5] > 1e-9))
    assert 120 <= first <= 160 and gaps[0.5][:120].max() < 1e-12 and gaps[0.5][-1] > 1e-3, (first, gaps[0.5][-1])


SOL = solution_answers(read(solution_path(CH)))
NEAR_MISSES = {
    "the rows shifted by their min": ("ex1_cross_entropy", SOL["ex1_cross_entropy"].replace(
        "logits.data.max(axis=1, keepdims=True)", "logits.data.min(axis=1, keepdims=True)")),
    "the label's logit picked before the shift": ("ex1_cross_entropy", SOL["ex1_cross_entropy"].replace(
        "picked = (z * np.eye", "picked = (logits * np.eye")),
    "gradients zeroed, not set to None": ("ex2_predict_zero_grad", SOL["ex2_predict_zero_grad"].replace(
        "p.grad = None", "p.grad = np.zeros_like(p.data)")),
    "weight decay outside the learning rate": ("ex3_sgd_step", SOL["ex3_sgd_step"].replace(
        "p.data -= lr * (p.grad + weight_decay * p.data)", "p.data -= lr * p.grad + weight_decay * p.data")),
    "a parameter with no gradient still updated": ("ex3_sgd_step", SOL["ex3_sgd_step"].replace(
        "            if p.grad is not None:\n                p.data -= lr * (p.grad + weight_decay * p.data)",
        "            p.data -= lr * ((0.0 if p.grad is None else p.grad) + weight_decay * p.data)")),
    "W without the transpose": ("ex4_predict_weights", SOL["ex4_predict_weights"].replace(
        "p.detach().numpy().T if p.ndim == 2 else p.detach().numpy()", "p.detach().numpy()")),
    "tanh after the last layer too": ("ex5_forward", SOL["ex5_forward"].replace(
        "        if i + 2 < len(params):  # no activation after the last layer\n            h = h.tanh()", "        h = h.tanh()")),
    "backward, then zero_grad": ("ex6_train", SOL["ex6_train"].replace(
        "    zero_grad(params)  # the old gradients go before backward adds the new ones\n    loss.backward()\n",
        "    loss.backward()\n    zero_grad(params)\n")),
}
ALSO_RIGHT = {
    "the gradients cleared after the step": ("ex6_train", SOL["ex6_train"].replace(
        "    zero_grad(params)  # the old gradients go before backward adds the new ones\n    loss.backward()\n    sgd_step(params, lr)\n",
        "    loss.backward()\n    sgd_step(params, lr)\n    zero_grad(params)\n")),
    "the max shift written as a Tensor constant": ("ex1_cross_entropy", SOL["ex1_cross_entropy"].replace(
        "z = logits - logits.data.max(axis=1, keepdims=True)", "z = logits - Tensor(logits.data.max(axis=1, keepdims=True))")),
}
test_near_misses_fail_everywhere, test_other_right_answers_pass = near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)
