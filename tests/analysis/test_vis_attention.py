"""tools/analysis/vis_attention.py: gate overlays and Grad-CAM of a tiny CBAM classifier, on an
image from the synthetic generator; PNGs exist, are non-empty and have the image's size. Also:
the recomputed gates reproduce the modules' outputs."""
import importlib.util
import json
import os
import os.path as osp

import cv2
import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'vis_attention.py')

CONFIG = '''
default_scope = 'mmpretrain'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    type='ImageClassifier',
    backbone=dict(type='AttnResNet_CIFAR', depth=18, stem_channels=8, base_channels=8,
                  plugins=[dict(cfg=dict(type='CBAM', reduction=4), position='after_last_bn'),
                           dict(cfg=dict(type='SE', reduction=4), position='after_conv1',
                                stages=(False, False, False, True))]),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=2, in_channels=64,
              loss=dict(type='CrossEntropyLoss')))
data_preprocessor = dict(num_classes=2, mean=[127.5] * 3, std=[64.] * 3, to_rgb=True)
'''
H, W = 40, 56  # not square: overlays must come back at the image's (H, W)


def _tool():
    spec = importlib.util.spec_from_file_location('vis_attention_tool', TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    """Config, a checkpoint saved from the built model (CBAM's zero-initialised spatial BN set to
    random values, so that the spatial gate is not a constant 0.5) and a generated image."""
    from mmengine.config import Config

    from attn_plugins.analysis.complexity import build_model
    from attn_plugins.data.synthetic import make_imagenet
    base = tmp_path_factory.mktemp('vis')
    cfg_path = str(base / 'cbam_tiny.py')
    with open(cfg_path, 'w') as f:
        f.write(CONFIG)
    torch.manual_seed(0)
    model, _ = build_model(Config.fromfile(cfg_path))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if 'spatial_bn' in name:
                p.uniform_(0.5, 1.5)
    ckpt = str(base / 'cbam_tiny.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    make_imagenet(str(base / 'data'), num_classes=2, train_per_class=1, val_per_class=1,
                  image_size=((H, H), (W, W)))
    image = str(base / 'data' / 'val' / 'n00000000' / 'ILSVRC2012_val_00000001.JPEG')
    return dict(cfg=cfg_path, ckpt=ckpt, image=image, base=str(base))


@pytest.fixture(scope='module')
def result(setup):
    out = osp.join(setup['base'], 'out')
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert _tool().main([setup['cfg'], setup['ckpt'], setup['image'], '--out-dir', out]) == 0
    finally:
        torch.set_num_threads(threads)
    with open(osp.join(out, 'index.json')) as f:
        return json.load(f), out


def test_gate_overlays_have_the_image_size(result):
    index, out = result
    assert index['image_size'] == [H, W]
    cbam = {n: e for n, e in index['modules'].items() if e['type'] == 'CBAM'}
    assert len(cbam) == 8  # one per BasicBlock of ResNet-18
    for name, e in cbam.items():
        assert e['status'] == 'ok' and e['method'].startswith('recomputed')
        spatial = e['maps']['spatial']
        img = cv2.imread(spatial['file'])
        assert osp.getsize(spatial['file']) > 0 and img.shape == (H, W, 3), name
        assert 0 < spatial['min'] < spatial['max'] < 1  # a sigmoid gate that varies over H×W
        assert osp.getsize(e['maps']['channel']['file']) > 0  # the channel gate, as bars
    # a channel-only module: a bar chart, no overlay
    ses = [e for e in index['modules'].values() if e['type'] == 'SE']
    assert len(ses) == 2  # after conv1 of the two layer4 blocks
    for se in ses:
        assert list(se['maps']) == ['channel'] and 'channel-only' in se['note']
        assert se['maps']['channel']['shape'] == [64]
    assert all(osp.isfile(f) and osp.getsize(f) > 0 for f in index['files'])
    assert sorted(index['files']) == sorted(osp.join(out, f) for f in os.listdir(out)
                                            if f.endswith('.png'))


def test_gradcam_overlay(result):
    index, _ = result
    cam = index['gradcam']
    img = cv2.imread(cam['file'])
    assert img is not None and img.shape == (H, W, 3)
    assert cam['target'].startswith('logit of the predicted class')
    assert cam['feature_shape'][1] == 64  # the last stage of the tiny ResNet-18


def test_layers_filter(setup, tmp_path):
    out = str(tmp_path / 'l4')
    assert _tool().main([setup['cfg'], setup['ckpt'], setup['image'], '--out-dir', out,
                         '--layers', 'layer4', '--no-cam']) == 0
    with open(osp.join(out, 'index.json')) as f:
        index = json.load(f)
    assert index['modules'] and all('layer4' in n for n in index['modules'])
    assert 'gradcam' not in index


@pytest.mark.parametrize('name', ['CBAM', 'BAM', 'TripletAttention', 'GAM', 'SA', 'CoordAtt',
                                  'SGE', 'STEAM', 'ContextBlock', 'NonLocal2d', 'SE', 'ECA', 'GCT',
                                  'SK', 'EPSA', 'PAM', 'CAM', 'CrissCross', 'SimAM', 'EMA',
                                  'FcaNet', 'SRM', 'MCA', 'GE'])
def test_gates_are_the_ones_the_module_applied(name):
    """Recomputed gates rebuild the output where the module is ``x ⊙ gate``; every map is finite
    and has the feature map's size."""
    from attn_plugins.analysis import vis
    from attn_plugins.analysis.benchmark import build_module, randomize_
    torch.manual_seed(0)
    m = build_module(name, 128)
    randomize_(m)
    m.eval()
    x = torch.randn(1, 128, 6, 7)
    with torch.no_grad():
        y = m(x)
        func, _ = vis.GATE_FUNCS[name]
        maps = func(m, x, y)
    for k, v in maps.items():
        assert torch.isfinite(v).all(), k
        assert tuple(v.shape) in ((6, 7), (128, ), (32, )), (k, v.shape)   # EPSA: C/4 branch
    assert name in vis.GATE_FUNCS
    if name == 'STEAM':
        # default out = x + tanh(x ⊙ Mc) ⊙ Ms: rebuilt from the recomputed gates
        f = torch.tanh(x * maps['channel'][None, :, None, None])
        torch.testing.assert_close(x + f * maps['spatial_gate'], y, rtol=1e-4, atol=1e-5)
    if name == 'SK':   # between the 3×3 path and the dilated "5×5" one
        assert 3 <= maps['kernel_extent'].min() <= maps['kernel_extent'].max() <= 5
    if name == 'EPSA':
        assert 3 <= maps['kernel_size'].min() <= maps['kernel_size'].max() <= 9
    if name == 'CBAM':
        cg, sg = maps['channel'], maps['spatial']
        torch.testing.assert_close(x * cg[None, :, None, None] * sg, y, rtol=1e-4, atol=1e-5)
    if name == 'SGE':  # group gate, the same for every channel of a group
        assert maps['gate_mean_c'].min() > 0
    if name == 'ContextBlock':
        torch.testing.assert_close(maps['context_mask'].sum(), torch.tensor(1.))
