"""Plugin-capable backbones and the ABN classifier, registered in MMEngine's root ``MODELS``.

- :class:`AttnResNet` (+ ``AttnResNetV1c``, ``AttnResNetV1d``, ``AttnResNet_CIFAR``,
  ``AttnResNeXt``):
  ResNet-18..152, ImageNet / CIFAR / deep stems, plugins at any block position, per stage and
  per block.
- :class:`AttnMobileNetV2`: MobileNetV2 with plugins inside the inverted residuals.
- :class:`ABNClassifier`: Attention Branch Network (an mmpretrain ``ImageClassifier``).

The plugin configuration format is documented in :mod:`attn_plugins.backbones._plugins`.
"""
from .abn import ABNAttentionBranch, ABNClassifier
from .mobilenet_v2 import AttnInvertedResidual, AttnMobileNetV2
from .resnet import (AttnBasicBlock, AttnBottleneck, AttnResLayer, AttnResNet, AttnResNet_CIFAR,
                     AttnResNetV1c, AttnResNetV1d, AttnResNeXt)

__all__ = [
    'AttnResNet', 'AttnResNetV1c', 'AttnResNetV1d', 'AttnResNet_CIFAR', 'AttnResNeXt',
    'AttnBasicBlock',
    'AttnBottleneck', 'AttnResLayer', 'AttnMobileNetV2', 'AttnInvertedResidual', 'ABNClassifier',
    'ABNAttentionBranch'
]
