"""Checkpoints the tools load, checked before anything runs: ``--resume CKPT``, auto-resume
(WORK_DIR/last_checkpoint) and ``load_from`` in tools/train.py against the built model (and a
resumed optimizer state against the optimizer of the config), the checkpoint of tools/test.py;
corrupt files named with the previous checkpoint suggested; attention modules the model lacks
refused unless ``--allow-unused-attention``; ``--skip-checkpoint-check``.

Two small training runs (the tiny two-colour classifier of conftest.py, 1-2 epochs of 3
iterations) give the checkpoints; most runs call the tools' entry points in-process
(``runtime.train_main`` / ``test_main``: what tools/train.py and tools/test.py run), two go
through the real scripts in a subprocess.
"""
import os
import os.path as osp
import shutil
import sys

import pytest
import torch

import attn_plugins  # noqa: F401
from attn_plugins import runtime
from attn_plugins.runtime.checks import (check_train_checkpoint_file, optimizer_mismatch,
                                         readable_checkpoint_before, unused_attention_keys)
from attn_plugins.runtime.common import ToolError

SE_BACKBONE = ("dict(_delete_=True, type='AttnResNet_CIFAR', depth=18, stem_channels=8, "
               "base_channels=8, out_indices=(3, ), plugins={plugins})")
SE_PLUGINS = "[dict(cfg=dict(type='SE', reduction=4), position='after_conv2')]"


def _write(directory, base_text, name, extra=''):
    base = osp.join(directory, '_tiny_base.py')
    if not osp.exists(base):
        with open(base, 'w') as f:
            f.write(base_text)
    path = osp.join(directory, f'{name}.py')
    with open(path, 'w') as f:
        f.write("_base_ = './_tiny_base.py'\n" + extra)
    return path


def _backbone(plugins):
    return f'model = dict(backbone={SE_BACKBONE.format(plugins=plugins)})\n'


@pytest.fixture(scope='module')
def runs(tmp_path_factory, tiny_base_config):
    """Two finished runs: ``plain`` (the base ResNet_CIFAR, 2 epochs: epoch_1/2.pth,
    last_checkpoint) and ``se`` (AttnResNet_CIFAR with SE after conv2 in every block, 1 epoch);
    ``cfgdir`` for the configs of the tests."""
    root = str(tmp_path_factory.mktemp('ckpt_runs'))
    plain = _write(root, tiny_base_config, 'ckpt_plain')
    se = _write(root, tiny_base_config, 'ckpt_se',
                _backbone(SE_PLUGINS) + 'train_cfg = dict(max_epochs=1)\n')
    out = {}
    for name, cfg in (('plain', plain), ('se', se)):
        work_dir = osp.join(root, name)
        assert runtime.train_main([cfg, '--work-dir', work_dir, '--no-validate']) == 0
        out[name] = work_dir
    assert sorted(runtime.existing_checkpoints(out['plain'])) == [
        'epoch_1.pth', 'epoch_2.pth', 'last_checkpoint']
    out.update(root=root, plain_cfg=plain, se_cfg=se, base_text=tiny_base_config)
    return out


def _copy_run(runs, name, dest):
    dest = str(dest)
    shutil.copytree(runs[name], dest)
    # last_checkpoint names the file by its absolute path (as mmengine writes it)
    with open(osp.join(dest, 'last_checkpoint')) as f:
        last = f.read().strip()
    with open(osp.join(dest, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(dest, osp.basename(last)))
    return dest


def _truncate(path):
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


def _one_line(capsys, rc, prog='train.py'):
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc == 1, err
    assert len(lines) == 1, err
    assert lines[0].startswith(f'{prog}: error: '), err
    return lines[0]


# ---------------------------------------------------------------------------------------------
# --resume / load_from of another model
# ---------------------------------------------------------------------------------------------
def test_resume_from_another_models_checkpoint_is_one_line_and_moves_nothing(runs, tmp_path,
                                                                             capsys):
    work_dir = _copy_run(runs, 'plain', tmp_path / 'w')
    wide = _write(str(tmp_path), runs['base_text'], 'wide_resume',
                  'model = dict(backbone=dict(base_channels=16), head=dict(in_channels=128))\n')
    ckpt = osp.join(work_dir, 'epoch_1.pth')
    line = _one_line(capsys, runtime.train_main([wide, '--work-dir', work_dir, '--resume', ckpt]))
    assert f"--resume: checkpoint '{ckpt}' does not match the model of the config" in line
    assert 'with a different shape' in line
    assert 'backbone.layer1.0.conv1.weight: checkpoint [8, 8, 3, 3] vs model [16, 8, 3, 3]' in line
    assert '--skip-checkpoint-check' in line
    # checked before guard_work_dir moves the later checkpoints aside for --resume CKPT
    assert osp.isfile(osp.join(work_dir, 'epoch_2.pth'))
    assert not [d for d in os.listdir(work_dir) if d.startswith('previous_run_')]


def test_load_from_another_model_is_refused_and_a_new_head_is_fine_tuning(runs, tmp_path,
                                                                          capsys):
    ckpt = osp.join(runs['plain'], 'epoch_2.pth')
    wide = _write(str(tmp_path), runs['base_text'], 'wide_load',
                  'model = dict(backbone=dict(base_channels=16), head=dict(in_channels=128))\n')
    line = _one_line(capsys, runtime.train_main([
        wide, '--work-dir', str(tmp_path / 'w1'), '--cfg-options', f'load_from={ckpt}']))
    assert f"load_from: checkpoint '{ckpt}' does not match the model of the config" in line
    assert 'different shape' in line and 'backbone.layer1.0.conv1.weight' in line
    assert not osp.exists(tmp_path / 'w1' / 'epoch_1.pth')

    # another number of classes: only the head differs, which fine-tuning re-initialises
    three = _write(str(tmp_path), runs['base_text'], 'three_classes', (
        'model = dict(head=dict(num_classes=3))\ntrain_cfg = dict(max_epochs=1)\n'))
    assert runtime.train_main([three, '--work-dir', str(tmp_path / 'w2'), '--no-validate',
                               '--cfg-options', f'load_from={ckpt}']) == 0
    out = capsys.readouterr().out
    assert 'head keys of another shape' in out and 'head.fc.weight' in out
    assert osp.isfile(tmp_path / 'w2' / 'epoch_1.pth')


def test_skip_checkpoint_check_loads_it_as_mmengine_does(runs, tmp_path, capsys):
    ckpt = osp.join(runs['plain'], 'epoch_2.pth')
    wide = _write(str(tmp_path), runs['base_text'], 'wide_skip', (
        'model = dict(backbone=dict(base_channels=16), head=dict(in_channels=128))\n'
        'train_cfg = dict(max_epochs=1)\n'))
    assert runtime.train_main([wide, '--work-dir', str(tmp_path / 'w'), '--no-validate',
                               '--skip-checkpoint-check', '--cfg-options',
                               f'load_from={ckpt}']) == 0
    captured = capsys.readouterr()
    assert 'does not match the model' not in captured.out + captured.err
    assert 'size mismatch' in captured.out + captured.err  # mmengine's own warning
    assert osp.isfile(tmp_path / 'w' / 'epoch_1.pth')


def test_resume_with_another_optimizer_grouping_is_one_line(runs, tmp_path, capsys):
    work_dir = _copy_run(runs, 'plain', tmp_path / 'w')
    # paramwise_cfg: mmengine's constructor puts every parameter into its own group
    grouped = _write(str(tmp_path), runs['base_text'], 'grouped', (
        "optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=0.1)}))\n"
        'train_cfg = dict(max_epochs=3)\n'))
    ckpt = osp.join(work_dir, 'epoch_2.pth')
    line = _one_line(capsys, runtime.train_main([grouped, '--work-dir', work_dir, '--resume',
                                                 ckpt]))
    assert f"--resume: checkpoint '{ckpt}' holds an optimizer state that does not fit" in line
    assert '1 parameter groups in the checkpoint' in line
    assert f'--cfg-options load_from={ckpt} (without --resume)' in line


def test_optimizer_state_of_another_shape_is_found():
    from mmengine.optim import OptimWrapper
    a, b = torch.nn.Linear(4, 3), torch.nn.Linear(4, 3)
    opt = torch.optim.SGD(a.parameters(), lr=0.1, momentum=0.9)
    a(torch.randn(2, 4)).sum().backward()
    opt.step()
    saved = opt.state_dict()
    wrapper = OptimWrapper(torch.optim.SGD(b.parameters(), lr=0.1, momentum=0.9))
    assert optimizer_mismatch(wrapper, saved) is None
    saved['state'][0]['momentum_buffer'] = torch.zeros(5, 4)
    problem = optimizer_mismatch(wrapper, saved, {id(b.weight): 'weight'})
    assert problem == ('the momentum_buffer of weight has shape [5, 4] in the checkpoint, the '
                       'parameter [3, 4]')
    saved['param_groups'][0]['params'] = [0]
    assert 'parameter group 0 holds 1 parameters in the checkpoint, 2' in optimizer_mismatch(
        wrapper, saved)


# ---------------------------------------------------------------------------------------------
# corrupt, missing, not resumable
# ---------------------------------------------------------------------------------------------
def test_corrupt_last_checkpoint_names_it_and_the_previous_one_resumes(runs, tmp_path, tool,
                                                                       capsys):
    """tools/train.py in a subprocess: auto-resume of a run whose last checkpoint was cut short
    (disk full, killed while saving); the suggested --resume then finishes the run."""
    work_dir = _copy_run(runs, 'plain', tmp_path / 'w')
    last, prev = osp.join(work_dir, 'epoch_2.pth'), osp.join(work_dir, 'epoch_1.pth')
    _truncate(last)
    cfg = _write(str(tmp_path), runs['base_text'], 'corrupt_resume')
    proc = tool([sys.executable, 'tools/train.py', cfg, '--work-dir', work_dir, '--resume'])
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr[-3000:]
    assert lines[0].startswith(f"train.py: error: --resume: the latest checkpoint '{last}' "
                               f"(named in {work_dir}/last_checkpoint) is corrupt or truncated")
    assert lines[0].endswith(f'resume from the previous one: --resume {prev}')
    assert not [d for d in os.listdir(work_dir) if d.startswith('previous_run_')]

    # a matching resume works: epoch 2 again, the corrupt file moved aside (not overwritten)
    assert runtime.train_main([cfg, '--work-dir', work_dir, '--resume', prev]) == 0
    assert 'resumed epoch: 1' in capsys.readouterr().out
    state = torch.load(last, map_location='cpu', weights_only=False)
    assert state['meta']['epoch'] == 2
    moved = [d for d in os.listdir(work_dir) if d.startswith('previous_run_')]
    assert len(moved) == 1 and os.listdir(osp.join(work_dir, moved[0])) == ['epoch_2.pth']


def test_corrupt_load_from_and_test_checkpoint_suggest_the_previous_one(runs, tmp_path,
                                                                        capsys):
    work_dir = _copy_run(runs, 'plain', tmp_path / 'w')
    last, prev = osp.join(work_dir, 'epoch_2.pth'), osp.join(work_dir, 'epoch_1.pth')
    _truncate(last)
    cfg = _write(str(tmp_path), runs['base_text'], 'corrupt_load')
    line = _one_line(capsys, runtime.train_main([cfg, '--work-dir', str(tmp_path / 'new'),
                                                 '--cfg-options', f'load_from={last}']))
    assert f"load_from: checkpoint '{last}' is corrupt or truncated (" in line
    assert line.endswith(f'load the previous one: --cfg-options load_from={prev}')
    assert not osp.exists(tmp_path / 'new')  # refused before the runner was built

    line = _one_line(capsys, runtime.test_main([cfg, last, '--work-dir', str(tmp_path / 't')]),
                     'test.py')
    assert f"checkpoint '{last}' is corrupt or truncated (" in line
    assert line.endswith(f'test the previous one: {prev}')

    # no readable earlier checkpoint: say so
    _truncate(prev)
    line = _one_line(capsys, runtime.train_main([cfg, '--work-dir', work_dir, '--resume']))
    assert 'is corrupt or truncated' in line
    assert f'no earlier checkpoint in {work_dir} can be read' in line and '--overwrite' in line


def test_previous_checkpoint_is_the_latest_readable_one_before(tmp_path):
    d = str(tmp_path)
    for name in ('epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth', 'best_accuracy_top1_epoch_2.pth',
                 'iter_500.pth'):
        torch.save({'state_dict': {}}, osp.join(d, name))
    assert readable_checkpoint_before(d, ('epoch', 4)) == osp.join(d, 'epoch_3.pth')
    assert readable_checkpoint_before(d, ('epoch', 3)) == osp.join(d, 'epoch_2.pth')
    _truncate(osp.join(d, 'epoch_2.pth'))
    assert readable_checkpoint_before(d, ('epoch', 3)) == osp.join(
        d, 'best_accuracy_top1_epoch_2.pth')
    assert readable_checkpoint_before(d, ('iter', 1000)) == osp.join(d, 'iter_500.pth')
    assert readable_checkpoint_before(d, ('epoch', 1)) is None


def test_auto_resume_of_a_missing_last_checkpoint_and_of_a_model_file(runs, tmp_path, capsys):
    from mmengine.config import Config
    work_dir = _copy_run(runs, 'plain', tmp_path / 'w')
    os.remove(osp.join(work_dir, 'epoch_2.pth'))
    cfg = Config(dict(work_dir=work_dir, resume=True, load_from=None))
    with pytest.raises(ToolError) as info:
        check_train_checkpoint_file(cfg)
    assert str(info.value) == (
        f"--resume: the latest checkpoint '{osp.join(work_dir, 'epoch_2.pth')}' (named in "
        f'{work_dir}/last_checkpoint) does not exist; resume from the latest one: --resume '
        f'{osp.join(work_dir, "epoch_1.pth")}')

    # a published model file (state_dict + meta without epoch) can be loaded, not resumed
    model_file = str(tmp_path / 'model.pth')
    state = torch.load(osp.join(work_dir, 'epoch_1.pth'), map_location='cpu', weights_only=False)
    torch.save(dict(state_dict=state['state_dict'], meta=dict(classes=['red', 'blue'])),
               model_file)
    cfg = _write(str(tmp_path), runs['base_text'], 'model_file')
    line = _one_line(capsys, runtime.train_main([cfg, '--work-dir', str(tmp_path / 'n'),
                                                 '--resume', model_file]))
    assert 'holds no training state to resume (meta.epoch, meta.iter, message_hub missing' in line
    assert f'--cfg-options load_from={model_file} (without --resume)' in line
    assert check_train_checkpoint_file(Config(dict(work_dir=work_dir, resume=False,
                                                   load_from=model_file))) == []


# ---------------------------------------------------------------------------------------------
# attention modules the model does not have
# ---------------------------------------------------------------------------------------------
def test_unused_attention_keys_are_found_by_plugin_name():
    from mmengine.registry import MODELS
    plain = MODELS.build(dict(type='AttnResNet_CIFAR', depth=18, base_channels=8))
    with_plugins = MODELS.build(dict(type='AttnResNet_CIFAR', depth=18, base_channels=8, plugins=[
        dict(cfg=dict(type='SE', reduction=4), position='after_conv2'),
        dict(cfg=dict(type='CBAM', reduction=4, postfix='_1'), position='after_conv1',
             stages=(False, False, False, True)),
        dict(cfg=dict(type='GCT'), position='before_conv', stages=(True, False, False, False)),
        dict(cfg=dict(type='BAM', reduction=4), position='after_stage')]))
    keys = [k for k in with_plugins.state_dict() if k not in plain.state_dict()]
    found = unused_attention_keys(plain, keys + ['layer1.0.extra.weight', 'fc.weight'])
    assert sorted(k for ks in found.values() for k in ks) == sorted(keys)
    assert 'layer1.0.se.' in found and 'layer4.1.cbam_1.' in found
    assert 'layer1.0.gct1.' in found and 'bam1.' in found
    assert all(p in runtime.plugin_prefixes(with_plugins) or p.startswith('bam')
               for p in found)

    # mmdet's ResNet with mmcv's ContextBlock (GCNet), inside a detector-like parent
    from mmdet.models.backbones import ResNet as DetResNet
    gc = torch.nn.ModuleDict(dict(backbone=DetResNet(depth=50, base_channels=8, plugins=[dict(
        cfg=dict(type='ContextBlock', ratio=1. / 4), position='after_conv3',
        stages=(False, True, True, True))])))
    det = torch.nn.ModuleDict(dict(backbone=DetResNet(depth=50, base_channels=8)))
    keys = [k for k in gc.state_dict() if k not in det.state_dict()]
    found = unused_attention_keys(det, keys)
    assert sorted(found) == sorted('backbone.' + p for p in runtime.plugin_prefixes(gc.backbone))
    assert 'backbone.layer2.0.context_block.' in found


def test_module_checkpoint_into_plugins_none(runs, tmp_path, capsys, tool):
    """A module's checkpoint into the same config with plugins=None: refused by tools/test.py
    (the real script) and by train.py load_from/--resume; accepted with --allow-unused-attention."""
    ckpt = osp.join(runs['se'], 'epoch_1.pth')
    none = [_write(str(tmp_path), runs['base_text'], f'no_plugins_{i}',  # one logger per run
                   _backbone('None') + 'train_cfg = dict(max_epochs=1)\n') for i in range(6)]
    proc = tool([sys.executable, 'tools/test.py', none[5], ckpt, '--work-dir',
                 str(tmp_path / 't')])
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr[-3000:]
    assert lines[0].startswith(f"test.py: error: checkpoint '{ckpt}' holds 8 attention modules "
                               'the model of the config does not have (')
    assert 'backbone.layer1.0.se.' in lines[0]
    assert 'tools/test.py would evaluate the model without them' in lines[0]
    assert lines[0].endswith('--allow-unused-attention to load it without them')

    assert runtime.test_main([none[0], ckpt, '--work-dir', str(tmp_path / 't'),
                              '--allow-unused-attention']) == 0
    out = capsys.readouterr().out
    assert 'accuracy/top1' in out and '--allow-unused-attention: 32 keys of 8 attention' in out

    line = _one_line(capsys, runtime.train_main([none[1], '--work-dir', str(tmp_path / 'w'),
                                                 '--cfg-options', f'load_from={ckpt}']))
    assert f"load_from: checkpoint '{ckpt}' holds 8 attention modules" in line
    assert 'training would start without them' in line
    assert runtime.train_main([none[2], '--work-dir', str(tmp_path / 'w'), '--no-validate',
                               '--allow-unused-attention', '--cfg-options',
                               f'load_from={ckpt}']) == 0
    assert osp.isfile(tmp_path / 'w' / 'epoch_1.pth')

    # resumed: refused too; with the flag the optimizer state (more parameters) cannot fit
    work_dir = _copy_run(runs, 'se', tmp_path / 'r')
    line = _one_line(capsys, runtime.train_main([none[3], '--work-dir', work_dir, '--resume']))
    assert 'holds 8 attention modules' in line and 'the resumed run would train without' in line
    line = _one_line(capsys, runtime.train_main([none[4], '--work-dir', work_dir, '--resume',
                                                 '--allow-unused-attention']))
    assert 'holds an optimizer state that does not fit' in line


def test_checkpoint_without_the_attention_modules_the_model_has(runs, tmp_path, capsys):
    """The other way round: a plain checkpoint into a model with SE. load_from fine-tunes (the
    plugins keep their initialisation); tools/test.py refuses it (random attention weights)."""
    ckpt = osp.join(runs['se'], 'epoch_1.pth')
    none_ckpt = str(tmp_path / 'none.pth')
    state = torch.load(ckpt, map_location='cpu', weights_only=False)
    state['state_dict'] = {k: v for k, v in state['state_dict'].items() if '.se.' not in k}
    torch.save(state, none_ckpt)
    se_test, se_load = (_write(str(tmp_path), runs['base_text'], name,
                               _backbone(SE_PLUGINS) + 'train_cfg = dict(max_epochs=1)\n')
                        for name in ('se_test', 'se_load'))  # one logger per run
    line = _one_line(capsys, runtime.test_main([se_test, none_ckpt, '--work-dir',
                                                str(tmp_path / 't')]), 'test.py')
    assert 'does not match the model of the config: 32 of' in line and 'missing backbone.' in line
    assert runtime.train_main([se_load, '--work-dir', str(tmp_path / 'w'), '--no-validate',
                               '--cfg-options', f'load_from={none_ckpt}']) == 0
    assert 'attention-plugin keys are not in the checkpoint' in capsys.readouterr().out
