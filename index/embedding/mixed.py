"""Mixed precision: the model's linear layers multiply in bfloat16, everything else stays float32.

The linear layers are three quarters of the model's time, and on a CPU with native bfloat16
(AVX512-BF16, AMX) they run twice as fast in it, each row of the product to the same bit whatever
rows share the call. Embeddings, layer norms, attention, activations, residual sums and pooling stay
float32: a whole model in bfloat16 rounds every sum to 8 bits, and its small ops ran slower than in
float32, so that a whole-bfloat16 question was slower than a float32 one (README, Performance).

oneDNN, which runs the bfloat16 products, keeps compiled kernels for every row count it has seen,
about a megabyte each, so a process that met every batch size grew without bound. So a product's
rows are padded up to one of a few sizes (`padded_rows`), and its memory stays bounded.
The padding rows are zeros, computed and dropped; the real rows come out the same to the bit.
"""

from __future__ import annotations

import torch


class BFloat16Linear(torch.nn.Module):
    """A linear layer that multiplies in bfloat16 and adds its bias in float32; float32 in and out."""

    def __init__(self, linear: torch.nn.Linear) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(linear.weight.detach().to(torch.bfloat16), requires_grad=False)
        bias = linear.bias
        self.bias = None if bias is None else torch.nn.Parameter(bias.detach().float(), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, x.shape[-1])
        count = rows.shape[0]
        padded = torch.empty(padded_rows(count), rows.shape[1], dtype=torch.bfloat16)
        padded[:count].copy_(rows)  # cast and copy in one pass
        padded[count:].zero_()
        product = torch.nn.functional.linear(padded, self.weight)[:count].float().unflatten(0, x.shape[:-1])
        bias = self.bias  # a local, which TorchScript can see is not None past the test
        return product if bias is None else product.add_(bias)


def padded_rows(count: int) -> int:
    """`count` rounded up to a multiple of 16, or past 256 of an eighth of its power of two: 40 sizes up to 2048."""
    step = 16
    if count > 256:
        power = 1  # the power of two just above count (TorchScript has no int.bit_length)
        while power <= count:
            power *= 2
        step = power // 16
    return (count + step - 1) // step * step


def bfloat16_linears(model: torch.nn.Module) -> None:
    """Replace every linear layer of `model` by a BFloat16Linear, in place."""
    for name, child in list(model.named_children()):
        if isinstance(child, torch.nn.Linear):
            setattr(model, name, BFloat16Linear(child))
        else:
            bfloat16_linears(child)
