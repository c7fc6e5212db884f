"""tools/test.py --show-dir / --interval: a tiny classifier checkpoint tested with --show-dir
writes a painted image per test image; --interval 2 writes every second one. How the flags reach
each library's visualization hook: enable_visualization (mmpretrain, mmdet, mmseg)."""
import os
import os.path as osp
import sys

import pytest

# the tiny config, tested on images with distinct file names (mmpretrain names the painted files
# after the image's base name), with the libraries' default visualization hook and visualizer
CONFIG = '''_base_ = './tiny_base.py'
test_dataloader = dict(dataset=dict(data_root={root!r}, data_prefix='val'))
default_hooks = dict(visualization=dict(type='VisualizationHook', enable=False))
visualizer = dict(type='UniversalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
'''
NUM_VAL = 12  # 6 images of each of 2 classes


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory, tiny_base_config):
    """A tiny config with the libraries' default visualization hook, and a checkpoint of its
    model (initial weights: the test is about painting, not accuracy)."""
    import torch
    from mmengine.config import Config

    from attn_plugins.analysis.complexity import build_model
    import numpy as np
    from PIL import Image
    base = tmp_path_factory.mktemp('show_dir')
    rng = np.random.default_rng(0)
    for i in range(NUM_VAL):
        d = base / 'data' / 'val' / f'class{i % 2}'
        d.mkdir(parents=True, exist_ok=True)
        img = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
        Image.fromarray(img).save(d / f'img{i:02d}.png')
    (base / 'tiny_base.py').write_text(tiny_base_config)
    cfg = base / 'show_cls.py'
    cfg.write_text(CONFIG.format(root=str(base / 'data')))
    torch.manual_seed(0)
    model, _ = build_model(Config.fromfile(str(cfg)))
    ckpt = str(base / 'show_cls.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    return str(cfg), ckpt


def _pngs(path):
    return sorted(f for f in os.listdir(path) if f.endswith('.png')) if osp.isdir(path) else []


@pytest.mark.parametrize('interval,expected', [(None, NUM_VAL), (2, NUM_VAL // 2)])
def test_show_dir_paints_classifier_results(checkpoint, tool, tmp_path, interval, expected):
    import cv2
    cfg, ckpt = checkpoint
    show = str(tmp_path / 'painted')
    args = [sys.executable, 'tools/test.py', cfg, ckpt, '--work-dir', str(tmp_path / 'work'),
            '--show-dir', show]
    if interval:
        args += ['--interval', str(interval)]
    proc = tool(args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'accuracy/top1' in proc.stdout
    files = _pngs(show)
    assert len(files) == expected, files
    img = cv2.imread(osp.join(show, files[0]))
    assert img is not None and img.shape[0] >= 32 and img.shape[2] == 3


def test_interval_below_one_is_one_line(checkpoint, tool, tmp_path, stderr_lines):
    cfg, ckpt = checkpoint
    proc = tool([sys.executable, 'tools/test.py', cfg, ckpt, '--show-dir', str(tmp_path / 'p'),
                 '--interval', '0', '--work-dir', str(tmp_path / 'work')])
    lines = stderr_lines(proc.stderr)
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr[-2000:]
    assert lines[0] == 'test.py: error: --interval must be at least 1, got 0'


@pytest.mark.parametrize('scope', ['mmpretrain', 'mmdet', 'mmseg'])
def test_enable_visualization_sets_each_librarys_hook(scope):
    from mmengine.config import Config

    from attn_plugins.runtime import enable_visualization
    cfg = Config(dict(default_hooks=dict(visualization=dict(type='VisualizationHook')),
                      visualizer=dict(type='Visualizer')))
    enable_visualization(cfg, scope, False, 'painted', 2, 3)
    vis = cfg.default_hooks.visualization
    assert vis.interval == 3
    if scope == 'mmpretrain':
        assert vis.enable is True and vis.out_dir == 'painted'
    elif scope == 'mmdet':
        assert vis.draw is True and vis.test_out_dir == 'painted'
    else:
        assert vis.draw is True and cfg.visualizer.save_dir == 'painted'
