"""AttnResNet: a ResNet that takes attention plugins at any position of any block.

One class serves mmpretrain (classification), mmdet (detection) and mmseg (segmentation): it
subclasses mmseg's ``ResNet`` (whose arguments are a superset of mmdet's) and replaces its blocks
with plugin-capable ones, so a detection or segmentation config can swap ``type='ResNet'`` /
``'ResNetV1c'`` for ``'AttnResNet'`` / ``'AttnResNetV1c'`` and keep every other argument, and a
classification checkpoint loads into the downstream backbone with identical keys.
"""
import math

import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule, Sequential
from mmengine.registry import MODELS
from mmseg.models.backbones.resnet import ResNet as _MMSegResNet

from ._plugins import PluginHostMixin, PluginTable, named_plugins, set_plugins_trainable

RESNET_BACKBONE_POSITIONS = {'after_stage': True, 'before_stem_conv': False}


class AttnBasicBlock(PluginHostMixin, BaseModule):
    """ResNet BasicBlock (torchvision/mmseg layout) with plugin slots.

    Positions: ``before_conv`` (``<abbr>1`` before conv1, ``<abbr>2`` before conv2,
    ``<abbr>_downsample`` before the shortcut conv), ``after_conv1`` (after bn1+relu, ``planes``
    channels), ``before_norm2`` (after conv2, before bn2: SimAM's position, ``planes``),
    ``after_conv2`` = ``after_last_bn`` (after bn2, before the residual add, ``planes``). No
    ``replace_conv2``: SK and EPSA are defined for Bottleneck blocks only.
    """

    expansion = 1
    last_norm = 'norm2'
    plugin_owner = 'AttnResNet'
    plugin_positions = ('after_conv1', 'before_norm2', 'after_conv2', 'after_last_bn',
                        'before_conv')

    def __init__(self, inplanes, planes, stride=1, dilation=1, downsample=None, style='pytorch',
                 with_cp=False, conv_cfg=None, norm_cfg=dict(type='BN'), dcn=None, plugins=None,
                 where='', init_cfg=None):
        super().__init__(init_cfg)
        if dcn is not None:
            raise ValueError(f'{self.plugin_owner}: dcn is only supported with Bottleneck blocks '
                             f'(depth >= 50), as in mmdet/mmseg')
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, planes, postfix=1)
        self.norm2_name, norm2 = build_norm_layer(norm_cfg, planes, postfix=2)
        self.conv1 = build_conv_layer(conv_cfg, inplanes, planes, 3, stride=stride,
                                      padding=dilation, dilation=dilation, bias=False)
        self.add_module(self.norm1_name, norm1)
        self.conv2 = build_conv_layer(conv_cfg, planes, planes, 3, padding=1, bias=False)
        self.add_module(self.norm2_name, norm2)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride
        self.dilation = dilation
        self.with_cp = with_cp

        self._init_plugin_slots()
        if plugins:
            before = [('before_conv1', inplanes, '1'), ('before_conv2', planes, '2')]
            if downsample is not None:
                before.append(('before_downsample', inplanes, '_downsample'))
            self.build_plugins(plugins, {
                'before_conv': before,
                'after_conv1': [('after_conv1', planes, '')],
                'before_norm2': [('before_norm2', planes, '')],
                'after_conv2': [('after_conv2', planes, '')],
                'after_last_bn': [('after_conv2', planes, '')],
            }, where)

    @property
    def norm1(self):
        return getattr(self, self.norm1_name)

    @property
    def norm2(self):
        return getattr(self, self.norm2_name)

    def forward(self, x):

        def _inner_forward(x):
            out = self.conv1(self.run_slot('before_conv1', x))
            out = self.relu(self.norm1(out))
            out = self.run_slot('after_conv1', out)
            out = self.conv2(self.run_slot('before_conv2', out))
            out = self.norm2(self.run_slot('before_norm2', out))
            out = self.run_slot('after_conv2', out)
            identity = x
            if self.downsample is not None:
                identity = self.downsample(self.run_slot('before_downsample', x))
            # Not in place: a plugin's output may be saved for its own backward.
            return out + identity

        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(_inner_forward, x, use_reentrant=False)
        else:
            out = _inner_forward(x)
        return self.relu(out)


class AttnBottleneck(PluginHostMixin, BaseModule):
    """ResNet Bottleneck (torchvision/mmseg layout, ``style`` 'pytorch' or 'caffe') with plugins.

    Positions: ``before_conv`` (``<abbr>1``/``2``/``3`` before conv1/2/3 with ``inplanes``/
    ``width``/``width`` channels, ``<abbr>_downsample`` before the shortcut conv),
    ``after_conv1``/``after_conv2`` (after conv→bn→relu, ``width``), ``before_norm2`` (after conv2,
    before bn2: SimAM's position), ``replace_conv2`` (the module *is* conv2: SK, EPSA; see
    :mod:`attn_plugins.backbones._plugins`), ``after_conv3`` = ``after_last_bn`` (after bn3, before
    the residual add, ``planes * 4`` — the SE position).

    ``groups``/``base_width`` (ResNeXt, mmdet's rule): ``width = planes`` when ``groups == 1``,
    else ``floor(planes · base_width / base_channels) · groups`` (ResNeXt-50 32×4d: 128 in
    stage 1), and conv2 is a ``groups``-group conv.
    """

    expansion = 4
    last_norm = 'norm3'
    plugin_owner = 'AttnResNet'
    plugin_positions = ('after_conv1', 'before_norm2', 'replace_conv2', 'after_conv2',
                        'after_conv3', 'after_last_bn', 'before_conv')

    def __init__(self, inplanes, planes, stride=1, dilation=1, downsample=None, style='pytorch',
                 with_cp=False, conv_cfg=None, norm_cfg=dict(type='BN'), dcn=None, plugins=None,
                 where='', init_cfg=None, groups=1, base_width=4, base_channels=64):
        super().__init__(init_cfg)
        if style not in ('pytorch', 'caffe'):
            raise ValueError(f"{self.plugin_owner}: style must be 'pytorch' or 'caffe', "
                             f'got {style!r}')
        width = planes if groups == 1 else \
            math.floor(planes * (base_width / base_channels)) * groups
        self.groups = groups
        self.width = width
        self.inplanes = inplanes
        self.planes = planes
        self.stride = stride
        self.dilation = dilation
        self.style = style
        self.with_cp = with_cp
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.dcn = dcn
        self.with_dcn = dcn is not None
        if style == 'pytorch':
            self.conv1_stride, self.conv2_stride = 1, stride
        else:
            self.conv1_stride, self.conv2_stride = stride, 1

        self.norm1_name, norm1 = build_norm_layer(norm_cfg, width, postfix=1)
        self.norm2_name, norm2 = build_norm_layer(norm_cfg, width, postfix=2)
        self.norm3_name, norm3 = build_norm_layer(norm_cfg, planes * self.expansion, postfix=3)
        self.conv1 = build_conv_layer(conv_cfg, inplanes, width, kernel_size=1,
                                      stride=self.conv1_stride, bias=False)
        self.add_module(self.norm1_name, norm1)
        replace = [p for p in plugins or () if p.position == 'replace_conv2']
        self._init_plugin_slots()
        self.conv2_includes_norm = False
        if replace:
            self.conv2 = self._build_conv2_replacement(replace, plugins, where, width, dilation,
                                                       groups, conv_cfg, norm_cfg)
            self.conv2_includes_norm = bool(getattr(self.conv2, 'includes_norm_act', False))
        else:
            conv2_cfg = conv_cfg
            if self.with_dcn:
                dcn = dict(dcn)
                if not dcn.pop('fallback_on_stride', False):
                    if conv_cfg is not None:
                        raise ValueError(f'{self.plugin_owner}: conv_cfg must be None for DCN')
                    conv2_cfg = dcn
            self.conv2 = build_conv_layer(conv2_cfg, width, width, kernel_size=3,
                                          stride=self.conv2_stride, padding=dilation,
                                          dilation=dilation, groups=groups, bias=False)
        if not self.conv2_includes_norm:
            self.add_module(self.norm2_name, norm2)
        self.conv3 = build_conv_layer(conv_cfg, width, planes * self.expansion, kernel_size=1,
                                      bias=False)
        self.add_module(self.norm3_name, norm3)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

        if plugins:
            out = planes * self.expansion
            before = [('before_conv1', inplanes, '1'), ('before_conv2', width, '2'),
                      ('before_conv3', width, '3')]
            if downsample is not None:
                before.append(('before_downsample', inplanes, '_downsample'))
            self.build_plugins(plugins, {
                'before_conv': before,
                'after_conv1': [('after_conv1', width, '')],
                'before_norm2': [('before_norm2', width, '')],
                'after_conv2': [('after_conv2', width, '')],
                'after_conv3': [('after_conv3', out, '')],
                'after_last_bn': [('after_conv3', out, '')],
            }, where)

    def _build_conv2_replacement(self, replace, plugins, where, width, dilation, groups,
                                 conv_cfg, norm_cfg):
        """conv2 built by the ``replace_conv2`` plugin (one per block), with the conv's
        arguments; the combinations that cannot work are refused here."""
        prefix = f'{self.plugin_owner}: {replace[0]} at {where}'
        if len(replace) > 1:
            raise ValueError(f'{prefix}: {len(replace)} plugins replace conv2 of the same block '
                             f'({", ".join(map(str, replace))}); keep one')
        if self.with_dcn:
            raise ValueError(f'{prefix}: dcn also replaces conv2; use stage_with_dcn=False for '
                             f'the stages the plugin replaces conv2 in')
        if conv_cfg is not None:
            raise ValueError(f'{prefix}: conv_cfg={conv_cfg!r} would apply to conv2, which the '
                             f'plugin replaces with its own convolutions; use conv_cfg=None')
        conv2 = self.build_replacement(replace[0], where, norm_cfg=norm_cfg, in_channels=width,
                                       out_channels=width, stride=self.conv2_stride,
                                       dilation=dilation, groups=groups)
        if getattr(conv2, 'includes_norm_act', False):
            clash = [p for p in plugins if p.position == 'before_norm2']
            if clash:
                raise ValueError(f'{self.plugin_owner}: {clash[0]} at {where}: {replace[0]} '
                                 f'brings its own norm, so conv2 has no bn2 to insert before; '
                                 f"use position 'after_conv2'")
        return conv2

    @property
    def norm1(self):
        return getattr(self, self.norm1_name)

    @property
    def norm2(self):
        return getattr(self, self.norm2_name)

    @property
    def norm3(self):
        return getattr(self, self.norm3_name)

    def forward(self, x):

        def _inner_forward(x):
            out = self.relu(self.norm1(self.conv1(self.run_slot('before_conv1', x))))
            out = self.run_slot('after_conv1', out)
            out = self.conv2(self.run_slot('before_conv2', out))
            if not self.conv2_includes_norm:  # SK: its paths end with their own BN + ReLU
                out = self.relu(self.norm2(self.run_slot('before_norm2', out)))
            out = self.run_slot('after_conv2', out)
            out = self.norm3(self.conv3(self.run_slot('before_conv3', out)))
            out = self.run_slot('after_conv3', out)
            identity = x
            if self.downsample is not None:
                identity = self.downsample(self.run_slot('before_downsample', x))
            return out + identity

        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(_inner_forward, x, use_reentrant=False)
        else:
            out = _inner_forward(x)
        return self.relu(out)


class AttnResLayer(Sequential):
    """A stage of blocks (mmseg ``ResLayer`` semantics: ``avg_down``, ``multi_grid``,
    ``contract_dilation``) where each block receives its own plugin list.

    An mmengine ``Sequential`` (a ``BaseModule``), so mmengine's ``init_weights`` recursion reaches
    the blocks and, through them, every plugin's own ``init_weights``.
    """

    def __init__(self, block, inplanes, planes, num_blocks, stride=1, dilation=1, avg_down=False,
                 conv_cfg=None, norm_cfg=dict(type='BN'), multi_grid=None,
                 contract_dilation=False, plugins=None, where='layer', **kwargs):
        self.block = block
        downsample = None
        if stride != 1 or inplanes != planes * block.expansion:
            downsample = []
            conv_stride = stride
            if avg_down:
                conv_stride = 1
                downsample.append(nn.AvgPool2d(kernel_size=stride, stride=stride, ceil_mode=True,
                                               count_include_pad=False))
            downsample.extend([
                build_conv_layer(conv_cfg, inplanes, planes * block.expansion, kernel_size=1,
                                 stride=conv_stride, bias=False),
                build_norm_layer(norm_cfg, planes * block.expansion)[1]
            ])
            downsample = nn.Sequential(*downsample)
        if multi_grid is None:
            first_dilation = dilation // 2 if (dilation > 1 and contract_dilation) else dilation
        else:
            if len(multi_grid) != num_blocks:
                raise ValueError(f'multi_grid {tuple(multi_grid)} needs one rate per block '
                                 f'({num_blocks} blocks in {where})')
            first_dilation = multi_grid[0]
        plugins = plugins or [[] for _ in range(num_blocks)]
        layers = []
        for i in range(num_blocks):
            layers.append(
                block(inplanes=inplanes if i == 0 else planes * block.expansion,
                      planes=planes,
                      stride=stride if i == 0 else 1,
                      dilation=(first_dilation if i == 0 else
                                dilation if multi_grid is None else multi_grid[i]),
                      downsample=downsample if i == 0 else None,
                      conv_cfg=conv_cfg,
                      norm_cfg=norm_cfg,
                      plugins=plugins[i],
                      where=f'{where}.{i}',
                      **kwargs))
        super().__init__(*layers)


@MODELS.register_module()
class AttnResNet(PluginHostMixin, _MMSegResNet):
    """ResNet-18/34/50/101/152 with attention plugins, for classification, detection and
    segmentation.

    Accepts every argument of mmdet's and mmseg's ``ResNet`` with the same meaning and weight
    names (torchvision / mmpretrain / mmdet: ``conv1``, ``bn1``, ``layerS.B.conv{1,2,3}``,
    ``bn{1,2,3}``, ``downsample.{0,1}``; deep stem: mmseg ``ResNetV1c``'s ``stem.0..7`` in all three
    tasks). Returns the tuple of stage outputs at ``out_indices``.

    Args (beyond mmseg ``ResNet``; see its docstring for the rest):
        stem_channels: ``None`` (mmdet's default) means ``base_channels``.
        stem_type: ``'imagenet'`` (7×7/2 conv + 3×3/2 max-pool, or the deep stem with
            ``deep_stem=True``) or ``'cifar'`` (3×3/1 ``conv1``/``bn1``, no max-pool — mmpretrain
            ``ResNet_CIFAR``'s layout and names).
        plugins: list of ``dict(cfg=..., position=..., stages=None, blocks=None)`` (mmdet's form
            plus ``blocks`` and ``cfg_by_channels``; see :mod:`attn_plugins.backbones._plugins`).
            Positions and the channels the plugin is built with:

            ====================  ==============================================  ===============
            position              where                                           in_channels
            ====================  ==============================================  ===============
            ``after_conv1``       after conv1→bn1→relu                            ``planes``
            ``after_conv2``       Bottleneck: after conv2→bn2→relu;               ``planes``
                                  BasicBlock: after bn2, before the add
            ``before_norm2``      after conv2, before bn2 (SimAM)                 conv2 width
            ``replace_conv2``     Bottleneck only: the module *is* conv2 (SK,     conv2 width
                                  EPSA), built with the conv's in/out
                                  channels, stride, dilation and groups
            ``after_conv3``       Bottleneck only: after bn3, before the add      ``planes * 4``
            ``after_last_bn``     after the last BN, before the add (=            block output
                                  after_conv3 / after_conv2): one config for
                                  every depth (SE, CBAM, ECA, SGE, SA, GAM, ...)
            ``before_conv``       before every conv of the block and before the   that conv's
                                  shortcut conv: ``<abbr>1``, ``<abbr>2``,        input
                                  (``<abbr>3``), ``<abbr>_downsample`` (GCT)
            ``before_stem_conv``  before the first stem conv: ``<abbr>_stem``     ``in_channels``
            ``after_stage``       after a stage's last block: ``<abbr><stage>``   stage output
                                  (BAM: ``stages=(True, True, True, False)``)
            ====================  ==============================================  ===============

            Plugin weights are named ``layerS.B.<abbr><postfix>.*`` (block positions) or
            ``<abbr><postfix><suffix>.*`` (backbone positions). Problems (a position the block does
            not have, ``stages``/``blocks`` of the wrong shape, a module whose grouping does not
            fit the width) raise at build time with the stage, block and position in the message.
        train_plugins: what freezing does to plugins. ``frozen_stages`` freezes (eval mode, no
            gradient) the stem and stages ``1..frozen_stages`` *including their plugins*, and
            ``norm_eval=True`` keeps *every* BN in eval mode, plugin BNs included. That is right
            when the plugins come from our own classification checkpoint. When the plugins are
            randomly initialised inside a torchvision/open-mmlab-pretrained ResNet (the usual
            mmdet setting: ``frozen_stages=1, norm_eval=True``), the frozen ones would stay at
            their initial values for the whole run and every plugin BN would normalise with its
            initial running statistics (mean 0, var 1) forever. ``train_plugins=True`` keeps all
            plugin parameters trainable and plugin BNs in train mode despite ``frozen_stages`` and
            ``norm_eval``. A ``replace_conv2`` module (SK, EPSA) is the block's conv2, not an
            add-on: ``frozen_stages`` freezes it and ``norm_eval`` applies to its norms whatever
            ``train_plugins`` says (there are no torchvision weights for it; its configs start
            from our classification checkpoint).
        zero_init_residual: zero the last BN of each residual branch (``bn3``/``bn2``, never a
            plugin's BN) when ``init_cfg`` and ``pretrained`` are ``None`` (mmdet/mmseg rule).
            Default ``True``, as in mmdet, mmseg and mmpretrain.
        stem_pool_cfg: ``None`` keeps the stem max-pool of torchvision/mmdet/mmseg,
            ``MaxPool2d(3, stride=2, padding=1)``; a dict gives the ``nn.MaxPool2d`` arguments
            instead. The official SE-ResNet weights (Caffe, ported by Cadene, re-hosted by timm as
            ``legacy_seresnet*``) were trained with Caffe's pool, ``dict(kernel_size=3, stride=2,
            padding=0, ceil_mode=True)``: the same output size at 224 but a grid shifted by one
            pixel (and one more row/column at some other sizes), so those weights compute their
            published function only with it. ImageNet stems only (the CIFAR stem has no pool).

    Initialisation: with ``init_cfg=None`` the backbone applies Kaiming to convs and 1 to norms,
    zero-inits the residual BNs, and then every plugin's own ``init_weights()`` runs (blocks and
    stages are mmengine ``BaseModule``/``Sequential``), so e.g. GCT stays the identity (γ=0) and
    ContextBlock keeps its zero last conv. A ``Pretrained`` ``init_cfg`` is applied last.

    Defaults follow mmseg (``norm_eval=False``); mmdet configs set ``norm_eval=True`` themselves.
    """

    arch_settings = {
        18: (AttnBasicBlock, (2, 2, 2, 2)),
        34: (AttnBasicBlock, (3, 4, 6, 3)),
        50: (AttnBottleneck, (3, 4, 6, 3)),
        101: (AttnBottleneck, (3, 4, 23, 3)),
        152: (AttnBottleneck, (3, 8, 36, 3)),
    }
    plugin_owner = 'AttnResNet'
    stem_types = ('imagenet', 'cifar')

    def __init__(self,
                 depth,
                 in_channels=3,
                 stem_channels=None,
                 base_channels=64,
                 num_stages=4,
                 strides=(1, 2, 2, 2),
                 dilations=(1, 1, 1, 1),
                 out_indices=(0, 1, 2, 3),
                 style='pytorch',
                 deep_stem=False,
                 avg_down=False,
                 frozen_stages=-1,
                 conv_cfg=None,
                 norm_cfg=dict(type='BN', requires_grad=True),
                 norm_eval=False,
                 dcn=None,
                 stage_with_dcn=(False, False, False, False),
                 plugins=None,
                 multi_grid=None,
                 contract_dilation=False,
                 with_cp=False,
                 zero_init_residual=True,
                 pretrained=None,
                 init_cfg=None,
                 stem_type='imagenet',
                 train_plugins=False,
                 stem_pool_cfg=None):
        if depth not in self.arch_settings:
            raise KeyError(f'invalid depth {depth} for resnet')
        if stem_type not in self.stem_types:
            raise ValueError(f'{self.plugin_owner}: stem_type must be one of {self.stem_types}, '
                             f'got {stem_type!r}')
        if stem_type == 'cifar' and deep_stem:
            raise ValueError(f"{self.plugin_owner}: stem_type='cifar' and deep_stem=True are "
                             f'exclusive')
        if stem_channels is None:
            stem_channels = base_channels
        self.stem_pool_cfg = self._check_stem_pool_cfg(stem_pool_cfg, stem_type)
        block, stage_blocks = self.arch_settings[depth]
        # mmseg's constructor calls the builders overridden below (_make_stem_layer,
        # make_stage_plugins, make_res_layer, _freeze_stages); what they need is set first
        # (plain attributes may be set before nn.Module.__init__).
        self.stem_type = stem_type
        self.train_plugins = bool(train_plugins)
        self._stage_args = {}
        self._block_init_cfg = None
        if zero_init_residual and init_cfg is None and pretrained is None:
            self._block_init_cfg = dict(type='Constant', val=0,
                                        override=dict(name=block.last_norm))
        self._plugin_table = PluginTable(
            self.plugin_owner, plugins, stage_blocks[:num_stages],
            block_positions=lambda s: block.plugin_positions,
            block_desc=lambda s: f'{block.__name__[4:]} blocks (depth {depth})',
            stage_label=lambda s: f'layer{s + 1}',
            backbone_positions=RESNET_BACKBONE_POSITIONS)
        super().__init__(
            depth=depth, in_channels=in_channels, stem_channels=stem_channels,
            base_channels=base_channels, num_stages=num_stages, strides=strides,
            dilations=dilations, out_indices=out_indices, style=style, deep_stem=deep_stem,
            avg_down=avg_down, frozen_stages=frozen_stages, conv_cfg=conv_cfg,
            norm_cfg=norm_cfg, norm_eval=norm_eval, dcn=dcn, stage_with_dcn=stage_with_dcn,
            plugins=plugins, multi_grid=multi_grid, contract_dilation=contract_dilation,
            with_cp=with_cp, zero_init_residual=zero_init_residual, pretrained=pretrained,
            init_cfg=init_cfg)
        self.in_channels = in_channels

        # backbone-level plugins: before the stem, after stages
        self._init_plugin_slots()
        for spec, stage in self._plugin_table.backbone:
            if stage is None:
                self.build_plugin(spec, in_channels, 'stem', 'stem', suffix='_stem')
            else:
                self.build_plugin(spec, self.stage_channels(stage), f'after_stage{stage}',
                                  f'the end of layer{stage + 1}', suffix=str(stage + 1))
        del self._plugin_table  # holds closures; keep the module picklable
        self._freeze_stages()

    # -- construction hooks called by mmseg's ResNet.__init__ --------------------------------
    _STEM_POOL_KEYS = ('kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode')

    @classmethod
    def _check_stem_pool_cfg(cls, cfg, stem_type):
        if cfg is None:
            return None
        if stem_type == 'cifar':
            raise ValueError(f"{cls.plugin_owner}: stem_pool_cfg needs an ImageNet stem; "
                             f"stem_type='cifar' has no stem pool")
        if not isinstance(cfg, dict) or 'kernel_size' not in cfg or \
                set(cfg) - set(cls._STEM_POOL_KEYS):
            raise ValueError(f'{cls.plugin_owner}: stem_pool_cfg must be a dict of nn.MaxPool2d '
                             f'arguments with kernel_size (allowed keys: '
                             f'{", ".join(cls._STEM_POOL_KEYS)}), got {cfg!r}; e.g. Caffe\'s '
                             f'dict(kernel_size=3, stride=2, padding=0, ceil_mode=True)')
        return dict(cfg)

    def _make_stem_layer(self, in_channels, stem_channels):
        if self.stem_type != 'cifar':
            super()._make_stem_layer(in_channels, stem_channels)
            if self.stem_pool_cfg is not None:
                self.maxpool = nn.MaxPool2d(**self.stem_pool_cfg)
            return
        self.conv1 = build_conv_layer(self.conv_cfg, in_channels, stem_channels, kernel_size=3,
                                      stride=1, padding=1, bias=False)
        self.norm1_name, norm1 = build_norm_layer(self.norm_cfg, stem_channels, postfix=1)
        self.add_module(self.norm1_name, norm1)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity()

    def make_stage_plugins(self, plugins, stage_idx):
        """Per-block plugin specs of stage ``stage_idx`` (validated in ``__init__``)."""
        return self._plugin_table.per_block[stage_idx]

    def make_res_layer(self, stage_index=None, where=None, **kwargs):
        """Build one stage. mmseg's loop calls it once per stage in order; ``make_stage_copy``
        calls it again with ``stage_index`` to build an independent copy (ABN)."""
        copy = stage_index is not None
        if not copy:
            stage_index = len(self.res_layers)
        kwargs['init_cfg'] = self._block_init_cfg
        if kwargs.get('plugins') is None:
            kwargs['plugins'] = [[] for _ in range(kwargs['num_blocks'])]
        if not copy:
            self._stage_args[stage_index] = dict(kwargs)
        return AttnResLayer(where=where or f'layer{stage_index + 1}', **kwargs)

    def make_stage_copy(self, stage_index, where, **overrides):
        """A freshly initialised copy of stage ``stage_index`` (same blocks and plugins), with
        ``overrides`` (e.g. ``stride=1``) applied; used by ABN's attention branch."""
        if stage_index < 0:
            stage_index += self.num_stages
        args = dict(self._stage_args[stage_index], **overrides)
        return self.make_res_layer(stage_index=stage_index, where=where, **args)

    def stage_channels(self, stage_index):
        """Output channels of stage ``stage_index`` (0-based)."""
        return self.base_channels * 2**stage_index * self.block.expansion

    # -- freezing / train mode ----------------------------------------------------------------
    def _freeze_stages(self):
        super()._freeze_stages()
        frozen = []
        if self.frozen_stages >= 0:
            frozen += self.plugin_slots.get('stem', [])
        for i in range(min(self.frozen_stages, self.num_stages)):
            frozen += self.plugin_slots.get(f'after_stage{i}', [])
        set_plugins_trainable(self, frozen, False)
        if self.train_plugins:
            set_plugins_trainable(self, [n for n, _ in named_plugins(self)], True)

    def train(self, mode=True):
        super().train(mode)
        if mode and self.train_plugins:
            for _, m in named_plugins(self):
                m.train(True)
        return self

    # -- forward ------------------------------------------------------------------------------
    def forward_stem(self, x):
        x = self.run_slot('stem', x)
        if self.deep_stem:
            x = self.stem(x)
        else:
            x = self.relu(self.norm1(self.conv1(x)))
        return self.maxpool(x)

    def forward_stage(self, i, x):
        x = getattr(self, self.res_layers[i])(x)
        return self.run_slot(f'after_stage{i}', x)

    def forward(self, x):
        x = self.forward_stem(x)
        outs = []
        for i in range(len(self.res_layers)):
            x = self.forward_stage(i, x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)


@MODELS.register_module()
class AttnResNetV1c(AttnResNet):
    """AttnResNet with mmseg's ``ResNetV1c`` deep stem (three 3×3 convs, ``stem.0..7``)."""

    def __init__(self, **kwargs):
        super().__init__(deep_stem=True, avg_down=False, **kwargs)


@MODELS.register_module()
class AttnResNetV1d(AttnResNet):
    """AttnResNet as mmseg/mmdet ``ResNetV1d``: deep stem and average-pool shortcut."""

    def __init__(self, **kwargs):
        super().__init__(deep_stem=True, avg_down=True, **kwargs)


@MODELS.register_module()
class AttnResNeXt(AttnResNet):
    """AttnResNet with ResNeXt bottlenecks (``groups``-group 3×3 convs of width
    ``floor(planes · base_width / 64) · groups``), as mmdet/mmseg ``ResNeXt`` (``groups``,
    ``base_width``) and mmpretrain ``ResNeXt`` (``width_per_group``, accepted as the same
    argument). Weight names as theirs (``layerS.B.conv2`` is the grouped conv). Depth 50/101/152;
    ResNeXt-50 32×4d: ``groups=32, base_width=4`` (25,028,904 parameters with an ImageNet head).
    SKNet-50 is this backbone with ``SK`` at ``replace_conv2``."""

    arch_settings = {d: v for d, v in AttnResNet.arch_settings.items() if d >= 50}

    def __init__(self, groups=1, base_width=4, width_per_group=None, **kwargs):
        if width_per_group is not None:
            if base_width not in (4, width_per_group):
                raise ValueError(f'{self.plugin_owner}: base_width={base_width} and '
                                 f'width_per_group={width_per_group} are the same argument '
                                 f'(mmdet / mmpretrain names); give one')
            base_width = width_per_group
        if not isinstance(groups, int) or groups < 1:
            raise ValueError(f'{self.plugin_owner}: groups must be a positive integer, got '
                             f'{groups!r}')
        self.groups = groups
        self.base_width = base_width
        super().__init__(**kwargs)

    def make_res_layer(self, **kwargs):
        kwargs.setdefault('groups', self.groups)
        kwargs.setdefault('base_width', self.base_width)
        kwargs.setdefault('base_channels', self.base_channels)
        return super().make_res_layer(**kwargs)


@MODELS.register_module()
class AttnResNet_CIFAR(AttnResNet):
    """AttnResNet with mmpretrain ``ResNet_CIFAR``'s stem (3×3/1 conv, no max-pool)."""

    def __init__(self, **kwargs):
        super().__init__(stem_type='cifar', **kwargs)
