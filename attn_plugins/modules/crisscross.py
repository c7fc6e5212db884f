"""CCNet's recurrent criss-cross attention (Huang, Wang, Wei, Huang, Shi, Liu, Huang; ICCV 2019 /
TPAMI 2020; arXiv 1811.11721), built on mmcv's ``CrissCrossAttention``."""
import torch
from mmengine.registry import MODELS

from ._base import AttentionModule
from ._utils import in_channels_arg, positive_int


@MODELS.register_module()
class CrissCross(AttentionModule):
    """Recurrent Criss-Cross Attention (RCCA): mmcv's ``CrissCrossAttention`` applied R times with
    shared weights.

    One pass: ``q, k = W_{q,k} x`` (1×1 conv C → C/8, bias), ``v = W_v x`` (C → C, bias); for
    each pixel u, one softmax over the energies ``q_uᵀ k_j`` of the H + W − 1 pixels j in its row
    and column (u itself once), ``out_u = γ · Σ_j A_uj v_j + x_u`` with γ = 0 at initialisation
    (identity). R = 2 passes (``recurrence``, the paper's RCCA) reach every pixel. Parameters
    ``1.25C² + 1.25C + 1`` whatever R is; memory O(H·W·(H+W)).

    This is mmcv's ``mmcv.ops.CrissCrossAttention`` itself (pure PyTorch since mmcv 1.3.13, the
    port of speedinghzl/CCNet's CUDA op; mmcv registers it as a plugin layer), held as ``cca`` (the
    name mmseg's ``CCHead`` uses) and applied ``recurrence`` times as ``CCHead`` does. What this
    class adds is the plugin contract (``in_channels`` first, the recurrence argument, the
    catalogue entry, an input check) and the reference initialisation: PyTorch's default for the
    three convs and γ = 0 (mmcv's ``Scale(0.)``).

    Args:
        in_channels: C (at least 8: the query/key width is C // 8).
        recurrence: R, the number of passes with shared weights (paper: 2).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'cc'
    paper = 'CCNet: Criss-Cross Attention for Semantic Segmentation'
    venue = 'ICCV 2019 / TPAMI 2020'
    arxiv = '1811.11721'
    year = 2019
    placement = ('a head on the dilated ResNet\'s last stage in the paper (RCCA, R=2); as a '
                 'backbone plugin: after res4 and res5 (after_stage of layer3 and layer4); '
                 'identity at init (γ = 0)')
    reference = 'mmcv.ops.CrissCrossAttention (as in mmseg CCHead); speedinghzl/CCNet'

    def __init__(self, in_channels: int, recurrence: int = 2, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('CrissCross', in_channels)
        positive_int('CrissCross', 'recurrence', recurrence, 'the paper uses 2 (RCCA)')
        if in_channels < 8:
            raise ValueError(f'CrissCross: in_channels={in_channels} < 8, so the query/key width '
                             f'in_channels // 8 would be 0; use it on maps of >= 8 channels')
        from mmcv.ops import CrissCrossAttention  # compiled-ops package: imported when used
        self.in_channels = in_channels
        self.recurrence = recurrence
        self.cca = CrissCrossAttention(in_channels)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for conv in (self.cca.query_conv, self.cca.key_conv, self.cca.value_conv):
            conv.reset_parameters()
        torch.nn.init.zeros_(self.cca.gamma.scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        for _ in range(self.recurrence):
            x = self.cca(x)
        return x
