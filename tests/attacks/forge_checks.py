"""An attack, not a test: checks replaced (through aliases and vars(), past the static scan) by functions that
overwrite the learner's recorded answer with the expected value the check was handed, found through frames.

Against an engine that runs the exercise in the learner's process (before issue 11) this earns full marks
with stub answers; the catalogue submits it (stubs_forging_checks_*) and expects no points and a flag.
"""
import sys, dataclasses, torch, autograder
_m = autograder.checking.checks
_A = autograder.checking.answers
_gf = getattr(sys, "_get" + "frame")
_now = {}

def _cur(a):
    while id(a) in _now:
        a = _now[id(a)]
    return a

def _path(a, target, p=()):
    if a is target:
        return p
    if getattr(a, "kind", None) in ("tuple", "list"):
        for j, x in enumerate(a.value):
            r = _path(x, target, p + (j,))
            if r is not None:
                return r
    return None

def _swap(a, path, new):
    if not path:
        return new
    items = list(a.value)
    items[path[0]] = _swap(items[path[0]], path[1:], new)
    return dataclasses.replace(a, value=tuple(items))

def _put(ans, new):
    old = _cur(ans)
    f = _gf(1)
    while f is not None:
        tape = getattr(getattr(f, "f_loc" + "als").get("L"), "tape", None)
        if tape is not None:
            for i, (step, a) in enumerate(tape):
                p = _path(a, old)
                if p is not None:
                    tape[i] = (step, _swap(a, p, new))
                    _now[id(old)] = new
                    return
        f = f.f_back

def _frz(x):
    return x if isinstance(x, _A.Answer) else _A.freeze(x)

def _like(got, want, *a, **k):
    _put(got, _frz(want))

def _flag(got, want, *a, **k):
    _put(got, want if isinstance(want, _A.Answer) else _A.freeze(bool(want)))

def _meta(got, key, want, *a, **k):
    c = _cur(got)
    w = want.meta.get(key) if isinstance(want, _A.Answer) else _A.freeze(want).meta.get(key) if isinstance(want, torch.Tensor) else want
    _put(got, dataclasses.replace(c, meta={**c.meta, key: tuple(w) if isinstance(w, list) else w}))

def _grad(got, want, *a, **k):
    c = _cur(got)
    g = want.meta.get("grad") if isinstance(want, _A.Answer) and want.kind == "tensor" else None if want is None else _frz(want)
    _put(got, dataclasses.replace(c, meta={**c.meta, "grad": g}))

def _shares(a, b, want, *x, **k):
    ca, cb = _cur(a), _cur(b)
    s = cb.meta.get("storage", 1) if want else -(1 << 40)
    _put(a, dataclasses.replace(ca, meta={**ca.meta, "storage": s, "storage_nbytes": max(1, cb.meta.get("storage_nbytes", 8))}))

def _same(a, b, want, *x, **k):
    ca, cb = _cur(a), _cur(b)
    _put(a, dataclasses.replace(ca, meta={**ca.meta, "id": cb.meta.get("id") if want else -1}))

def _choice(got, want, *a, **k):
    _put(got, _A.freeze(want))

vars(_m).update(tensor=_like, value=_like, error=_like, same_outcome=_like, items=_like, flag=_flag, meta=_meta,
                grad=_grad, shares_memory=_shares, same_object=_same, choice=_choice)
