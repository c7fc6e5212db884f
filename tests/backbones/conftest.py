"""Shared helpers for the backbone tests (fixtures: no imports between test files, which run under
``--import-mode=importlib`` beside the ``tests`` package mmseg's wheel installs)."""
import pytest
import torch

import attn_plugins.backbones  # noqa: F401  (registers the backbones)
import attn_plugins.modules  # noqa: F401  (registers the attention modules)


def _build(registry, cfg, device):
    if device == 'meta':
        with torch.device('meta'):
            return registry.build(cfg)
    return registry.build(cfg)


def count_params(cfg, registry=None):
    """Parameters of the model ``cfg`` builds (on the meta device: no memory, no init cost)."""
    if registry is None:
        from mmpretrain.registry import MODELS as registry
    try:
        model = _build(registry, cfg, 'meta')
    except (NotImplementedError, RuntimeError):  # a module that computes in __init__
        model = _build(registry, cfg, 'cpu')
    return sum(p.numel() for p in model.parameters())


def cls_cfg(backbone, num_classes=1000, in_channels=2048, type='ImageClassifier', **extra):
    """An mmpretrain classifier config: backbone + GAP + linear head (torchvision layout)."""
    return dict(type=type, backbone=backbone, neck=dict(type='GlobalAveragePooling'),
                head=dict(type='LinearClsHead', num_classes=num_classes, in_channels=in_channels,
                          loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
                **extra)


@pytest.fixture
def params():
    return count_params


@pytest.fixture
def classifier_cfg():
    return cls_cfg
