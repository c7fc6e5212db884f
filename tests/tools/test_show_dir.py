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


# ---------------------------------------------------------------------------------------------
# a segmenter and a detector (slow: the demo models and the small generated data)
# ---------------------------------------------------------------------------------------------
def _synthetic():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        '_show_synthetic', osp.join(osp.dirname(osp.dirname(osp.dirname(
            osp.abspath(__file__)))), 'attn_plugins', 'data', 'synthetic.py'))
    syn = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(syn)
    return syn


def _initial_checkpoint(config, path):
    import torch
    from mmengine.config import Config

    from attn_plugins.analysis.complexity import build_model
    torch.manual_seed(0)
    model, _ = build_model(Config.fromfile(config))
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return path


@pytest.mark.slow
def test_show_dir_and_interval_for_a_segmenter(tool, tmp_path, repo_root):
    """mmseg: every INTERVAL-th batch into SHOW_DIR/vis_data/vis_image/. (mmseg 1.2.2's hook
    reads runner.iter, which builds the train loop: the train split must be there too.)"""
    syn = _synthetic()
    root = syn.make_voc(str(tmp_path), **syn.SMALL_SIZES['voc'])['data_root']  # 6 val images
    config = osp.join(repo_root, 'configs/demo/coord_att_deeplabv3_voc_cpu.py')
    ckpt = _initial_checkpoint(config, str(tmp_path / 'seg.pth'))
    show = tmp_path / 'painted'
    proc = tool([sys.executable, 'tools/test.py', config, ckpt, '--work-dir',
                 str(tmp_path / 'work'), '--show-dir', str(show), '--interval', '2',
                 '--cfg-options', f'test_dataloader.dataset.data_root={root}',
                 f'train_dataloader.dataset.datasets.0.data_root={root}',
                 f'train_dataloader.dataset.datasets.1.data_root={root}'])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(_pngs(show / 'vis_data' / 'vis_image')) == 3


@pytest.mark.slow
def test_show_dir_for_a_detector(tool, tmp_path, repo_root):
    """mmdet: every test image into WORK_DIR/<timestamp>/SHOW_DIR/ (a relative SHOW_DIR)."""
    syn = _synthetic()
    root = osp.join(syn.make_coco(str(tmp_path / 'coco'), **syn.SMALL_SIZES['coco'])['data_root'],
                    '')  # 8 val images
    config = osp.join(repo_root, 'configs/demo/gam_faster_rcnn_shapes_cpu.py')
    ckpt = _initial_checkpoint(config, str(tmp_path / 'det.pth'))
    work = tmp_path / 'work'
    proc = tool([sys.executable, 'tools/test.py', config, ckpt, '--work-dir', str(work),
                 '--show-dir', 'painted', '--cfg-options',
                 f'test_dataloader.dataset.data_root={root}',
                 f'test_evaluator.ann_file={root}annotations/instances_val2017.json'])
    assert proc.returncode == 0, proc.stderr[-3000:]
    (stamp, ) = [d for d in os.listdir(work) if osp.isdir(work / d)]
    painted = work / stamp / 'painted'
    assert len([f for f in os.listdir(painted) if f.endswith('.jpg')]) == 8
