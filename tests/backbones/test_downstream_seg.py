"""mmseg's DeepLabV3 model configs with AttnResNetV1c (for ResNetV1c) and AttnMobileNetV2 (for
MobileNetV2, with mmseg's DeepLabV3 strides/dilations) build and run one training step on CPU."""
import os

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import attn_plugins.backbones  # noqa: F401
import attn_plugins.modules  # noqa: F401

BN = dict(type='BN', requires_grad=True)


def _deeplabv3_cfg():
    import mmseg
    cfg = Config.fromfile(os.path.join(os.path.dirname(mmseg.__file__), '.mim', 'configs',
                                       '_base_', 'models', 'deeplabv3_r50-d8.py'))
    model = cfg.model
    model.pretrained = None
    for part in (model.backbone, model.decode_head, model.auxiliary_head):
        part.norm_cfg = BN  # SyncBN needs a process group
    return model


def _train_step(model_cfg):
    import mmseg.models  # noqa: F401
    from mmengine.structures import PixelData
    from mmseg.registry import MODELS
    from mmseg.structures import SegDataSample
    model_cfg.decode_head.channels = 64  # the heads are not under test
    model_cfg.auxiliary_head.channels = 32
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(model_cfg)
    model.train()
    h = w = 32  # a small crop: output stride 8 gives 4×4 features
    samples = []
    for _ in range(2):  # batch 2: ASPP's image-pool BN needs more than one value per channel
        s = SegDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w)))
        s.gt_sem_seg = PixelData(data=torch.randint(0, 19, (1, h, w)))
        samples.append(s)
    losses = model.loss(torch.randn(2, 3, h, w), samples)
    loss, _ = model.parse_losses(losses)
    assert torch.isfinite(loss)
    loss.backward()
    return model


def test_deeplabv3_attn_resnet_v1c_training_step():
    model_cfg = _deeplabv3_cfg()
    bb = model_cfg.backbone
    assert bb.type == 'ResNetV1c' and bb.contract_dilation
    bb.type = 'AttnResNetV1c'  # every other ResNetV1c argument kept
    bb.plugins = [dict(cfg=dict(type='SE'), position='after_conv3',
                       stages=(False, False, True, True))]
    model = _train_step(model_cfg)
    backbone = model.backbone
    assert backbone.layer4[0].conv2.dilation == (2, 2)  # contract_dilation: 4 // 2
    assert backbone.layer4[1].conv2.dilation == (4, 4)
    assert backbone.layer4[2].se.fc1.weight.grad is not None
    assert backbone.stem[0].weight.grad is not None


def test_deeplabv3_attn_mobilenet_v2_training_step():
    model_cfg = _deeplabv3_cfg()
    # mmseg/.mim/configs/mobilenet_v2/mobilenet-v2-d8_deeplabv3_4xb2-80k_cityscapes-512x1024.py
    model_cfg.backbone = dict(
        type='AttnMobileNetV2', widen_factor=1., strides=(1, 2, 2, 1, 1, 1, 1),
        dilations=(1, 1, 1, 2, 2, 4, 4), out_indices=(1, 2, 4, 6), norm_cfg=BN,
        plugins=[dict(cfg=dict(type='CoordAtt'), position='after_dw')])
    model_cfg.decode_head.in_channels = 320
    model_cfg.auxiliary_head.in_channels = 96
    model = _train_step(model_cfg)
    assert model.backbone.layer7[0].coord_att.conv1.weight.grad is not None
    assert not hasattr(model.backbone, 'conv2')
