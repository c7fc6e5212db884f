"""SE: Squeeze-and-Excitation (Hu, Shen, Sun; CVPR 2018; arXiv 1709.01507)."""
import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import as_dtype, in_channels_arg, pool_hw, positive_int


@MODELS.register_module()
class SE(AttentionModule):
    """Squeeze-and-Excitation block.

    ``s = σ(W₂ δ(W₁ GAP(x) + b₁) + b₂)``, ``out = x ⊙ s`` with ``W₁ ∈ R^{C/r×C}``, ``W₂ ∈ R^{C×C/r}``.

    Matches the official Caffe models (hujie-frank/SENet ``SE-ResNet-50.prototxt``): two FC layers
    (as 1×1 convs) **with** biases, r = 16, 2C²/r + C/r + C parameters (ResNet-50: 28,088,024).
    ``bias=False`` gives the bias-free variant of moskomule/senet.pytorch, which is what the GAM
    paper's "+SE 26.22M" CIFAR row counts. Initialisation: PyTorch's default for the FC layers, as in
    the PyTorch references.

    Args:
        in_channels: C.
        reduction: r; the hidden width is ``max(1, C // r)``.
        bias: FC biases (official Caffe) or none (senet.pytorch).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'se'
    paper = 'Squeeze-and-Excitation Networks'
    venue = 'CVPR 2018'
    arxiv = '1709.01507'
    year = 2018
    placement = 'ResNet: after the last BN of every block, before the residual add'
    reference = 'hujie-frank/SENet (Caffe), moskomule/senet.pytorch'

    def __init__(self, in_channels: int, reduction: int = 16, bias: bool = True, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('SE', in_channels)
        positive_int('SE', 'reduction', reduction, 'the paper uses 16')
        self.in_channels = in_channels
        hidden = max(1, in_channels // reduction)
        self.fc1 = nn.Conv2d(in_channels, hidden, 1, bias=bias)
        self.act = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(hidden, in_channels, 1, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.fc1.reset_parameters()
        self.fc2.reset_parameters()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        s = self.fc2(self.act(self.fc1(pool_hw(x))))
        return x * as_dtype(torch.sigmoid(s), x.dtype)
