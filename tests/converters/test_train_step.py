"""Slow: a released downstream config trains from a converted file. A random-weight SA-Net
ResNet-50 release is fabricated in its wrapping, converted, and
``configs/sa/faster-rcnn_sa-r50_sanet-pre_fpn_1x_coco.py`` trains one step on the built-in COCO
data at CPU scale through ``tools/train.py``'s entry (strict pre-flight check and strict
initializer): the frozen stem keeps the converted weights exactly, the trained stages move."""
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'configs', 'sa', 'faster-rcnn_sa-r50_sanet-pre_fpn_1x_coco.py')


def _random_release(layout):
    """The layout with plausible random values (BN statistics mean 0 / variance 1)."""
    g = torch.Generator().manual_seed(0)
    sd = {}
    for key, spec in layout['keys'].items():
        shape = spec['shape']
        if spec['dtype'] == 'int64':
            sd[key] = torch.zeros(shape, dtype=torch.int64)
        elif key.endswith('running_var') or (key.endswith('weight') and len(shape) == 1):
            sd[key] = torch.ones(shape)
        elif key.endswith(('running_mean', 'bias')) or len(shape) <= 1:
            sd[key] = torch.zeros(shape)
        else:
            fan_in = max(1, torch.Size(shape[1:]).numel())
            sd[key] = torch.randn(shape, generator=g) * (2.0 / fan_in) ** .5
    return dict(state_dict={f'module.{k}': v for k, v in sd.items()})


@pytest.mark.slow
def test_a_released_detector_trains_a_step_from_the_converted_file(layouts, tmp_path, capsys):
    from attn_plugins.converters import convert
    from attn_plugins.data.synthetic import make_coco
    from attn_plugins.runtime import train_main
    coco = make_coco(str(tmp_path / 'coco'), num_train=2, num_val=1, image_size=(96, 128),
                     names='coco')['data_root']
    src, dst = tmp_path / 'sa_resnet50.pth.tar', tmp_path / 'sanet-sa_resnet50.pth'
    torch.save(_random_release(layouts['sanet-sa_resnet50']), src)
    convert('sanet-sa_resnet50', str(src), str(dst))
    cfg = tmp_path / 'cpu.py'
    cfg.write_text(f'''_base_ = {CONFIG!r}
data_root = {coco!r}
model = dict(backbone=dict(init_cfg=dict(checkpoint={str(dst)!r})))
train_pipeline = [
    dict(type='LoadImageFromFile'), dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(128, 128), keep_ratio=True), dict(type='PackDetInputs')]
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                        dataset=dict(data_root=data_root, pipeline=train_pipeline))
train_cfg = dict(max_epochs=1)
default_hooks = dict(logger=dict(interval=1))
''')
    work = tmp_path / 'work'
    rc = train_main([str(cfg), '--work-dir', str(work), '--no-validate'])
    out = capsys.readouterr()
    assert rc == 0, out.err[-2000:]
    trained = torch.load(work / 'epoch_1.pth', map_location='cpu', weights_only=False)
    converted = torch.load(dst, weights_only=True)['state_dict']
    sd = trained['state_dict']
    for k in ('backbone.conv1.weight', 'backbone.layer1.0.sa.cweight',
              'backbone.layer1.2.conv3.weight'):  # stem and stage 1 frozen (frozen_stages=1)
        assert torch.equal(sd[k], converted[k]), k
    assert not torch.equal(sd['backbone.layer4.2.conv3.weight'],
                           converted['backbone.layer4.2.conv3.weight'])

    # the same run from a converted file that lost a key stops at the start, in one line
    broken = torch.load(dst, weights_only=True)
    del broken['state_dict']['backbone.layer2.0.sa.sbias']
    torch.save(broken, dst)
    rc = train_main([str(cfg), '--work-dir', str(tmp_path / 'work2'), '--no-validate'])
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith('train.py: error')]
    assert rc == 1 and len(err) == 1 and 'layer2.0.sa.sbias' in err[0]
    assert not (tmp_path / 'work2' / 'epoch_1.pth').exists()
