"""attn_plugins.runtime / compat shim 2: the logic behind the tools, without training."""
import json
import os
import os.path as osp
import socket

import pytest
import torch
from mmengine.config import Config

import attn_plugins  # noqa: F401
from attn_plugins import runtime
from attn_plugins.compat import replace_sync_bn, setup_cpu_distributed
from attn_plugins.runtime import ToolError


def _cfg(**kw):
    return Config(dict(kw))


# ---------------------------------------------------------------------------------------------
# config preparation
# ---------------------------------------------------------------------------------------------
def test_persistent_workers_turned_off_only_without_workers():
    cfg = _cfg(train_dataloader=dict(num_workers=0, persistent_workers=True),
               val_dataloader=dict(num_workers=2, persistent_workers=True),
               test_dataloader=dict(persistent_workers=True))  # num_workers defaults to 0
    changed = runtime.fix_dataloaders(cfg)
    assert sorted(changed) == ['test_dataloader', 'train_dataloader']
    assert cfg.train_dataloader.persistent_workers is False
    assert cfg.val_dataloader.persistent_workers is True
    assert cfg.test_dataloader.persistent_workers is False


def test_amp_is_fp16_on_cuda_and_bf16_on_cpu():
    cfg = _cfg(optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)))
    runtime.enable_amp(cfg, cuda=True)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    cfg = _cfg(optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1), loss_scale=512.))
    runtime.enable_amp(cfg, cuda=False)
    assert cfg.optim_wrapper.type == 'CPUAmpOptimWrapper'
    assert cfg.optim_wrapper.dtype == 'bfloat16' and 'loss_scale' not in cfg.optim_wrapper


def test_cpu_amp_wrapper_autocasts_to_bfloat16():
    from mmengine.optim import build_optim_wrapper
    model = torch.nn.Linear(4, 2)
    wrapper = build_optim_wrapper(model, dict(type='CPUAmpOptimWrapper', dtype='bfloat16',
                                              optimizer=dict(type='SGD', lr=0.1)))
    with wrapper.optim_context(model):
        out = model(torch.randn(3, 4))
    assert out.dtype == torch.bfloat16
    before = model.weight.detach().clone()
    wrapper.update_params(out.float().sum())
    assert not torch.equal(before, model.weight)


def test_pretrained_backbone_option_sets_init_cfg_and_clears_mmseg_pretrained():
    cfg = _cfg(default_scope='mmseg',
               model=dict(type='EncoderDecoder', pretrained='open-mmlab://resnet50_v1c',
                          backbone=dict(type='ResNetV1c', depth=50)))
    runtime.apply_pretrained_backbone(cfg, '/x/epoch_100.pth')
    assert cfg.model.pretrained is None
    assert cfg.model.backbone.init_cfg == dict(type='Pretrained', checkpoint='/x/epoch_100.pth',
                                               prefix='backbone.', strict=True)


def test_train_help_documents_work_dir_safety():
    text = runtime.build_train_parser().format_help()
    for word in ('--overwrite', '--resume', 'previous_run_', 'last_checkpoint', 'refused'):
        assert word in text


# ---------------------------------------------------------------------------------------------
# distributed on CPU (compat shim 2)
# ---------------------------------------------------------------------------------------------
def test_replace_sync_bn_recurses_through_the_model():
    model = dict(backbone=dict(norm_cfg=dict(type='SyncBN', requires_grad=True)),
                 decode_head=dict(norm_cfg=dict(type='MMSyncBN')),
                 auxiliary_head=[dict(norm_cfg=dict(type='SyncBN'))],
                 neck=dict(norm_cfg=dict(type='GN', num_groups=32)))
    assert replace_sync_bn(model) == 3
    assert model['backbone']['norm_cfg'] == dict(type='BN', requires_grad=True)
    assert model['decode_head']['norm_cfg']['type'] == 'BN'
    assert model['auxiliary_head'][0]['norm_cfg']['type'] == 'BN'
    assert model['neck']['norm_cfg']['type'] == 'GN'


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_setup_cpu_distributed_initialises_gloo_and_edits_the_config(monkeypatch):
    import torch.distributed as dist
    assert not dist.is_initialized()
    for k, v in dict(RANK='0', WORLD_SIZE='1', LOCAL_RANK='0', MASTER_ADDR='127.0.0.1',
                     MASTER_PORT=str(_free_port())).items():
        monkeypatch.setenv(k, v)
    cfg = _cfg(model=dict(backbone=dict(norm_cfg=dict(type='SyncBN'))), find_unused_parameters=True,
               env_cfg=dict(dist_cfg=dict(backend='nccl', timeout=60)), sync_bn='torch')
    try:
        setup_cpu_distributed(cfg, 'pytorch')
        assert dist.is_initialized() and dist.get_backend() == 'gloo'
        setup_cpu_distributed(cfg, 'pytorch')  # idempotent
    finally:
        dist.destroy_process_group()
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg == dict(type='MMDistributedDataParallel', device_ids=None,
                                         broadcast_buffers=False, find_unused_parameters=True)
    assert cfg.model.backbone.norm_cfg.type == 'BN' and cfg.sync_bn is None


# ---------------------------------------------------------------------------------------------
# work-dir safety
# ---------------------------------------------------------------------------------------------
def _touch(directory, *names):
    os.makedirs(directory, exist_ok=True)
    for n in names:
        with open(osp.join(directory, n), 'w') as f:
            f.write(n)


def test_new_run_into_a_work_dir_with_checkpoints_is_refused(tmp_path):
    wd = str(tmp_path / 'wd')
    _touch(wd, 'epoch_1.pth', 'epoch_2.pth', 'best_accuracy_top1_epoch_2.pth', 'last_checkpoint')
    cfg = _cfg(work_dir=wd, resume=False)
    with pytest.raises(ToolError, match='--resume.*--work-dir.*--overwrite'):
        runtime.guard_work_dir(cfg)
    assert sorted(os.listdir(wd)) == sorted(['epoch_1.pth', 'epoch_2.pth', 'last_checkpoint',
                                             'best_accuracy_top1_epoch_2.pth'])
    # logs of earlier runs alone are no reason to refuse
    assert runtime.guard_work_dir(_cfg(work_dir=str(tmp_path / 'other'), resume=False)) == []


def test_overwrite_moves_the_earlier_checkpoints_aside(tmp_path):
    wd = str(tmp_path / 'wd')
    _touch(wd, 'epoch_1.pth', 'last_checkpoint')
    _touch(osp.join(wd, '20260101_000000'), 'run.log')
    notes = runtime.guard_work_dir(_cfg(work_dir=wd, resume=False), overwrite=True,
                                   stamp='STAMP')
    assert len(notes) == 1 and 'previous_run_STAMP' in notes[0]
    assert sorted(os.listdir(osp.join(wd, 'previous_run_STAMP'))) == ['epoch_1.pth',
                                                                     'last_checkpoint']
    assert runtime.existing_checkpoints(wd) == []
    assert osp.isfile(osp.join(wd, '20260101_000000', 'run.log'))


def test_resume_keeps_everything_and_explicit_resume_moves_only_later_steps(tmp_path):
    wd = str(tmp_path / 'wd')
    _touch(wd, 'epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth', 'last_checkpoint')
    assert runtime.guard_work_dir(_cfg(work_dir=wd, resume=True, load_from=None)) == []
    resume_1 = _cfg(work_dir=wd, resume=True, load_from=osp.join(wd, 'epoch_1.pth'))
    assert runtime.guard_work_dir(resume_1) == []  # moved only once epoch_1 is checked:
    assert sorted(os.listdir(wd)) == ['epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth',
                                      'last_checkpoint']
    from attn_plugins.runtime.checks import set_aside_later_checkpoints
    assert set_aside_later_checkpoints(_cfg(work_dir=wd, resume=True, load_from=None)) == []
    notes = set_aside_later_checkpoints(resume_1, stamp='S')
    assert len(notes) == 1
    assert sorted(os.listdir(osp.join(wd, 'previous_run_S'))) == ['epoch_2.pth', 'epoch_3.pth']
    assert osp.isfile(osp.join(wd, 'epoch_1.pth'))


def test_auto_resume_without_last_checkpoint_does_not_overwrite(tmp_path):
    # mmengine's auto-resume reads only last_checkpoint: without it, it would start over and
    # overwrite epoch_*.pth; the guard names the latest one to resume from instead
    wd = str(tmp_path / 'wd')
    _touch(wd, 'epoch_1.pth', 'epoch_2.pth', 'epoch_10.pth')
    with pytest.raises(ToolError, match=r'no last_checkpoint.*--resume \S*epoch_10\.pth') as e:
        runtime.guard_work_dir(_cfg(work_dir=wd, resume=True, load_from=None))
    assert '\n' not in str(e.value)
    assert sorted(os.listdir(wd)) == ['epoch_1.pth', 'epoch_10.pth', 'epoch_2.pth']
    # an explicit CKPT, or an empty work dir (a new run), pass
    assert runtime.guard_work_dir(_cfg(work_dir=wd, resume=True,
                                       load_from=osp.join(wd, 'epoch_2.pth'))) == []
    assert runtime.guard_work_dir(_cfg(work_dir=str(tmp_path / 'new'), resume=True,
                                       load_from=None)) == []
    # checkpoints in the hook's out_dir, last_checkpoint in the work dir (where mmengine puts it)
    out = str(tmp_path / 'ckpts')
    _touch(osp.join(out, 'wd2'), 'iter_100.pth')
    _touch(str(tmp_path / 'wd2'), 'last_checkpoint')
    cfg = _cfg(work_dir=str(tmp_path / 'wd2'), resume=True, load_from=None,
               default_hooks=dict(checkpoint=dict(type='CheckpointHook', out_dir=out)))
    assert runtime.guard_work_dir(cfg) == []


def test_checkpoint_hook_out_dir_is_guarded_too(tmp_path):
    wd, out = str(tmp_path / 'wd'), str(tmp_path / 'ckpts')
    _touch(osp.join(out, 'wd'), 'iter_100.pth')
    cfg = _cfg(work_dir=wd, resume=False,
               default_hooks=dict(checkpoint=dict(type='CheckpointHook', out_dir=out)))
    with pytest.raises(ToolError, match='iter_100.pth'):
        runtime.guard_work_dir(cfg)


# ---------------------------------------------------------------------------------------------
# data checks
# ---------------------------------------------------------------------------------------------
def _loader(**dataset):
    return dict(batch_size=1, dataset=dataset)


def test_check_data_names_the_missing_path(tmp_path, tiny_data):
    ok = _cfg(default_scope='mmpretrain', train_dataloader=_loader(
        type='RepeatDataset', times=2, dataset=dict(
            type='CustomDataset', data_root=tiny_data, data_prefix='train')))
    runtime.check_data(ok, ['train_dataloader'])

    bad_root = _cfg(default_scope='mmdet', train_dataloader=_loader(
        type='CocoDataset', data_root=str(tmp_path / 'nowhere'),
        ann_file='annotations/instances_train2017.json', data_prefix=dict(img='train2017/')))
    with pytest.raises(ToolError, match=r"train_dataloader\.dataset: .*data_root .*nowhere"
                                      r".* does not exist"):
        runtime.check_data(bad_root, ['train_dataloader'])

    bad_ann = _cfg(default_scope='mmpretrain', val_dataloader=_loader(
        type='ConcatDataset', datasets=[dict(type='CustomDataset', data_root=tiny_data,
                                             ann_file='meta/val.txt', data_prefix='val')]))
    with pytest.raises(ToolError, match=r'datasets\[0\]: annotation file .*meta/val.txt'):
        runtime.check_data(bad_ann, ['val_dataloader'])

    bad_prefix = _cfg(default_scope='mmseg', test_dataloader=_loader(
        type='CityscapesDataset', data_root=tiny_data,
        data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val')))
    with pytest.raises(ToolError, match='leftImg8bit'):
        runtime.check_data(bad_prefix, ['test_dataloader'])

    bad_prefix.test_dataloader.dataset.type = 'BaseSegDataset'  # the base class reads the same
    with pytest.raises(ToolError, match=r"data_prefix\.img_path='leftImg8bit/val'"):
        runtime.check_data(bad_prefix, ['test_dataloader'])


def test_check_data_leaves_self_downloading_datasets_alone(tmp_path):
    cfg = _cfg(default_scope='mmpretrain', train_dataloader=_loader(
        type='CIFAR10', data_root=str(tmp_path / 'cifar10'), split='train'))
    runtime.check_data(cfg, ['train_dataloader'])  # mmpretrain's CIFAR10 downloads by default
    cfg.train_dataloader.dataset.download = False
    with pytest.raises(ToolError, match='cifar10'):
        runtime.check_data(cfg, ['train_dataloader'])


# ---------------------------------------------------------------------------------------------
# error formatting
# ---------------------------------------------------------------------------------------------
def test_corrupt_json_annotation_is_one_line_naming_the_file(tiny_data):
    from mmpretrain.datasets import BaseDataset
    path = osp.join(tiny_data, 'annotations', 'corrupt.json')
    with pytest.raises(json.JSONDecodeError) as info:
        BaseDataset(ann_file=path, data_prefix=osp.join(tiny_data, 'train'))
    line = runtime.format_error(info.value)
    assert '\n' not in line
    assert 'corrupt.json' in line and 'not valid JSON' in line


def test_unknown_registry_type_and_unknown_plugin():
    from mmengine.registry import MODELS
    with pytest.raises(KeyError) as info:
        MODELS.build(dict(type='NoSuchThing'))
    line = runtime.format_error(info.value)
    assert "unknown type 'NoSuchThing'" in line and '\n' not in line

    from attn_plugins.catalog import module_names
    cfg = _cfg(default_scope='mmdet', model=dict(type='FasterRCNN', backbone=dict(
        type='ResNet', plugins=[dict(cfg=dict(type='NoSuchAttn'), position='after_conv3')])))
    line = runtime.format_error(KeyError('Cannot find None in registry under scope name mmdet'),
                                cfg)
    assert "unknown attention module 'NoSuchAttn'" in line
    assert 'model.backbone.plugins[0]' in line
    assert all(name in line for name in module_names())


def test_generic_errors_point_to_debug():
    line = runtime.format_error(RuntimeError('boom\nsecond line'))
    assert line.startswith('RuntimeError: boom second line') and '--debug' in line


def test_run_tool_prints_one_line_and_debug_reraises(capsys, monkeypatch):
    def main(argv, ctx):
        raise ToolError('something the user can fix')
    assert runtime.run_tool(main, [], 'x.py') == 1
    assert capsys.readouterr().err == 'x.py: error: something the user can fix\n'
    with pytest.raises(ToolError):
        runtime.run_tool(main, ['--debug'], 'x.py')
    monkeypatch.setenv('ATTN_PLUGINS_DEBUG', '1')
    with pytest.raises(ToolError):
        runtime.run_tool(main, [], 'x.py')


# ---------------------------------------------------------------------------------------------
# checkpoint checks
# ---------------------------------------------------------------------------------------------
def test_state_dict_comparison_allows_missing_plugins_only():
    from mmdet.models.backbones import ResNet as DetResNet
    plain = DetResNet(depth=50, base_channels=8)
    with_gc = DetResNet(depth=50, base_channels=8, plugins=[dict(
        cfg=dict(type='ContextBlock', ratio=1. / 4), position='after_conv3',
        stages=(False, True, True, True))])
    prefixes = runtime.plugin_prefixes(with_gc)
    assert prefixes and all('context_block' in p for p in prefixes)
    report = runtime.compare_state_dicts(with_gc.state_dict(), plain.state_dict(), prefixes)
    assert report['missing'] == [] and report['mismatched'] == []
    assert report['optional_missing'] and all(k.startswith(tuple(prefixes))
                                              for k in report['optional_missing'])


def _save_classifier(path, backbone):
    from mmpretrain.models import ImageClassifier
    model = ImageClassifier(backbone=backbone, neck=dict(type='GlobalAveragePooling'),
                            head=dict(type='LinearClsHead', num_classes=2, in_channels=64))
    torch.save(dict(meta={}, state_dict=model.state_dict()), path)


class _Det(torch.nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone


def test_classification_checkpoint_that_does_not_fit_the_detection_backbone(tmp_path):
    from mmdet.models.backbones import ResNet as DetResNet
    ckpt = str(tmp_path / 'cls.pth')
    _save_classifier(ckpt, dict(type='ResNet_CIFAR', depth=18, stem_channels=8, base_channels=8))
    init = dict(type='Pretrained', checkpoint=ckpt, prefix='backbone.')
    det = _Det(DetResNet(depth=50, base_channels=8, init_cfg=init))
    with pytest.raises(ToolError) as info:
        runtime.check_pretrained_backbone(det)
    msg = str(info.value)
    assert 'does not match model.backbone (ResNet)' in msg
    assert 'keys missing' in msg and 'different shape' in msg
    assert 'layer1.0.conv3.weight' in msg or 'missing' in msg
    notes = runtime.check_pretrained_backbone(det, strict=False)
    assert any('does not match' in n for n in notes)

    # a matching checkpoint (same architecture) passes
    _save_classifier(ckpt, dict(type='mmdet.ResNet', depth=18, base_channels=8))
    ok = _Det(DetResNet(depth=18, base_channels=8, init_cfg=init))
    assert not any('does not match' in n for n in runtime.check_pretrained_backbone(ok))
    with pytest.raises(ToolError, match='not found'):
        runtime.check_pretrained_backbone(_Det(DetResNet(depth=18, init_cfg=dict(
            type='Pretrained', checkpoint=str(tmp_path / 'missing.pth')))))
    # torchvision:// and URLs are left to mmengine (no download here)
    assert runtime.check_pretrained_backbone(_Det(DetResNet(depth=18, init_cfg=dict(
        type='Pretrained', checkpoint='torchvision://resnet18')))) == []


def test_corrupt_and_missing_coco_annotations(tmp_path):
    from mmdet.datasets import CocoDataset
    ann = tmp_path / 'instances_val2017.json'
    ann.write_text('{"images": [{"id": 1, "file_name": "a.jpg"')
    with pytest.raises(json.JSONDecodeError) as info:
        CocoDataset(ann_file=str(ann), data_prefix=dict(img=str(tmp_path)), pipeline=[])
    line = runtime.format_error(info.value)
    assert 'instances_val2017.json' in line and 'not valid JSON' in line and '\n' not in line

    with pytest.raises(FileNotFoundError) as info:
        CocoDataset(ann_file=str(tmp_path / 'gone.json'), data_prefix=dict(img=str(tmp_path)),
                    pipeline=[])
    line = runtime.format_error(info.value)
    assert line.startswith('CocoDataset: file not found') and 'gone.json' in line


def test_launcher_without_its_environment_is_one_clear_error(monkeypatch):
    for var in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ToolError, match='dist_train.sh'):
        runtime.init_distributed(_cfg(), 'pytorch')


def test_show_dir_and_tta_follow_each_library():
    pipeline = [dict(type='LoadImageFromFile'), dict(type='PackDetInputs')]
    det = _cfg(default_hooks=dict(visualization=dict(type='DetVisualizationHook')),
               model=dict(type='FasterRCNN'),
               test_dataloader=dict(dataset=dict(type='CocoDataset', pipeline=pipeline)))
    runtime.enable_visualization(det, 'mmdet', False, 'vis', 2)
    vis = det.default_hooks.visualization
    assert vis.draw and vis.test_out_dir == 'vis'
    runtime.enable_tta(det, 'mmdet')
    assert det.model.type == 'DetTTAModel' and det.model.module.type == 'FasterRCNN'
    assert det.test_dataloader.dataset.pipeline[-1]['type'] == 'TestTimeAug'

    cls = _cfg(default_hooks=dict(visualization=dict(type='VisualizationHook', enable=False)),
               model=dict(type='ImageClassifier'),
               test_dataloader=dict(dataset=dict(pipeline=[dict(type='PackInputs')])))
    runtime.enable_visualization(cls, 'mmpretrain', False, 'vis', 2)
    vis = cls.default_hooks.visualization
    assert vis.enable and vis.out_dir == 'vis'
    runtime.enable_tta(cls, 'mmpretrain')
    assert cls.model.type == 'mmpretrain.AverageClsScoreTTA'

    seg = _cfg(default_hooks=dict(visualization=dict(type='SegVisualizationHook')),
               visualizer=dict(type='SegLocalVisualizer'), model=dict(type='EncoderDecoder'),
               test_dataloader=dict(dataset=dict(pipeline=[])))
    runtime.enable_visualization(seg, 'mmseg', False, 'vis', 2)
    assert seg.default_hooks.visualization.draw and seg.visualizer.save_dir == 'vis'
    with pytest.raises(ToolError, match='tta_model'):
        runtime.enable_tta(seg, 'mmseg')
    with pytest.raises(ToolError, match='visualization'):
        runtime.enable_visualization(_cfg(default_hooks=dict()), 'mmdet', True, None, 2)


def test_build_runner_names_an_unknown_runner_type():
    from mmengine.config import Config

    from attn_plugins.runtime.entry import _build_runner
    with pytest.raises(ToolError, match=r"runner_type 'NoSuchRunner' is not in the RUNNERS"):
        _build_runner(Config(dict(runner_type='NoSuchRunner')))
    with pytest.raises(ToolError, match='a registered name or a Runner class, got 3'):
        _build_runner(Config(dict(runner_type=3)))
