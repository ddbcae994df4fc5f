"""torch's side of gradient checks must never touch the tensors it is given."""
from __future__ import annotations

import torch

from autograder.checking.exercise import Rand
from autograder.checking.grads import autograd, leaf, random_leaf


def test_leaf_is_a_fresh_leaf_on_its_own_storage():
    x = torch.arange(3.0, requires_grad=True) * 2  # a non-leaf
    y = leaf(x)
    assert y.is_leaf and y.requires_grad and y.grad is None
    assert y.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()
    assert torch.equal(y.detach(), x.detach())


def test_autograd_leaves_the_inputs_grad_alone():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = torch.tensor([3.0, 4.0], requires_grad=True)
    gx, gz = autograd(torch.dot, x, z)
    assert torch.equal(gx, z.detach()) and torch.equal(gz, x.detach())
    assert x.grad is None and z.grad is None  # a reference computed on x itself would have filled these


def test_autograd_weights_a_non_scalar_output():
    x = torch.tensor([1.0, 2.0, 3.0])
    (g,) = autograd(lambda t: t ** 2, x, grad_outputs=torch.tensor([1.0, 0.0, 2.0]))
    assert torch.equal(g, torch.tensor([2.0, 0.0, 12.0]))


def test_random_leaf_is_seeded():
    a, b = random_leaf(Rand(3)), random_leaf(Rand(3))
    assert a.is_leaf and a.requires_grad and torch.equal(a.detach(), b.detach())
