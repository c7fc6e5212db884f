"""tools/misc/print_config.py and tools/misc/browse_dataset.py, run as users run them (subprocesses)
on the demo configs of the three libraries, pointed at small generated datasets."""
import importlib.util
import os
import os.path as osp
import sys

import numpy as np
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DET = 'configs/demo/se_mask_rcnn_shapes_cpu.py'
SEG = 'configs/demo/coord_att_deeplabv3_voc_cpu.py'
CLS = 'configs/demo/se_resnet18_cifar_cpu.py'


@pytest.fixture(scope='module')
def small_data(tmp_path_factory):
    """data_roots of small generated COCO, VOC and CIFAR-100 sets (as tests/e2e makes them)."""
    spec = importlib.util.spec_from_file_location(
        '_misc_synthetic', osp.join(REPO, 'attn_plugins', 'data', 'synthetic.py'))
    syn = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(syn)
    root = tmp_path_factory.mktemp('misc_data')
    return dict(
        coco=syn.make_coco(str(root / 'coco'), **syn.SMALL_SIZES['coco'])['data_root'],
        voc=syn.make_voc(str(root), **syn.SMALL_SIZES['voc'])['data_root'],
        cifar100=syn.make_cifar100(str(root / 'cifar100'),
                                   **syn.SMALL_SIZES['cifar100'])['data_root'])


def _in_process(tool, capsys, *args):
    """The tool's main() in this process (the stack is imported once): (exit code, stderr)."""
    spec = importlib.util.spec_from_file_location('_misc_tool', osp.join(REPO, tool))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    capsys.readouterr()
    rc = mod.main([str(a) for a in args])
    return rc, capsys.readouterr().err


def _one_error(proc, prog, stderr_lines):
    lines = stderr_lines(proc.stderr)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-3000:])
    assert len(lines) == 1 and lines[0].startswith(f'{prog}: error: '), proc.stderr[-3000:]
    return lines[0]


# ------------------------------------------------------------------------------- print_config
def test_print_config_prints_the_resolved_config(tool):
    proc = tool([sys.executable, 'tools/misc/print_config.py', DET, '--cfg-options',
                 'train_cfg.max_epochs=3', 'model.backbone.depth=34'])
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert out.startswith('Config:\n')
    # the bases (mmdet::mask_rcnn, coco_instance, schedules) are merged in ...
    assert "type='MaskRCNN'" in out and "type='CocoDataset'" in out and 'roi_head' in out
    # ... the demo's own values and --cfg-options applied
    assert 'max_epochs=3' in out and 'depth=34' in out
    assert "type='SE'" in out


def test_print_config_errors_are_one_line(tool, tmp_path, stderr_lines, capsys):
    line = _one_error(tool([sys.executable, 'tools/misc/print_config.py', 'nope.py']),
                      'print_config.py', stderr_lines)
    assert line == "print_config.py: error: config file 'nope.py' not found"
    bad = tmp_path / 'bad.py'
    bad.write_text("_base_ = ['./missing_base.py']\n")
    rc, err = _in_process('tools/misc/print_config.py', capsys, bad)
    assert rc == 1 and err.count('\n') == 1 and err.startswith('print_config.py: error: ')
    assert 'missing_base.py' in err


# ----------------------------------------------------------------------------- browse_dataset
def _browse(tool, config, out, *args):
    return tool([sys.executable, 'tools/misc/browse_dataset.py', config, '--not-show',
                 '--output-dir', str(out), *args])


def _drawn(out, number):
    import cv2
    files = sorted(os.listdir(out))
    assert len(files) == number, files
    assert all(f.endswith('.png') and f[:5].isdigit() for f in files), files
    imgs = [cv2.imread(osp.join(out, f)) for f in files]
    assert all(img is not None and img.ndim == 3 for img in imgs)
    return files, imgs


def _changed_fraction(drawn, source_path):
    """Fraction of pixels the visualizer painted over the (resized) source image."""
    import cv2
    src = cv2.imread(source_path)
    src = cv2.resize(src, (drawn.shape[1], drawn.shape[0]), interpolation=cv2.INTER_LINEAR)
    diff = np.abs(drawn.astype(int) - src.astype(int)).max(axis=2)
    return float((diff > 60).mean())


def test_browse_dataset_detector_draws_gt_boxes_and_masks(tool, small_data, tmp_path):
    root = osp.join(small_data['coco'], '')
    out = tmp_path / 'det'
    proc = _browse(tool, DET, out, '--phase', 'val', '--show-number', '3', '--cfg-options',
                   f'val_dataloader.dataset.data_root={root}')
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'drew 3 of 8 samples of val_dataloader.dataset (CocoDataset)' in proc.stdout
    files, imgs = _drawn(out, 3)
    for name, img in zip(files, imgs):
        src = osp.join(root, 'val2017', name[6:-4] + '.jpg')
        assert _changed_fraction(img, src) > 0.01, name  # boxes and masks painted


def test_browse_dataset_segmenter_draws_the_gt_map(tool, small_data, tmp_path):
    root = small_data['voc']
    out = tmp_path / 'seg'
    proc = _browse(tool, SEG, out, '--phase', 'val', '--show-number', '2', '--cfg-options',
                   f'val_dataloader.dataset.data_root={root}')
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'of val_dataloader.dataset (PascalVOCDataset)' in proc.stdout
    files, imgs = _drawn(out, 2)
    for name, img in zip(files, imgs):
        src = osp.join(root, 'JPEGImages', name[6:-4] + '.jpg')
        assert _changed_fraction(img, src) > 0.01, name  # the segmentation map painted


def test_browse_dataset_classifier_draws_labels(tool, small_data, tmp_path):
    out = tmp_path / 'cls'
    proc = _browse(tool, CLS, out, '--show-number', '4', '--cfg-options',
                   f"train_dataloader.dataset.data_root={small_data['cifar100']}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'drew 4 of 100 samples of train_dataloader.dataset (CIFAR100Local)' in proc.stdout
    _drawn(out, 4)


def test_browse_dataset_errors_are_one_line(tool, small_data, tmp_path, stderr_lines, capsys):
    prog = 'browse_dataset.py'
    line = _one_error(_browse(tool, 'nope.py', tmp_path / 'o'), prog, stderr_lines)
    assert line == f"{prog}: error: config file 'nope.py' not found"

    def browse(config, out, *args):
        rc, err = _in_process('tools/misc/browse_dataset.py', capsys, config, '--not-show',
                              '--output-dir', out, *args)
        assert rc == 1 and err.count('\n') == 1 and err.startswith(f'{prog}: error: '), err
        return err

    # a non-empty output dir is refused (nothing is overwritten)
    full = tmp_path / 'full'
    full.mkdir()
    (full / 'mine.png').write_bytes(b'user file')
    assert 'is not empty' in browse(CLS, full)
    assert os.listdir(full) == ['mine.png'] and (full / 'mine.png').read_bytes() == b'user file'
    # a phase without a dataloader
    assert 'no test_dataloader.dataset' in browse(CLS, tmp_path / 'o2', '--phase', 'test',
                                                  '--cfg-options', 'test_dataloader=None')
    # data that is not there: the missing file is named
    err = browse(DET, tmp_path / 'o3', '--cfg-options',
                 f'train_dataloader.dataset.data_root={tmp_path}/nowhere/')
    assert f'{tmp_path}/nowhere/annotations/instances_train2017.json' in err
