"""BAM: Bottleneck Attention Module (Park, Woo, Lee, Kweon; BMVC 2018; arXiv 1807.06514)."""
import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import pool_hw

BAM_FUSIONS = ('sum', 'product')


@MODELS.register_module()
class BAM(AttentionModule):
    """Bottleneck Attention Module: parallel channel and spatial branches, residual-style gate.

    ``M(F) = σ(M_c(F) + M_s(F))`` (paper Eq. 2, broadcast (B,C,1,1) + (B,1,H,W)),
    ``out = F ⊙ (1 + M(F))``.

    ``M_c = Linear(C/r, C) ∘ ReLU ∘ BN1d ∘ Linear(C, C/r) ∘ GAP``;
    ``M_s = Conv1×1(C/r→1) ∘ [ReLU ∘ BN ∘ Conv3×3(dilation d)]×n ∘ ReLU ∘ BN ∘ Conv1×1(C→C/r)``,
    all linear layers and convs with bias. Parameters per module, with h = C // r and n = 2:
    3Ch + 18h² + 13h + C + 1 (ResNet-50, one module after each of layer1–3 at C = 256/512/1024:
    +358,067 → 25,915,099).

    Matches ``Jongchan/attention-module`` (``MODELS/bam.py``) in structure (r = 16, dilation 4,
    two dilated convs, default BN momentum) and initialisation (the reference ``ResNet.__init__``:
    conv weights kaiming-normal ``mode='fan_out'``, every BN weight 1 — BAM has no "SpatialGate" key —
    every bias 0, Linear weights PyTorch's default).

    Deliberate deviations, each documented:

    - ``fusion='sum'`` (default) follows the **paper** (Eq. 2). The official code **multiplies** the
      two maps, ``1 + σ(M_c ⊙ M_s)`` (attention-module #52, PytorchInsight #19, imgclsmob #78); use
      ``fusion='product'`` to match it (e.g. for the official checkpoints).
    - Channel pooling is a true global average over H×W (fp32 accumulation); the official
      ``avg_pool2d(x, x.size(2))`` uses a square H×H kernel, which is wrong or crashes for H ≠ W
      (detection/segmentation inputs).
    - The official ``ChannelGate.__init__`` raises ``NameError`` (undefined ``gate_activation``,
      #27, #12); there is no such attribute here.

    Note: the channel branch's ``BatchNorm1d`` normalises over the batch only, so a forward pass in
    **training mode with batch size 1** raises PyTorch's "Expected more than 1 value per channel"
    error (as in the reference); eval mode with batch 1 works. Train with at least 2 samples per
    GPU when using BAM.

    Args:
        in_channels: C.
        reduction: r; the hidden width is ``C // r`` (must be ≥ 1).
        dilation: dilation (and padding) of the 3×3 convs in the spatial branch.
        num_dilated_convs: number of dilated 3×3 conv-BN-ReLU layers in the spatial branch.
        fusion: ``'sum'`` (paper Eq. 2) or ``'product'`` (official code).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'bam'
    paper = 'BAM: Bottleneck Attention Module'
    venue = 'BMVC 2018'
    arxiv = '1807.06514'
    year = 2018
    placement = ('ResNet: between stages, one module after each of layer1, layer2 and layer3 '
                 '(not inside blocks, none after layer4)')
    reference = 'Jongchan/attention-module (MODELS/bam.py, MODELS/model_resnet.py)'

    def __init__(self, in_channels: int, reduction: int = 16, dilation: int = 4,
                 num_dilated_convs: int = 2, fusion: str = 'sum', init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError(f'BAM: in_channels must be a positive integer, got {in_channels!r}')
        if not isinstance(reduction, int) or reduction < 1:
            raise ValueError(f'BAM: reduction must be a positive integer, got {reduction!r} '
                             f'(the paper uses 16)')
        if reduction > in_channels:
            raise ValueError(f'BAM: reduction={reduction} is larger than in_channels={in_channels}, '
                             f'so the hidden width {in_channels}//{reduction} would be 0; '
                             f'use reduction <= {in_channels}')
        if not isinstance(dilation, int) or dilation < 1:
            raise ValueError(f'BAM: dilation must be a positive integer, got {dilation!r} '
                             f'(the paper uses 4)')
        if not isinstance(num_dilated_convs, int) or num_dilated_convs < 0:
            raise ValueError(f'BAM: num_dilated_convs must be an integer >= 0, got '
                             f'{num_dilated_convs!r} (the paper uses 2)')
        if fusion not in BAM_FUSIONS:
            raise ValueError(f"BAM: fusion={fusion!r} is not one of {BAM_FUSIONS}; 'sum' is the "
                             f"paper's Eq. 2, 'product' the official code")
        self.in_channels = in_channels
        self.reduction = reduction
        self.fusion = fusion
        hidden = in_channels // reduction
        # channel branch
        self.channel_fc1 = nn.Linear(in_channels, hidden)
        self.channel_bn = nn.BatchNorm1d(hidden)
        self.channel_fc2 = nn.Linear(hidden, in_channels)
        # spatial branch
        layers = [nn.Conv2d(in_channels, hidden, 1), nn.BatchNorm2d(hidden), nn.ReLU(inplace=True)]
        for _ in range(num_dilated_convs):
            layers += [nn.Conv2d(hidden, hidden, 3, padding=dilation, dilation=dilation),
                       nn.BatchNorm2d(hidden), nn.ReLU(inplace=True)]
        layers.append(nn.Conv2d(hidden, 1, 1))
        self.spatial = nn.Sequential(*layers)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for fc in (self.channel_fc1, self.channel_fc2):
            fc.reset_parameters()
            nn.init.zeros_(fc.bias)
        for m in [self.channel_bn, *self.spatial]:
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out')
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.reset_parameters()  # weight 1, bias 0, running statistics reset

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        c = self.channel_fc2(torch.relu(self.channel_bn(self.channel_fc1(pool_hw(x).flatten(1)))))
        c = c[:, :, None, None]                     # (B, C, 1, 1)
        s = self.spatial(x)                         # (B, 1, H, W)
        m = c + s if self.fusion == 'sum' else c * s
        return x * (1 + torch.sigmoid(m)).to(x.dtype)
