"""ABN: Attention Branch Network (Fukui, Hirakawa, Yamashita, Fujiyoshi; CVPR 2019; 1812.10025).

Not a plug-in block but a second branch, so it is a classifier: an mmpretrain ``ImageClassifier``
whose backbone is an :class:`~attn_plugins.backbones.AttnResNet` (any depth, ImageNet or CIFAR stem,
with or without plugins).

- Feature extractor: stem + stages 1..3.
- Attention branch: a copy of stage 4 built with stride 1 → BN → Conv1×1(→K) → BN → ReLU →
  (a) Conv k×k (K→1) → BN(1) → sigmoid = attention map M (k=3 as in the official code; the paper
  says 1×1: ``att_map_kernel_size=1``); (b) Conv1×1(K→K) → global average pooling → attention
  logits. K = number of classes.
- Perception branch: x' = x·M + x → stage 4 → neck (GAP) → head (fc).
- Loss = CE(attention logits) + CE(perception logits) (``loss_att`` + ``loss_per``); prediction uses
  the perception logits.

Reference: machine-perception-robotics-group/attention_branch_network
(``models/imagenet/resnet.py``; module names ``att_layer4``, ``bn_att``, ``att_conv``, ``bn_att2``,
``att_conv2``, ``att_conv3``, ``bn_att3`` kept under ``att_branch.``). Deliberate deviations:

- Global average pooling instead of the reference's ``AvgPool2d(14)`` (ImageNet) / ``AvgPool2d(16)``
  (CIFAR), which tie the model to one input size; identical at the reference sizes.
- CIFAR: the reference CIFAR ResNets (3 stages) copy their *last* stage (layer3). Our CIFAR ResNets
  are 4-stage (mmpretrain ``ResNet_CIFAR``), so the same rule — copy the last stage with stride 1 —
  copies layer4; CIFAR ResNet-50 with 100 classes has 38,889,986 parameters.
- The copy includes the plugins of the copied stage (it is built by the backbone's own builder).
"""
from typing import List, Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmengine.registry import MODELS
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.models.heads import ClsHead

from .resnet import AttnResNet


class ABNAttentionBranch(BaseModule):
    """ABN's attention branch: ``(x) -> (attention logits (N, K), attention map (N, 1, h, w))``.

    Args:
        layer: the stage copy (``att_layer4``).
        in_channels: its output channels.
        num_classes: K.
        map_kernel_size: kernel of the K→1 map conv (3 official code, 1 paper).
        norm_cfg: norm layers of the branch (the backbone's).
    """

    def __init__(self, layer: nn.Module, in_channels: int, num_classes: int,
                 map_kernel_size: int = 3, norm_cfg: dict = dict(type='BN'),
                 init_cfg=(dict(type='Kaiming', layer='Conv2d'),
                           dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm']))):
        super().__init__(init_cfg=[dict(c) for c in init_cfg] if init_cfg else None)
        if map_kernel_size < 1 or map_kernel_size % 2 == 0:
            raise ValueError(f'ABN: att_map_kernel_size must be a positive odd number, '
                             f'got {map_kernel_size}')
        self.att_layer4 = layer
        self.bn_att = build_norm_layer(norm_cfg, in_channels)[1]
        self.att_conv = nn.Conv2d(in_channels, num_classes, 1, bias=False)
        self.bn_att2 = build_norm_layer(norm_cfg, num_classes)[1]
        self.att_conv2 = nn.Conv2d(num_classes, num_classes, 1, bias=False)
        self.att_conv3 = nn.Conv2d(num_classes, 1, map_kernel_size,
                                   padding=map_kernel_size // 2, bias=False)
        self.bn_att3 = build_norm_layer(norm_cfg, 1)[1]
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        ax = self.bn_att(self.att_layer4(x))
        ax = self.relu(self.bn_att2(self.att_conv(ax)))
        att_map = torch.sigmoid(self.bn_att3(self.att_conv3(ax)))
        logits = self.att_conv2(ax).mean(dim=(2, 3), dtype=torch.float32)
        return logits, att_map


@MODELS.register_module()
class ABNClassifier(ImageClassifier):
    """Attention Branch Network as an mmpretrain classifier.

    Config::

        model = dict(
            type='ABNClassifier',
            backbone=dict(type='AttnResNet', depth=50, out_indices=(3, )),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=1000, in_channels=2048,
                      loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
            att_loss=dict(type='CrossEntropyLoss', loss_weight=1.0))

    Args:
        backbone: an :class:`AttnResNet` config (``stem_type='cifar'`` for CIFAR).
        neck, head: as ``ImageClassifier``; the head must have ``num_classes`` (K).
        att_map_kernel_size: 3 (official code, default) or 1 (paper).
        att_loss: loss of the attention logits; targets are unpacked exactly like the head's
            (``gt_label``, or ``gt_score`` under mixup/cutmix — configure both losses alike).

    ``loss()`` returns ``dict(loss_per=..., loss_att=...)`` (plus the head's accuracy entries);
    ``predict()`` and ``forward(mode='tensor')`` use the perception branch. After every forward
    the attention map is kept (detached) in :attr:`attention_map`; :meth:`get_attention_map`
    computes it for an input batch.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 att_map_kernel_size: int = 3,
                 att_loss: dict = dict(type='CrossEntropyLoss', loss_weight=1.0),
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(backbone=backbone, neck=neck, head=head, pretrained=pretrained,
                         train_cfg=train_cfg, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        bb = self.backbone
        if not isinstance(bb, AttnResNet):
            raise TypeError(f'ABNClassifier: the backbone must be an AttnResNet, got '
                            f'{type(bb).__name__}')
        if bb.num_stages < 2:
            raise ValueError('ABNClassifier: the backbone needs at least 2 stages')
        num_classes = getattr(self.head, 'num_classes', None)
        if not num_classes:
            raise ValueError('ABNClassifier: the head must define num_classes (the attention '
                             'branch has one channel per class)')
        last = bb.num_stages - 1
        layer = bb.make_stage_copy(last, where='att_branch.att_layer4', stride=1)
        self.att_branch = ABNAttentionBranch(layer, bb.stage_channels(last), num_classes,
                                             map_kernel_size=att_map_kernel_size,
                                             norm_cfg=bb.norm_cfg)
        self.att_head = ClsHead(loss=att_loss, topk=getattr(self.head, 'topk', (1, )))
        self.attention_map: Optional[torch.Tensor] = None

    def _forward_abn(self, inputs: torch.Tensor):
        """Run both branches: ``(backbone feature tuple, attention logits, attention map)``.

        The feature tuple holds the stages in ``backbone.out_indices`` before the last one and
        always ends with the perception branch's last-stage output.
        """
        bb = self.backbone
        last = len(bb.res_layers) - 1
        x = bb.forward_stem(inputs)
        outs = []
        for i in range(last):
            x = bb.forward_stage(i, x)
            if i in bb.out_indices:
                outs.append(x)
        att_logits, att_map = self.att_branch(x)
        x = x * att_map + x
        outs.append(bb.forward_stage(last, x))
        self.attention_map = att_map.detach()
        return tuple(outs), att_logits, att_map

    def extract_feat(self, inputs, stage='neck'):
        assert stage in ('backbone', 'neck', 'pre_logits'), f'Invalid output stage "{stage}"'
        x, _, _ = self._forward_abn(inputs)
        if stage == 'backbone':
            return x
        if self.with_neck:
            x = self.neck(x)
        if stage == 'neck':
            return x
        return self.head.pre_logits(x)

    def loss(self, inputs: torch.Tensor, data_samples: List) -> dict:
        feats, att_logits, _ = self._forward_abn(inputs)
        if self.with_neck:
            feats = self.neck(feats)
        per = self.head.loss(feats, data_samples)
        att = self.att_head.loss((att_logits, ), data_samples)
        losses = dict(loss_per=per.pop('loss'), loss_att=att.pop('loss'))
        losses.update(per)
        return losses

    def get_attention_map(self, inputs: torch.Tensor) -> torch.Tensor:
        """The attention map M (N, 1, h, w) in [0, 1] for ``inputs`` (h, w: stage-3 size)."""
        return self._forward_abn(inputs)[2]
