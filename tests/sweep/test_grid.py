"""tools/sweep.py without training: the grid (arms, seeds, variants, work dirs), modules placed by
the placement table, the manifest, one clear line for each bad input, and the core split."""
import json
import os.path as osp

import pytest

from attn_plugins.runtime import ToolError
from attn_plugins.runtime.sweep import (core_groups, expand_grid, load_manifest,
                                        merge_manifest, sweep_main)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CLS = osp.join(REPO, 'configs', 'demo', 'se_resnet18_cifar_cpu.py')


def test_grid_arms_seeds_and_work_dirs(tiny_config, tmp_path):
    from attn_plugins.placements import MODULE_BY_NAME
    cfg = tiny_config()
    sweep = str(tmp_path / 'sweep')
    runs, files = expand_grid(sweep, [cfg], ['baseline', 'se', 'config'], [0, 3],
                              [['lr2', 'optim_wrapper.optimizer.lr=0.2']],
                              ['train_cfg.max_epochs=1'])
    assert [(r.arm, r.seed) for r in runs][:6] == [
        ('tiny+baseline+lr2', 0), ('tiny+baseline+lr2', 3), ('tiny+se+lr2', 0),
        ('tiny+se+lr2', 3), ('tiny+lr2', 0), ('tiny+lr2', 3)]
    se = runs[2]
    assert se.work_dir == osp.join('tiny+se+lr2', 'seed0')
    # every run: the common options, the variant's, the seed last (it wins)
    assert se.cfg_options == ['train_cfg.max_epochs=1', 'optim_wrapper.optimizer.lr=0.2',
                              'randomness.seed=0']
    # a swapped-in module: an arm config that inherits the config and sets the table's plugins
    assert se.config == osp.join(sweep, 'configs', 'tiny+se.py') and se.source_config == cfg
    text = files[se.config]
    assert f"_base_ = [{cfg!r}]" in text
    assert repr(MODULE_BY_NAME['se'].resnet(18, 'cifar')) in text  # CIFAR: SE without FC bias
    assert runs[0].config.endswith('tiny+baseline.py') and 'plugins=None' in files[runs[0].config]
    assert runs[4].config == cfg  # 'config': the config as it is


def test_arm_config_builds_the_placed_module(tiny_config, tmp_path):
    """The written arm config, merged by mmengine, has the table's plugins in its backbone."""
    from attn_plugins.placements import MODULE_BY_NAME
    from attn_plugins.runtime import load_config
    runs, files = expand_grid(str(tmp_path / 's'), [tiny_config()], ['eca'], [0])
    (text, ) = files.values()
    (tmp_path / 'arm.py').write_text(text)
    cfg = load_config(str(tmp_path / 'arm.py'), {'randomness.seed': 0})
    assert cfg.model.backbone.plugins == MODULE_BY_NAME['eca'].resnet(18, 'cifar')
    assert cfg.model.backbone.depth == 18 and cfg.randomness.seed == 0


def test_setting_and_depth_come_from_the_config(tmp_path):
    """A real demo config: CIFAR setting (SE without bias), depth after --cfg-options."""
    from attn_plugins.placements import MODULE_BY_NAME
    runs, files = expand_grid(str(tmp_path), [DEMO_CLS], ['se'], [0])
    assert repr(MODULE_BY_NAME['se'].resnet(18, 'cifar')) in files[runs[0].config]
    runs, files = expand_grid(str(tmp_path), [DEMO_CLS], ['eca'], [0],
                              cfg_options=['model.backbone.depth=50'])
    assert repr(MODULE_BY_NAME['eca'].resnet(50, 'cifar')) in files[runs[0].config]


@pytest.mark.parametrize('kwargs, message', [
    (dict(modules=['nosuch']), "unknown module 'nosuch'; known: bam, baseline, cam, cbam"),
    (dict(modules=['abn']), 'abn is a classifier'),
    (dict(configs=['nope.py']), "config file 'nope.py' not found"),
    (dict(seeds=[1, 1]), 'a seed is given twice'),
    (dict(cfg_options=['randomness.seed=3']), 'give the seeds with --seeds'),
    (dict(cfg_options=['oops']), "'oops' is not key=value"),
    (dict(variants=[['lr2']]), 'give a name and key=value options'),
    (dict(variants=[['a/b', 'x=1']]), "--variant name 'a/b'"),
    (dict(cfg_options=['model.backbone.depth=34'], modules=['eca']),
     'eca has no placement for a ResNet of depth 34'),
    (dict(cfg_options=['model.backbone.type=ResNet_CIFAR'], modules=['se']),
     "attn_plugins backbones only (AttnResNet*, AttnMobileNetV2); tiny.py "
     "(model.backbone.type='ResNet_CIFAR')"),
])
def test_bad_grid_is_one_error(kwargs, message, tiny_config, tmp_path):
    args = dict(configs=[tiny_config()], modules=(), seeds=[0], variants=(), cfg_options=())
    args.update(kwargs)
    with pytest.raises(ToolError) as e:
        expand_grid(str(tmp_path), args['configs'], args['modules'], args['seeds'],
                    args['variants'], args['cfg_options'])
    assert message in str(e.value)


def test_mobilenet_without_placement_is_refused(tiny_config, tmp_path):
    cfg = tiny_config()
    with pytest.raises(ToolError, match='bam has no MobileNetV2 placement'):
        expand_grid(str(tmp_path), [cfg], ['bam'], [0],
                    cfg_options=['model.backbone.type=AttnMobileNetV2'])


def test_cli_errors_are_one_line(tiny_config, tmp_path, capsys):
    sweep = str(tmp_path / 'sweep')
    assert sweep_main([tiny_config(), '--modules', 'nosuch', '--work-dir', sweep]) == 1
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and err[0].startswith("sweep.py: error: --modules: unknown module")
    assert not osp.exists(sweep)  # nothing is written before the grid is checked
    # a folder that holds something else is not taken over
    (tmp_path / 'other').mkdir()
    (tmp_path / 'other' / 'keep.txt').write_text('mine')
    assert sweep_main([tiny_config(), '--work-dir', str(tmp_path / 'other')]) == 1
    assert 'is not a sweep directory' in capsys.readouterr().err
    assert sweep_main(['--status', str(tmp_path / 'other')]) == 1
    assert 'is not a sweep directory' in capsys.readouterr().err
    assert sweep_main([tiny_config(), '--launcher', 'slurm', '--work-dir', sweep]) == 1
    assert '--launcher slurm needs --partition' in capsys.readouterr().err


def test_the_entry_point_runs(sweep_tool, tiny_config, tmp_path):
    """tools/sweep.py itself: --dry-run lists each run with its state and tools/train.py
    command."""
    sweep = str(tmp_path / 'sweep')
    proc = sweep_tool([tiny_config(), '--modules', 'baseline', 'se', '--seeds', '0', '1',
                       '--work-dir', sweep, '--dry-run'])
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 4 and lines[0].startswith('tiny+baseline/seed0: pending; tools/train.py ')
    assert '--resume --cfg-options randomness.seed=0' in lines[0]
    assert not osp.exists(sweep)  # a dry run writes nothing


def test_manifest_keeps_one_meaning_per_work_dir(tiny_config, tmp_path):
    sweep = str(tmp_path / 'sweep')
    cfg = tiny_config()
    runs, _ = expand_grid(sweep, [cfg], ['se'], [0, 1])
    merge_manifest(sweep, runs, ['a'])
    more, _ = expand_grid(sweep, [cfg], ['se'], [0, 1, 2])  # more seeds: added
    merge_manifest(sweep, more, ['b'])
    m = load_manifest(sweep)
    assert [r['work_dir'] for r in m['runs']] == [osp.join('tiny+se', f'seed{s}') for s in
                                                  (0, 1, 2)]
    assert [i['argv'] for i in m['invocations']] == [['a'], ['b']]
    other, _ = expand_grid(sweep, [cfg], ['se'], [0], cfg_options=['train_cfg.max_epochs=9'])
    with pytest.raises(ToolError, match=r'seed0 was started with another cfg_options'):
        merge_manifest(sweep, other, ['c'])
    with open(osp.join(sweep, 'sweep.json')) as f:
        assert len(json.load(f)['runs']) == 3  # unchanged by the refused call


def test_core_groups():
    assert core_groups(1, [0, 1]) == [[0, 1]]
    assert core_groups(2, [0, 1]) == [[0], [1]]
    assert core_groups(2, [0, 1, 2, 3, 4]) == [[0, 1, 2], [3, 4]]
    assert core_groups(3, [4, 5]) == [[4], [5], [4]]  # more jobs than cores: shared


def test_a_drawn_seed_is_written_into_the_config():
    """tools/train.py without randomness.seed: the seed mmengine would draw is drawn up front and
    put into the config the Runner dumps (so the work dir repeats the run); a given seed, and a
    resumed run (mmengine takes the checkpoint's seed), are left alone."""
    from mmengine.config import Config

    from attn_plugins.runtime.config import record_seed
    cfg = Config(dict(randomness=dict(seed=None, deterministic=False)))
    (note,) = record_seed(cfg)
    seed = cfg.randomness.seed
    assert isinstance(seed, int) and cfg.randomness.deterministic is False
    assert f'drew seed {seed}' in note and f'randomness.seed={seed}' in note
    cfg = Config(dict())  # no randomness at all: mmengine's default is seed=None
    assert record_seed(cfg) and isinstance(cfg.randomness.seed, int)
    cfg = Config(dict(randomness=dict(seed=7)))
    assert record_seed(cfg) == [] and cfg.randomness.seed == 7
    cfg = Config(dict(resume=True, randomness=dict(seed=None)))
    assert record_seed(cfg) == [] and cfg.randomness.seed is None
