"""AttnMobileNetV2: MobileNetV2 with attention plugins inside the inverted residual blocks.

Subclasses mmpretrain's ``MobileNetV2`` (same weight names as mmpretrain and mmseg: ``conv1.conv``/
``conv1.bn``, ``layerK.i.conv.{0,1,2}.{conv,bn}``, ``conv2``) and adds mmseg's ``strides``/
``dilations``/``pretrained`` arguments, so one class serves classification and segmentation.
"""
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule, Sequential
from mmengine.registry import MODELS
from mmpretrain.models.backbones.mobilenet_v2 import MobileNetV2 as _MMPretrainMobileNetV2

from ._plugins import PluginHostMixin, PluginTable, named_plugins, set_plugins_trainable


class AttnInvertedResidual(PluginHostMixin, BaseModule):
    """MobileNetV2 inverted residual (mmpretrain/mmseg layout: ``conv = [expand], dw, project``).

    Positions: ``after_expand`` (after the 1×1 expansion+BN+act, ``hidden`` channels; only blocks
    with ``expand_ratio != 1``), ``before_dw_norm`` (between the 3×3 depthwise conv and its BN,
    ``hidden`` — SimAM's position), ``after_dw`` (after the 3×3 depthwise+BN+act, before the
    projection, ``hidden`` — Coordinate Attention's position), ``after_project`` (after the
    projection conv+BN, before the residual add, ``out_channels`` — ECA, Triplet).
    """

    plugin_owner = 'AttnMobileNetV2'

    def __init__(self, in_channels, out_channels, stride, expand_ratio, dilation=1, conv_cfg=None,
                 norm_cfg=dict(type='BN'), act_cfg=dict(type='ReLU6'), with_cp=False,
                 plugins=None, where='', init_cfg=None):
        super().__init__(init_cfg)
        if stride not in (1, 2):
            raise ValueError(f'{self.plugin_owner}: stride must be 1 or 2, got {stride}')
        self.stride = stride
        self.with_cp = with_cp
        self.use_res_connect = stride == 1 and in_channels == out_channels
        self.with_expand = expand_ratio != 1
        hidden = int(round(in_channels * expand_ratio))
        self.hidden_channels = hidden
        layers = []
        if self.with_expand:
            layers.append(ConvModule(in_channels, hidden, kernel_size=1, conv_cfg=conv_cfg,
                                     norm_cfg=norm_cfg, act_cfg=act_cfg))
        layers += [
            ConvModule(hidden, hidden, kernel_size=3, stride=stride, padding=dilation,
                       dilation=dilation, groups=hidden, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                       act_cfg=act_cfg),
            ConvModule(hidden, out_channels, kernel_size=1, conv_cfg=conv_cfg,
                       norm_cfg=norm_cfg, act_cfg=None),
        ]
        self.conv = nn.Sequential(*layers)

        self._init_plugin_slots()
        if plugins:
            slots = {'before_dw_norm': [('before_dw_norm', hidden, '')],
                     'after_dw': [('after_dw', hidden, '')],
                     'after_project': [('after_project', out_channels, '')]}
            if self.with_expand:
                slots['after_expand'] = [('after_expand', hidden, '')]
            self.build_plugins(plugins, slots, where)

    def forward(self, x):

        def _inner_forward(x):
            out, i = x, 0
            if self.with_expand:
                out = self.run_slot('after_expand', self.conv[0](out))
                i = 1
            dw = self.conv[i]
            if self.has_slot('before_dw_norm'):  # conv → plugin → BN → act (SimAM)
                out = dw.activate(dw.norm(self.run_slot('before_dw_norm', dw.conv(out))))
            else:
                out = dw(out)
            out = self.run_slot('after_dw', out)
            out = self.run_slot('after_project', self.conv[i + 1](out))
            return x + out if self.use_res_connect else out

        if self.with_cp and x.requires_grad:
            return cp.checkpoint(_inner_forward, x, use_reentrant=False)
        return _inner_forward(x)


@MODELS.register_module()
class AttnMobileNetV2(_MMPretrainMobileNetV2):
    """MobileNetV2 with attention plugins, for mmpretrain and mmseg configs.

    Args (mmpretrain ``MobileNetV2``'s plus):
        strides, dilations: per layer (7 values), as mmseg's ``MobileNetV2``; ``None`` = the
            standard ``(1, 2, 2, 2, 1, 2, 1)`` / all 1. As in mmseg, a layer's dilation applies to
            its first block (mmseg's DeepLabV3 config: ``strides=(1, 2, 2, 1, 1, 1, 1),
            dilations=(1, 1, 1, 2, 2, 4, 4), out_indices=(1, 2, 4, 6)``).
        out_indices: indices into ``layer1..layer7`` (0..6) and ``conv2`` (7), as mmpretrain.
            The output is always a tuple (mmseg's class returns a bare tensor for one index).
        with_last_conv: build the final 1×1 conv to 1280 channels (``conv2``). ``None``: only
            when ``7 in out_indices`` — a segmentation backbone that never uses it then has no
            unused parameters (which would break DDP without ``find_unused_parameters``).
        plugins: ``dict(cfg=..., position=..., stages=None, blocks=None)`` entries, ``stages`` of
            length 7 (one per layer). Positions: ``after_expand``, ``before_dw_norm``,
            ``after_dw``, ``after_project`` (see :class:`AttnInvertedResidual`); names
            ``layerK.i.<abbr><postfix>``. ``cfg_by_channels=[(0, cfg_a), (96, cfg_b)]`` picks a
            cfg by the width the plugin receives (ECA-MobileNetV2: ``k=1 if C < 96 else 3``).
        train_plugins: keep plugin parameters trainable and plugin BNs in train mode despite
            ``frozen_stages``/``norm_eval`` (see :class:`AttnResNet`).
        pretrained: mmseg's deprecated spelling of ``init_cfg=dict(type='Pretrained', ...)``
            (mmseg's ``EncoderDecoder(pretrained=...)`` passes it down).
    """

    plugin_owner = 'AttnMobileNetV2'
    default_init_cfg = [
        dict(type='Kaiming', layer=['Conv2d']),
        dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
    ]

    def __init__(self,
                 widen_factor=1.,
                 strides=None,
                 dilations=None,
                 out_indices=(7, ),
                 frozen_stages=-1,
                 conv_cfg=None,
                 norm_cfg=dict(type='BN'),
                 act_cfg=dict(type='ReLU6'),
                 norm_eval=False,
                 with_cp=False,
                 plugins=None,
                 train_plugins=False,
                 with_last_conv=None,
                 pretrained=None,
                 init_cfg=None):
        owner = self.plugin_owner
        n = len(self.arch_settings)
        strides = tuple(s[3] for s in self.arch_settings) if strides is None else tuple(strides)
        dilations = (1, ) * n if dilations is None else tuple(dilations)
        if len(strides) != n or len(dilations) != n:
            raise ValueError(f'{owner}: strides and dilations need {n} values (one per layer), '
                             f'got {strides} and {dilations}')
        if pretrained is not None:
            if init_cfg is not None:
                raise ValueError(f'{owner}: init_cfg and pretrained cannot be set at the same '
                                 f'time')
            if not isinstance(pretrained, str):
                raise TypeError(f'{owner}: pretrained must be a str or None')
            init_cfg = dict(type='Pretrained', checkpoint=pretrained)
        elif init_cfg is None:
            init_cfg = [dict(c) for c in self.default_init_cfg]
        if with_last_conv is None:
            with_last_conv = n in out_indices
        elif not with_last_conv and n in out_indices:
            raise ValueError(f'{owner}: out_indices contains {n} (conv2) but '
                             f'with_last_conv=False')
        # mmpretrain's constructor calls make_layer/_freeze_stages; set what they need first.
        self.strides = strides
        self.dilations = dilations
        self.train_plugins = bool(train_plugins)
        self._plugin_table = PluginTable(
            owner, plugins, [s[2] for s in self.arch_settings],
            block_positions=lambda s: (('after_expand', 'before_dw_norm', 'after_dw',
                                        'after_project')
                                       if self.arch_settings[s][0] != 1 else
                                       ('before_dw_norm', 'after_dw', 'after_project')),
            block_desc=lambda s: (f'layer{s + 1} blocks (expand_ratio='
                                  f'{self.arch_settings[s][0]})'),
            stage_label=lambda s: f'layer{s + 1}',
            backbone_positions={})
        super().__init__(widen_factor=widen_factor, out_indices=out_indices,
                         frozen_stages=frozen_stages, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                         act_cfg=act_cfg, norm_eval=norm_eval, with_cp=with_cp,
                         init_cfg=init_cfg)
        del self._plugin_table  # holds closures; keep the module picklable
        self.pretrained = pretrained
        self.with_last_conv = bool(with_last_conv)
        if not self.with_last_conv:
            del self.conv2
            self.layers.remove('conv2')
        self._freeze_stages()

    def make_layer(self, out_channels, num_blocks, stride, expand_ratio):
        """Build layer ``len(self.layers) + 1`` with its stride/dilation/plugins (mmengine
        ``Sequential``, so ``init_weights`` reaches the blocks' plugins)."""
        idx = len(self.layers)
        stride, dilation = self.strides[idx], self.dilations[idx]
        blocks = []
        for i in range(num_blocks):
            blocks.append(
                AttnInvertedResidual(
                    self.in_channels, out_channels, stride if i == 0 else 1,
                    expand_ratio=expand_ratio, dilation=dilation if i == 0 else 1,
                    conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg, act_cfg=self.act_cfg,
                    with_cp=self.with_cp, plugins=self._plugin_table.per_block[idx][i],
                    where=f'layer{idx + 1}.{i}'))
            self.in_channels = out_channels
        return Sequential(*blocks)

    def _freeze_stages(self):
        super()._freeze_stages()
        if self.train_plugins:
            set_plugins_trainable(self, [n for n, _ in named_plugins(self)], True)

    def train(self, mode=True):
        super().train(mode)
        if mode and self.train_plugins:
            for _, m in named_plugins(self):
                m.train(True)
        return self
