"""Slow (``bash tools/run_tests.sh --slow``): the configs train. One training step (forward, loss,
backward) on CPU at a small input size — for every module its ImageNet ResNet-50, MobileNetV2,
Faster R-CNN R-50 and DeepLabV3+ R-50 configs, plus each other family (CIFAR-100, ResNet-18/101,
deep stem, RetinaNet, Mask R-CNN, the torchvision-initialised variants, DeepLabV3 on Cityscapes,
MobileNetV2 DeepLabV3) at least once — with the config's model exactly as written except: random
initialisation instead of the checkpoint, BN instead of SyncBN (no process group), a small crop
for mmseg. (Every combination passed once; the matrix is trimmed to keep this under ~15 minutes
on 2 cores.) Then the
two-step recipe for real: a classification model of the tree is saved as
``work_dirs/<its name>/epoch_<last>.pth`` (under a temporary directory) and loaded by downstream
configs through their own ``init_cfg``."""
import copy
import os
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_ROOT = osp.join(REPO, 'configs')
MODULES = sorted(d for d in os.listdir(CONFIG_ROOT)
                 if osp.isdir(osp.join(CONFIG_ROOT, d)) and d not in ('_base_', 'demo'))


def _name(module, pattern):
    prefix = '' if module == 'baseline' else module.replace('_', '-') + '-'
    return f'{module}/{pattern.format(p=prefix)}'


# Every module in these families ({p}: "<module>-", nothing for baseline) ...
FAMILIES = {
    'in1k': '{p}resnet50_8xb32_in1k.py',
    'mnv2': '{p}mobilenet-v2_8xb32_in1k.py',
    'faster': 'faster-rcnn_{p}r50_fpn_1x_coco.py',
    'deeplabv3plus': 'deeplabv3plus_{p}r50-d8_4xb4-40k_voc12aug-512x512.py',
}
# ... and each remaining family / special case at least once.
EXTRA = [
    'baseline/resnet50_8xb16_cifar100.py', 'gam_gc/gam-gc-resnet50_8xb16_cifar100.py',
    'steam/steam-resnet18_8xb16_cifar100.py', 'abn/abn-resnet50_8xb16_cifar100.py',
    'sa/sa-resnet18_8xb32_in1k.py', 'eca/eca-resnet101_8xb32_in1k.py',
    'gct/gct-resnetv1c50_8xb32_in1k.py',
    'baseline/mobilenet-v2_8xb16_cifar100.py', 'coord_att/coord-att-mobilenet-v2_8xb16_cifar100.py',
    'eca/retinanet_eca-r50_fpn_1x_coco.py', 'triplet/retinanet_triplet-r50_fpn_1x_coco.py',
    'bam/mask-rcnn_bam-r50_tv-pre_fpn_1x_coco.py', 'gct/mask-rcnn_gct-r50_tv-pre_fpn_1x_coco.py',
    'se/mask-rcnn_se-r50_tv-pre_fpn_1x_coco.py', 'nonlocal/mask-rcnn_nonlocal-r50_fpn_1x_coco.py',
    'nonlocal/deeplabv3_nonlocal-r50-d8_4xb2-80k_cityscapes-512x1024.py',
    'gc/deeplabv3_gc-r50-d8_4xb2-80k_cityscapes-512x1024.py',
    'coord_att/coord-att-mobilenet-v2-d8_deeplabv3_4xb4-40k_voc12aug-512x512.py',
    'baseline/mobilenet-v2-d8_deeplabv3_4xb2-80k_cityscapes-512x1024.py',
    # the second survey: ResNeXt (SKNet), a replace_conv2 module in RetinaNet / Mask R-CNN, SimAM
    # inside MobileNetV2's depthwise conv on CIFAR, criss-cross attention on Cityscapes
    'sknet/sknet-resnext50-32x4d_8xb32_in1k.py', 'epsa/retinanet_epsa-r50_fpn_1x_coco.py',
    'sk/mask-rcnn_sk-r50_fpn_1x_coco.py', 'simam/simam-mobilenet-v2_8xb16_cifar100.py',
    'crisscross/deeplabv3_crisscross-r50-d8_4xb2-80k_cityscapes-512x1024.py',
]
CASES = [(m, _name(m, pat)) for m in MODULES for pat in FAMILIES.values()
         if osp.isfile(osp.join(CONFIG_ROOT, _name(m, pat)))]
CASES += [(p.split('/')[0], p) for p in EXTRA]


def _to_bn(cfg):
    if isinstance(cfg, dict):
        if cfg.get('type') == 'SyncBN':
            cfg['type'] = 'BN'
        for v in cfg.values():
            _to_bn(v)
    elif isinstance(cfg, (list, tuple)):
        for v in cfg:
            _to_bn(v)


def _load(rel):
    import attn_plugins  # noqa: F401
    from mmengine.config import Config
    return Config.fromfile(osp.join(CONFIG_ROOT, rel))


def _build(cfg, keep_init=False):
    from mmengine.registry import MODELS, init_default_scope
    init_default_scope(cfg.default_scope)
    model_cfg = copy.deepcopy(cfg.model)
    if not keep_init:
        model_cfg.backbone.init_cfg = None
        if 'pretrained' in model_cfg:
            model_cfg.pretrained = None
    if cfg.default_scope == 'mmseg':
        model_cfg.data_preprocessor.size = (64, 64)
    _to_bn(model_cfg)
    model = MODELS.build(model_cfg)
    model.init_weights()
    return model


def _batch(cfg, model):
    scope = cfg.default_scope
    if scope == 'mmpretrain':
        from mmpretrain.structures import DataSample
        size = 32 if 'cifar100' in cfg.filename else 64
        n = cfg.model.head.num_classes
        return dict(inputs=[torch.randint(0, 255, (3, size, size), dtype=torch.uint8)
                            for _ in range(2)],
                    data_samples=[DataSample().set_gt_label(i % n) for i in range(2)])
    if scope == 'mmdet':
        from mmdet.testing import demo_mm_inputs
        return demo_mm_inputs(2, [[3, 96, 128], [3, 128, 96]], num_items=[3, 2],
                              num_classes=80, with_mask=True)
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    samples = []
    for _ in range(2):
        s = SegDataSample(metainfo=dict(img_shape=(64, 64), ori_shape=(64, 64)))
        s.gt_sem_seg = PixelData(data=torch.randint(0, 19, (1, 64, 64)))
        samples.append(s)
    return dict(inputs=[torch.randint(0, 255, (3, 64, 64), dtype=torch.uint8) for _ in range(2)],
                data_samples=samples)


@pytest.mark.exhaustive
@pytest.mark.parametrize('module,path', CASES, ids=[c[1] for c in CASES])
def test_one_training_step(module, path):
    torch.manual_seed(0)
    cfg = _load(path)
    model = _build(cfg)
    model.train()
    data = model.data_preprocessor(_batch(cfg, model), True)
    losses = model(**data, mode='loss')
    loss, _ = model.parse_losses(losses)
    assert torch.isfinite(loss), losses
    loss.backward()
    grads = [p.grad for n, p in model.backbone.named_parameters() if p.requires_grad]
    assert grads and all(g is not None for g in grads[-5:])
    # every trainable plugin parameter takes part in the loss (zero_init_residual may make the
    # first gradients of after-last-BN plugins exactly zero, so only their presence is checked);
    # attention modules that replace conv2 (SK, EPSA) are not add-on plugins but count here
    from attn_plugins.analysis.complexity import attention_module_names
    from attn_plugins.backbones._plugins import named_plugins
    attention = attention_module_names(model.backbone)
    trainable = [(n, p) for name, m in attention.items()
                 for n, p in m.named_parameters(prefix=name) if p.requires_grad]
    if module not in ('baseline', 'abn'):
        assert attention  # the module is in the backbone
        # a parameter-free module (SimAM) has nothing to train; every other one has
        assert trainable or not any(True for m in attention.values() for _ in m.parameters())
        assert [n for n, p in trainable if p.grad is None] == []
    if '_tv-pre_' in path:  # train_plugins=True: stage-1 plugins train despite frozen_stages=1
        every = [n for name, m in named_plugins(model.backbone)
                 for n, _ in m.named_parameters(prefix=name)]
        assert sorted(n for n, _ in trainable) == sorted(every)


CHAINS = [
    'se/faster-rcnn_se-r50_fpn_1x_coco.py',
    'gc/mask-rcnn_gc-r50_fpn_1x_coco.py',  # c3-c5 downstream, all stages upstream
    'gct/deeplabv3_gct-r50-d8_4xb4-40k_voc12aug-512x512.py',  # deep stem + stem GCT
    'coord_att/coord-att-mobilenet-v2-d8_deeplabv3_4xb4-40k_voc12aug-512x512.py',
    'eca/retinanet_eca-r101_fpn_1x_coco.py',
    'sk/faster-rcnn_sk-r50_fpn_1x_coco.py',  # the SK units are conv2: their keys hand over too
]


@pytest.mark.exhaustive
@pytest.mark.parametrize('path', CHAINS)
def test_downstream_loads_the_classification_checkpoint(path, tmp_path, monkeypatch):
    """Train nothing, but save the classification model of the tree where the downstream config
    looks for it and let the downstream model's own init_weights() load it."""
    import re
    cfg = _load(path)
    ckpt = cfg.model.backbone.init_cfg.checkpoint
    stem = re.fullmatch(r'work_dirs/([^/]+)/epoch_\d+\.pth', ckpt).group(1)
    cls_path = f'{osp.dirname(path)}/{stem}.py'
    torch.manual_seed(0)
    cls_model = _build(_load(cls_path))
    with torch.no_grad():
        for t in cls_model.state_dict().values():
            if t.is_floating_point():
                t.copy_(torch.randn_like(t))
    monkeypatch.chdir(tmp_path)
    os.makedirs(osp.dirname(ckpt))
    torch.save(dict(state_dict=cls_model.state_dict(), meta=dict()), ckpt)

    down = _build(cfg, keep_init=True)
    cls_sd = cls_model.backbone.state_dict()
    down_sd = down.backbone.state_dict()
    for k, v in down_sd.items():
        torch.testing.assert_close(v, cls_sd[k], msg=k)
