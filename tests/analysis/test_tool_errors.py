"""get_flops.py, vis_attention.py and tools/data/make_datasets.py: a missing config / input or an
output that cannot be written is one line ``<tool>: error: ...`` on stderr and exit code 1 (the
real tools, in subprocesses, as users run them)."""
import importlib.util
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = '''
default_scope = 'mmpretrain'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    type='ImageClassifier',
    backbone=dict(type='AttnResNet_CIFAR', depth=18, stem_channels=8, base_channels=8,
                  plugins=[dict(cfg=dict(type='SE', reduction=4), position='after_last_bn')]),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=2, in_channels=64,
              loss=dict(type='CrossEntropyLoss')))
data_preprocessor = dict(num_classes=2, mean=[127.5] * 3, std=[64.] * 3, to_rgb=True)
'''


def run(tool, *args):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=ROOT)
    env.pop('ATTN_PLUGINS_DEBUG', None)
    return subprocess.run([sys.executable, osp.join(ROOT, tool), *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def one_error_line(proc, prog):
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-3000:])
    assert len(lines) == 1 and lines[0].startswith(f'{prog}: error: '), proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr
    return lines[0]


@pytest.fixture(scope='module')
def inputs(tmp_path_factory):
    """A tiny config, an image and a regular file (a path below it cannot be created)."""
    import cv2
    base = tmp_path_factory.mktemp('tool_errors')
    cfg = base / 'se_tiny.py'
    cfg.write_text(CONFIG)
    image = str(base / 'img.png')
    cv2.imwrite(image, np.random.default_rng(0).integers(0, 255, (40, 56, 3), dtype=np.uint8))
    blocker = base / 'a_file'
    blocker.write_text('not a directory')
    return dict(cfg=str(cfg), image=image, blocker=str(blocker), base=base)


def _in_process(tool, capsys, *args):
    """The tool's main() in this process (the stack is imported once): (exit code, stderr)."""
    spec = importlib.util.spec_from_file_location('_tool_under_test', osp.join(ROOT, tool))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    capsys.readouterr()
    rc = mod.main([str(a) for a in args])
    return rc, capsys.readouterr().err


def test_get_flops_missing_config_and_bad_shape(inputs, capsys):
    line = one_error_line(run('tools/analysis/get_flops.py', 'no/such_config.py'), 'get_flops.py')
    assert line == "get_flops.py: error: config file 'no/such_config.py' not found"
    rc, err = _in_process('tools/analysis/get_flops.py', capsys, inputs['cfg'], '--shape',
                          32, 32, 3)
    assert rc == 1 and err == ('get_flops.py: error: --shape takes H or H W, got 3 values: '
                               '[32, 32, 3]\n')


def test_vis_attention_missing_inputs_and_unwritable_out_dir(inputs, capsys):
    tool = 'tools/analysis/vis_attention.py'
    out = osp.join(inputs['blocker'], 'vis')
    line = one_error_line(run(tool, inputs['cfg'], 'none', inputs['image'], '--out-dir', out),
                          'vis_attention.py')
    assert line.startswith(f"vis_attention.py: error: cannot write --out-dir '{out}': ")
    assert not osp.exists(out)
    rc, err = _in_process(tool, capsys, 'missing.py', 'none', inputs['image'])
    assert rc == 1 and err == "vis_attention.py: error: config file 'missing.py' not found\n"
    rc, err = _in_process(tool, capsys, inputs['cfg'], 'missing.pth', inputs['image'])
    assert rc == 1 and err.startswith("vis_attention.py: error: checkpoint 'missing.pth' not "
                                      'found') and err.count('\n') == 1
    rc, err = _in_process(tool, capsys, inputs['cfg'], 'none', 'missing.png')
    assert rc == 1 and err == "vis_attention.py: error: image 'missing.png' not found\n"


def test_make_datasets_unwritable_out(inputs):
    out = osp.join(inputs['blocker'], 'data')
    line = one_error_line(run('tools/data/make_datasets.py', 'coco', '--small', '--out', out),
                          'make_datasets.py')
    assert 'cannot write the coco dataset' in line and repr(out) in line and '--out' in line
