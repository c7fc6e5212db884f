"""``tools/train.py --compile``: mmengine's ``compile`` option reaches the Runner, which wraps the
model's ``train_step`` in ``torch.compile``. The per-module contract (every attention module
compiles with ``fullgraph=True`` and matches eager) is in tests/modules/test_common.py."""
import argparse
import sys

import pytest
from mmengine.config import Config

from attn_plugins.runtime import build_train_parser, prepare_train_cfg


def _args(*extra):
    return build_train_parser().parse_args(['cfg.py', '--work-dir', 'w', *extra])


def test_compile_flag_sets_mmengine_compile():
    cfg = Config(dict(model=dict(type='X')))
    notes = prepare_train_cfg(cfg, _args('--compile'))
    assert cfg.compile is True
    assert any(n.startswith('--compile: torch.compile') for n in notes)
    cfg = Config(dict(model=dict(type='X')))
    prepare_train_cfg(cfg, _args())
    assert 'compile' not in cfg  # off unless asked for


def test_compile_flag_keeps_the_configs_options():
    cfg = Config(dict(model=dict(type='X'), compile=dict(backend='eager', dynamic=False)))
    notes = prepare_train_cfg(cfg, _args('--compile'))
    assert cfg.compile == dict(backend='eager', dynamic=False)
    assert any("'backend': 'eager'" in n for n in notes)
    assert isinstance(_args('--compile'), argparse.Namespace)


@pytest.mark.slow
def test_compiled_training_run(make_config, tmp_path, tool):
    """A real run with --compile: the Runner compiles train_step (Dynamo capture, 'eager'
    backend: Inductor's C++ code generation takes minutes on these 2 cores) and trains."""
    cfg = make_config(tmp_path, 'compiled', 'train_cfg = dict(max_epochs=1)\n')
    proc = tool([sys.executable, 'tools/train.py', cfg, '--work-dir', str(tmp_path / 'w'),
                 '--compile', '--no-validate', '--cfg-options', 'compile.backend=eager'])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "--compile: torch.compile with the config's options {'backend': 'eager'}" in proc.stdout
    assert 'Model has been "compiled"' in proc.stdout
    assert (tmp_path / 'w' / 'epoch_1.pth').is_file()
