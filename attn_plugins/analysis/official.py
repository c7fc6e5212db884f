"""Plain restatements of the official op sequences, as benchmark peers for the modules that no
library ships.

Each peer is written here, op for op in the order of the reference implementation named in its
docstring (the same tensor operations, the same intermediate tensors, no fp32 casts, no fusions),
and takes its weights from one of our modules (``from_ours``), so the benchmark can check that the
outputs agree and then time the two interleaved. They answer "what would the authors' code cost
here", not "what is the fastest way": where our module differs in speed, the difference is ours.

Deviations a restatement has to make to run at all are listed in its docstring (BAM's square
pooling kernel, FcaNet's and GE's pooling to the kernel size, the fusion choice where ours
follows the paper).
"""
from typing import Callable, Dict, Tuple

import torch
import torch.nn.functional as F
from torch import nn


class OfficialBAM(nn.Module):
    """Jongchan/attention-module ``MODELS/bam.py``: ChannelGate (``avg_pool2d`` over the map →
    Flatten → Linear → BN1d → ReLU → Linear → expand_as) and SpatialGate (1×1 reduce → BN → ReLU →
    [dilated 3×3 → BN → ReLU]×n → 1×1 → expand_as), ``att = 1 + σ(c ∘ s)``, ``x * att``. The
    reference pools with a square ``x.size(2)`` kernel; here the (H, W) kernel it means; ``∘`` is
    our module's fusion (the official code multiplies, the paper adds) so the values agree."""

    def __init__(self, ours):
        super().__init__()
        self.fusion = ours.fusion
        self.channel = nn.Sequential(nn.Flatten(), ours.channel_fc1, ours.channel_bn, nn.ReLU(),
                                     ours.channel_fc2)
        self.spatial = ours.spatial

    def forward(self, x):
        avg = F.avg_pool2d(x, (x.size(2), x.size(3)), stride=(x.size(2), x.size(3)))
        c = self.channel(avg).unsqueeze(2).unsqueeze(3).expand_as(x)
        s = self.spatial(x).expand_as(x)
        att = 1 + torch.sigmoid(c + s if self.fusion == 'sum' else c * s)
        return x * att


class OfficialGCT(nn.Module):
    """z-x-yang/GCT ``PyTorch/GCT.py`` (mode 'l2'): ``(x.pow(2).sum((2, 3)) + ε).pow(0.5) · α``,
    ``γ / (emb.pow(2).mean(1) + ε).pow(0.5)``, ``x · (1 + tanh(emb · norm + β))``."""

    def __init__(self, ours):
        super().__init__()
        if ours.mode != 'l2':
            raise ValueError("the official-op peer restates mode='l2'")
        self.alpha, self.gamma, self.beta = ours.alpha, ours.gamma, ours.beta
        self.epsilon = ours.epsilon

    def forward(self, x):
        embedding = (x.pow(2).sum((2, 3), keepdim=True) + self.epsilon).pow(0.5) * self.alpha
        norm = self.gamma / (embedding.pow(2).mean(dim=1, keepdim=True) + self.epsilon).pow(0.5)
        gate = 1. + torch.tanh(embedding * norm + self.beta)
        return x * gate


class OfficialSGE(nn.Module):
    """implus/PytorchInsight ``SpatialGroupEnhance``: view (B·G, C/G, H, W), ``x * avg_pool(x)``,
    sum over channels, centre, ``t / (t.std() + 1e-5)``, ``t · w + b``, ``x * σ(t)``."""

    def __init__(self, ours):
        super().__init__()
        self.groups = ours.groups
        self.weight, self.bias = ours.weight, ours.bias
        self.avg_pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        b, c, h, w = x.size()
        x = x.view(b * self.groups, -1, h, w)
        xn = x * self.avg_pool(x)
        xn = xn.sum(dim=1, keepdim=True)
        t = xn.view(b * self.groups, -1)
        t = t - t.mean(dim=1, keepdim=True)
        std = t.std(dim=1, keepdim=True) + 1e-5
        t = t / std
        t = t.view(b, self.groups, h, w)
        t = t * self.weight + self.bias
        t = t.view(b * self.groups, 1, h, w)
        x = x * torch.sigmoid(t)
        return x.view(b, c, h, w)


class OfficialSA(nn.Module):
    """wofmanaf/SA-Net ``sa_layer``: reshape (B·G, C/G, H, W), chunk into halves; channel half
    ``x₀ · σ(c_w · avg_pool(x₀) + c_b)``; spatial half ``x₁ · σ(s_w · GN(x₁) + s_b)``; cat, reshape,
    ``channel_shuffle(out, 2)`` (reshape → permute → reshape)."""

    def __init__(self, ours):
        super().__init__()
        self.groups = ours.groups
        self.cweight, self.cbias = ours.cweight, ours.cbias
        self.sweight, self.sbias = ours.sweight, ours.sbias
        self.gn = ours.gn
        self.avg_pool = nn.AdaptiveAvgPool2d(1)

    @staticmethod
    def channel_shuffle(x, groups):
        b, c, h, w = x.shape
        x = x.reshape(b, groups, -1, h, w).permute(0, 2, 1, 3, 4)
        return x.reshape(b, -1, h, w)

    def forward(self, x):
        b, c, h, w = x.shape
        x = x.reshape(b * self.groups, -1, h, w)
        x_0, x_1 = x.chunk(2, dim=1)
        xn = self.avg_pool(x_0)
        xn = self.cweight * xn + self.cbias
        xn = x_0 * torch.sigmoid(xn)
        xs = self.gn(x_1)
        xs = self.sweight * xs + self.sbias
        xs = x_1 * torch.sigmoid(xs)
        out = torch.cat([xn, xs], dim=1)
        out = out.reshape(b, -1, h, w)
        return self.channel_shuffle(out, 2)


class OfficialTriplet(nn.Module):
    """landskape-ai/triplet-attention ``triplet_attention.py``: per branch, permute(...)
    .contiguous(), Z-pool ``cat(max(x, 1)[0], mean(x, 1))``, conv → BN → σ, ``x * scale``, permute
    back .contiguous(); ``1/3 (hw + cw + hc)``."""

    def __init__(self, ours):
        super().__init__()
        if ours.no_spatial:
            raise ValueError('the official-op peer restates the three-branch module')
        self.cw, self.hc, self.hw = ours.cw.conv, ours.hc.conv, ours.hw.conv

    @staticmethod
    def gate(conv, x):
        z = torch.cat((torch.max(x, 1)[0].unsqueeze(1), torch.mean(x, 1).unsqueeze(1)), dim=1)
        return x * torch.sigmoid(conv(z))

    def forward(self, x):
        x_out11 = self.gate(self.cw, x.permute(0, 2, 1, 3).contiguous())
        x_out11 = x_out11.permute(0, 2, 1, 3).contiguous()
        x_out21 = self.gate(self.hc, x.permute(0, 3, 2, 1).contiguous())
        x_out21 = x_out21.permute(0, 3, 2, 1).contiguous()
        x_out = self.gate(self.hw, x)
        return 1 / 3 * (x_out + x_out11 + x_out21)


class OfficialSimAM(nn.Module):
    """ZjjConan/SimAM ``simam_module``: ``d = (x − mean).pow(2)``,
    ``y = d / (4 (d.sum() / n + λ)) + 0.5``, ``x * σ(y)``."""

    def __init__(self, ours):
        super().__init__()
        self.e_lambda = ours.e_lambda

    def forward(self, x):
        b, c, h, w = x.size()
        n = w * h - 1
        x_minus_mu_square = (x - x.mean(dim=[2, 3], keepdim=True)).pow(2)
        y = x_minus_mu_square / (4 * (x_minus_mu_square.sum(dim=[2, 3], keepdim=True) / n
                                      + self.e_lambda)) + 0.5
        return x * torch.sigmoid(y)


class OfficialFcaNet(nn.Module):
    """cfzd/FcaNet ``MultiSpectralAttentionLayer``: ``adaptive_avg_pool2d`` to (D, D) when the map
    differs, ``(x * weight).sum((2, 3))`` with the C×D×D DCT buffer, FC → ReLU → FC → σ,
    ``x * y.expand_as(x)``."""

    def __init__(self, ours):
        super().__init__()
        d = ours.dct_size
        self.dct = d
        part = ours.in_channels // ours.num_freq
        basis = torch.einsum('nh,nw->nhw', ours.dct_u, ours.dct_v)
        self.register_buffer('weight', basis.repeat_interleave(part, dim=0))
        self.fc = nn.Sequential(ours.fc[0], nn.ReLU(inplace=True), ours.fc[2], nn.Sigmoid())

    def forward(self, x):
        n, c, h, w = x.shape
        x_pooled = x
        if h != self.dct or w != self.dct:
            x_pooled = F.adaptive_avg_pool2d(x, (self.dct, self.dct))
        y = torch.sum(x_pooled * self.weight, dim=[2, 3])
        y = self.fc(y).view(n, c, 1, 1)
        return x * y.expand_as(x)


class OfficialEMA(nn.Module):
    """YOLOonMe/EMA-attention-module ``EMA``: reshape into groups, AdaptiveAvgPool strips, 1×1 conv
    on their concat, split, GN of the re-weighted group, 3×3 conv, two softmax(GAP)·map products,
    ``σ`` gate."""

    def __init__(self, ours):
        super().__init__()
        self.groups = ours.groups
        self.conv1x1, self.conv3x3, self.gn = ours.conv1x1, ours.conv3x3, ours.gn
        self.softmax = nn.Softmax(-1)
        self.agp = nn.AdaptiveAvgPool2d((1, 1))
        self.pool_h = nn.AdaptiveAvgPool2d((None, 1))
        self.pool_w = nn.AdaptiveAvgPool2d((1, None))

    def forward(self, x):
        b, c, h, w = x.size()
        group_x = x.reshape(b * self.groups, -1, h, w)
        x_h = self.pool_h(group_x)
        x_w = self.pool_w(group_x).permute(0, 1, 3, 2)
        hw = self.conv1x1(torch.cat([x_h, x_w], dim=2))
        x_h, x_w = torch.split(hw, [h, w], dim=2)
        x1 = self.gn(group_x * x_h.sigmoid() * x_w.permute(0, 1, 3, 2).sigmoid())
        x2 = self.conv3x3(group_x)
        x11 = self.softmax(self.agp(x1).reshape(b * self.groups, -1, 1).permute(0, 2, 1))
        x12 = x2.reshape(b * self.groups, c // self.groups, -1)
        x21 = self.softmax(self.agp(x2).reshape(b * self.groups, -1, 1).permute(0, 2, 1))
        x22 = x1.reshape(b * self.groups, c // self.groups, -1)
        weights = (torch.matmul(x11, x12) + torch.matmul(x21, x22)).reshape(b * self.groups, 1,
                                                                            h, w)
        return (group_x * weights.sigmoid()).reshape(b, c, h, w)


class OfficialMCA(nn.Module):
    """CSDLLab/MCA ``MomentAttention_v1`` / ``_v2``: mean and std (``torch.std(unbiased=False)``)
    or skewness, permute to (B, 2, C), Conv1d → σ, permute back, ``x * result.expand_as(x)``."""

    def __init__(self, ours):
        super().__init__()
        self.variant = ours.variant
        self.conv = ours.conv

    def forward(self, x):
        if self.variant == 'E':
            avg_x = torch.mean(x, (2, 3)).unsqueeze(-1).permute(0, 2, 1)
            std_x = torch.std(x, (2, 3), unbiased=False).unsqueeze(-1).permute(0, 2, 1)
            y = torch.cat((avg_x, std_x), dim=1)
        else:
            n = x.shape[2] * x.shape[3]
            avg_x = torch.mean(x, (2, 3), keepdim=True)
            std_x = torch.std(x, (2, 3), unbiased=False, keepdim=True)
            skew_x = torch.sum(1 / n * (x - avg_x) ** 3, (2, 3), keepdim=True) / (std_x ** 3 + 1e-5)
            y = torch.cat((avg_x.squeeze(-1).permute(0, 2, 1),
                           skew_x.squeeze(-1).permute(0, 2, 1)), dim=1)
        result = torch.sigmoid(self.conv(y)).permute(0, 2, 1).unsqueeze(-1)
        return x * result.expand_as(x)


class OfficialSRM(nn.Module):
    """hyunjaelee410/style-based-recalibration-module ``SRMLayer``: view (N, C, −1), mean and
    ``(var + ε).sqrt()``, cat, ``t * cfc``, sum, BN, σ, ``x * g``."""

    def __init__(self, ours):
        super().__init__()
        self.cfc, self.bn = ours.cfc, ours.bn

    def forward(self, x, eps=1e-5):
        n, c, _, _ = x.size()
        channel_mean = x.view(n, c, -1).mean(dim=2, keepdim=True)
        channel_var = x.view(n, c, -1).var(dim=2, keepdim=True) + eps
        channel_std = channel_var.sqrt()
        t = torch.cat((channel_mean, channel_std), dim=2)
        z = t * self.cfc[None, :, :]
        z = torch.sum(z, dim=2)[:, :, None, None]
        return x * torch.sigmoid(self.bn(z))


class OfficialGE(nn.Module):
    """hujie-frank/GENet ``RN50-GEP*.prototxt`` in PyTorch: global pooling (θ⁻) or the depthwise
    global conv → BN (θ) → ReLU → 1×1 → ReLU → 1×1 (θ⁺), sigmoid, Axpy's multiply. The Caffe nets
    only run at the training size; at others the map is first average-pooled to the kernel size,
    as ours (and FcaNet's detection path)."""

    def __init__(self, ours):
        super().__init__()
        self.variant, self.k = ours.variant, ours.global_size
        if self.variant != 'theta-':
            self.gather = nn.Sequential(ours.gather_conv, ours.gather_bn)
        if self.variant == 'theta+':
            self.excite = nn.Sequential(nn.ReLU(inplace=True), ours.excite_fc1,
                                        nn.ReLU(inplace=True), ours.excite_fc2)

    def forward(self, x):
        if self.variant == 'theta-':
            g = F.adaptive_avg_pool2d(x, 1)
        else:
            xp = x if x.shape[2:] == (self.k, self.k) else F.adaptive_avg_pool2d(x, self.k)
            g = self.gather(xp)
            if self.variant == 'theta+':
                g = self.excite(g)
        return x * torch.sigmoid(g)


class OfficialEPSA(nn.Module):
    """murufeng/EPSANet ``PSAModule``: four convs on the whole input, ``cat`` and ``view`` to
    (B, 4, C/4, H, W), the SE called on each branch, ``cat``, ``view``, softmax over branches,
    ``feats * attention``, concatenation in reversed order by a loop of ``cat``."""

    def __init__(self, ours):
        super().__init__()
        self.convs = nn.ModuleList(ours.branches())
        self.se = ours.se
        self.split_channel = ours.split_channels

    def _se(self, t):
        return self.se(F.adaptive_avg_pool2d(t, 1))

    def forward(self, x):
        b = x.shape[0]
        xs = [conv(x) for conv in self.convs]
        s = len(xs)
        feats = torch.cat(xs, dim=1)
        feats = feats.view(b, s, self.split_channel, feats.shape[2], feats.shape[3])
        x_se = torch.cat([self._se(t) for t in xs], dim=1)
        attention_vectors = torch.softmax(x_se.view(b, s, self.split_channel, 1, 1), dim=1)
        feats_weight = feats * attention_vectors
        out = None
        for i in range(s):
            x_se_weight_fp = feats_weight[:, i, :, :]
            out = x_se_weight_fp if i == 0 else torch.cat((x_se_weight_fp, out), 1)
        return out


class OfficialPAM(nn.Module):
    """junfu1115/DANet ``PAM_Module``: view/permute query, ``bmm`` energy, softmax, ``bmm`` with
    the value, ``γ · out + x``."""

    def __init__(self, ours):
        super().__init__()
        self.query_conv, self.key_conv = ours.query_conv, ours.key_conv
        self.value_conv, self.gamma = ours.value_conv, ours.gamma

    def forward(self, x):
        m, c, height, width = x.size()
        proj_query = self.query_conv(x).view(m, -1, width * height).permute(0, 2, 1)
        proj_key = self.key_conv(x).view(m, -1, width * height)
        attention = torch.softmax(torch.bmm(proj_query, proj_key), dim=-1)
        proj_value = self.value_conv(x).view(m, -1, width * height)
        out = torch.bmm(proj_value, attention.permute(0, 2, 1)).view(m, c, height, width)
        return self.gamma * out + x


class OfficialCAM(nn.Module):
    """junfu1115/DANet ``CAM_Module``: ``bmm`` energy, ``max(E).expand_as(E) − E``, softmax,
    ``bmm`` with the input, ``γ · out + x``."""

    def __init__(self, ours):
        super().__init__()
        self.gamma = ours.gamma

    def forward(self, x):
        m, c, height, width = x.size()
        proj_query = x.view(m, c, -1)
        proj_key = x.view(m, c, -1).permute(0, 2, 1)
        energy = torch.bmm(proj_query, proj_key)
        energy_new = torch.max(energy, -1, keepdim=True)[0].expand_as(energy) - energy
        attention = torch.softmax(energy_new, dim=-1)
        out = torch.bmm(attention, x.view(m, c, -1)).view(m, c, height, width)
        return self.gamma * out + x


OFFICIAL: Dict[str, Tuple[Callable, str]] = {
    'BAM': (OfficialBAM, 'Jongchan/attention-module MODELS/bam.py'),
    'GCT': (OfficialGCT, 'z-x-yang/GCT PyTorch/GCT.py'),
    'SGE': (OfficialSGE, 'implus/PytorchInsight SpatialGroupEnhance'),
    'SA': (OfficialSA, 'wofmanaf/SA-Net sa_layer'),
    'TripletAttention': (OfficialTriplet, 'landskape-ai/triplet-attention triplet_attention.py'),
    'SimAM': (OfficialSimAM, 'ZjjConan/SimAM simam_module'),
    'FcaNet': (OfficialFcaNet, 'cfzd/FcaNet MultiSpectralAttentionLayer'),
    'EMA': (OfficialEMA, 'YOLOonMe/EMA-attention-module EMA'),
    'MCA': (OfficialMCA, 'CSDLLab/MCA MomentAttention_v1/_v2'),
    'SRM': (OfficialSRM, 'hyunjaelee410/style-based-recalibration-module SRMLayer'),
    'GE': (OfficialGE, 'hujie-frank/GENet RN50-GEP*.prototxt (in PyTorch)'),
    'EPSA': (OfficialEPSA, 'murufeng/EPSANet PSAModule'),
    'PAM': (OfficialPAM, 'junfu1115/DANet PAM_Module'),
    'CAM': (OfficialCAM, 'junfu1115/DANet CAM_Module'),
}

# Modules that no library ships and for which no official op sequence can be restated.
NO_OFFICIAL = {
    'GAM': 'no official code (the paper only; the popular snippet is not the authors\')',
    'STEAM': 'the authors released no graph layer (GNNMHA), so there is no op sequence to restate',
}


def official_peer(name: str, ours: nn.Module) -> Tuple[nn.Module, str]:
    """The restated official op sequence for ``name`` sharing ``ours``'s parameters (a deep copy
    of ours is used by the caller when the two must be independent)."""
    cls, source = OFFICIAL[name]
    return cls(ours).train(ours.training), f'official op sequence restated ({source})'
