"""mmdet's own Faster R-CNN R-50 config with the backbone swapped for AttnResNet (+ SE) builds and
runs one training step (loss forward + backward) on CPU, keeping every other backbone argument."""
import os

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import attn_plugins.backbones  # noqa: F401
import attn_plugins.modules  # noqa: F401


def test_faster_rcnn_r50_attn_resnet_training_step():
    import mmdet
    import mmdet.models  # noqa: F401
    from mmdet.registry import MODELS
    from mmdet.testing import demo_mm_inputs
    cfg = Config.fromfile(os.path.join(os.path.dirname(mmdet.__file__), '.mim', 'configs',
                                       'faster_rcnn', 'faster-rcnn_r50_fpn_1x_coco.py'))
    bb = cfg.model.backbone
    assert bb.type == 'ResNet' and bb.frozen_stages == 1 and bb.norm_eval
    bb.type = 'AttnResNet'
    bb.init_cfg = None
    bb.plugins = [dict(cfg=dict(type='SE'), stages=(False, True, True, True),
                       position='after_conv3')]
    # fewer proposals/RoIs than the 1x schedule (1000/512): the head is not under test
    cfg.model.train_cfg.rpn_proposal.max_per_img = 100
    cfg.model.train_cfg.rcnn.sampler.num = 32
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MODELS.build(cfg.model)
        model.train()
        packed = demo_mm_inputs(batch_size=1, image_shapes=[(3, 128, 160)], num_items=[3],
                                num_classes=80)
        data = model.data_preprocessor(packed, True)
        losses = model(**data, mode='loss')
    loss, _ = model.parse_losses(losses)
    assert torch.isfinite(loss)
    loss.backward()
    backbone = model.backbone
    assert backbone.layer2[0].se.fc1.weight.grad is not None
    assert backbone.layer1[0].conv1.weight.grad is None  # frozen_stages=1 still applies
    assert not backbone.layer3[0].bn1.training  # norm_eval=True still applies
    assert not hasattr(backbone.layer1[0], 'se')
