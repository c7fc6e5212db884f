"""attn_plugins.compat: a checkpoint saved by an mmengine Runner loads and resumes on this torch;
mmcv's ops run in fp32 under CPU bf16 autocast (shim 4); the Runner logs the config once the run is
built (shim 5)."""
import glob
import os.path as osp

import pytest

import torch
from torch import nn
from torch.utils.data import Dataset

import attn_plugins  # noqa: F401  (applies the shims)
from mmengine.model import BaseModel
from mmengine.runner import Runner, load_checkpoint


class _Data(Dataset):
    def __init__(self):
        g = torch.Generator().manual_seed(0)
        self.x = torch.randn(16, 4, generator=g)
        self.y = self.x.sum(1, keepdim=True)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return dict(inputs=self.x[i], targets=self.y[i])


class _Model(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 1)

    def forward(self, inputs, targets=None, mode='tensor'):
        out = self.fc(inputs)
        if mode == 'loss':
            return dict(loss=((out - targets) ** 2).mean())
        return out


def _runner(work_dir, max_epochs, resume=False):
    return Runner(
        model=_Model(), work_dir=work_dir,
        train_dataloader=dict(dataset=_Data(), sampler=dict(type='DefaultSampler', shuffle=True),
                              collate_fn=dict(type='default_collate'), batch_size=4,
                              num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9)),
        param_scheduler=dict(type='MultiStepLR', milestones=[1], gamma=0.5),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1)),
        resume=resume, randomness=dict(seed=0), env_cfg=dict(dist_cfg=dict(backend='gloo')),
        default_scope='mmengine')


def test_runner_checkpoint_saves_loads_and_resumes(tmp_path):
    """Under torch's weights_only default, mmengine's own checkpoints (message hub, optimizer and
    scheduler state) must load and resume; without the shim this raises 'Unsupported global'."""
    work_dir = str(tmp_path)
    first = _runner(work_dir, max_epochs=2)
    first.train()
    ckpt = osp.join(work_dir, 'epoch_2.pth')
    assert osp.isfile(ckpt)

    # Plain load through mmengine's loader (what load_from / init_cfg=Pretrained use).
    state = load_checkpoint(_Model(), ckpt, map_location='cpu')
    assert 'message_hub' in state and 'optimizer' in state and 'param_schedulers' in state

    # Resume: the run continues at epoch 2 with the saved optimizer momentum and iteration count.
    second = _runner(work_dir, max_epochs=3, resume=True)
    second.train()
    assert second.epoch == 3 and second.iter == 12
    assert osp.isfile(osp.join(work_dir, 'epoch_3.pth'))
    momentum = second.optim_wrapper.optimizer.state_dict()['state']
    assert momentum, 'optimizer state was not restored'
    lr = second.optim_wrapper.optimizer.param_groups[0]['lr']
    assert abs(lr - 0.005) < 1e-12, 'scheduler state was not restored'


# ----------------------------------------------------------------------------------------------
# shim 4: mmcv ops under CPU autocast
# ----------------------------------------------------------------------------------------------
def _boxes(n=200, seed=0):
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(n, 2, generator=g) * 300
    wh = torch.rand(n, 2, generator=g) * 80 + 4
    return torch.cat([xy, xy + wh], 1), torch.rand(n, generator=g)


def test_mmcv_nms_has_no_bf16_cpu_kernel():
    """Why shim 4 exists (fails once mmcv ships a bf16 CPU kernel: then drop the shim)."""
    from mmcv.ops.nms import NMSop
    boxes, scores = _boxes()
    with pytest.raises(RuntimeError, match='expected scalar type Float but found BFloat16'):
        NMSop.forward.__wrapped__(None, boxes.bfloat16(), scores.bfloat16(), 0.5, 0, 0, -1)


def test_every_mmcv_autograd_function_is_wrapped():
    from mmcv.ops.nms import NMSop, SoftNMSop
    from mmcv.ops.roi_align import RoIAlignFunction

    from attn_plugins.compat import mmcv_autograd_functions
    functions = mmcv_autograd_functions()
    assert {NMSop, SoftNMSop, RoIAlignFunction} <= set(functions)
    for fn in functions:
        assert getattr(fn.forward, '_fp32_under_cpu_autocast', False), fn
        if 'backward' in fn.__dict__:
            assert getattr(fn.backward, '_fp32_under_cpu_autocast', False), fn


@pytest.mark.parametrize('op', ['nms', 'batched_nms', 'soft_nms'])
def test_nms_under_bf16_autocast_gives_the_fp32_boxes(op):
    """bf16 inputs under autocast: the same kept boxes as the fp32 call on the same values, and
    dets in the inputs' dtype (gathered, so exact)."""
    from mmcv import ops
    boxes, scores = _boxes()
    boxes, scores = boxes.bfloat16(), scores.bfloat16()  # what the heads give under autocast
    idxs = torch.arange(len(boxes)) % 3
    call = {'nms': lambda b, s: ops.nms(b, s, 0.5),
            'batched_nms': lambda b, s: ops.batched_nms(
                b, s, idxs, dict(type='nms', iou_threshold=0.5)),
            'soft_nms': lambda b, s: ops.soft_nms(b, s, 0.5, min_score=0.05)}[op]
    ref_dets, ref_keep = call(boxes.float(), scores.float())
    with torch.autocast('cpu', dtype=torch.bfloat16):
        dets, keep = call(boxes, scores)
    assert len(keep) > 10 and len(keep) < len(boxes)
    assert torch.equal(keep, ref_keep)
    assert dets.dtype == torch.bfloat16
    if op == 'soft_nms':  # rescored in fp32, then rounded as a bf16 kernel would
        torch.testing.assert_close(dets, ref_dets.bfloat16(), rtol=0, atol=0)
    else:
        assert torch.equal(dets.float(), ref_dets)


def test_roi_align_under_bf16_autocast_matches_fp32_forward_and_backward():
    from mmcv.ops import RoIAlign
    g = torch.Generator().manual_seed(0)
    feats = torch.randn(2, 8, 32, 40, generator=g).bfloat16()
    boxes, _ = _boxes(30)
    rois = torch.cat([(torch.arange(30) % 2).float()[:, None], boxes / 10], 1).bfloat16()
    layer = RoIAlign(7, spatial_scale=1.0, sampling_ratio=0)
    grad = torch.randn(30, 8, 7, 7, generator=g)

    x_ref = feats.float().requires_grad_(True)
    ref = layer(x_ref, rois.float())
    (ref * grad).sum().backward()

    x = feats.clone().requires_grad_(True)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = layer(x, rois)
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out, ref.detach().bfloat16(), rtol=0, atol=0)
    (out.float() * grad).sum().backward()
    assert x.grad.dtype == torch.bfloat16
    torch.testing.assert_close(x.grad.float(), x_ref.grad, rtol=2e-2, atol=2e-2)


def test_mmcv_ops_untouched_outside_cpu_autocast():
    from mmcv import ops
    from mmcv.ops.nms import NMSop
    boxes, scores = _boxes()
    keep = NMSop.apply(boxes, scores, 0.5, 0, 0, -1)
    assert torch.equal(keep, NMSop.forward.__wrapped__(None, boxes, scores, 0.5, 0, 0, -1))
    with pytest.raises(RuntimeError, match='BFloat16'):  # no autocast: no cast either
        ops.nms(boxes.bfloat16(), scores.bfloat16(), 0.5)


def test_evaluator_hands_metrics_fp32_copies_of_bf16_predictions():
    """Predictions made under bf16 autocast reach the metrics as float32 (numpy has no bf16);
    other dtypes and the data elements' structure are as mmengine's own to_dict() gives them."""
    from mmengine.evaluator import BaseMetric, Evaluator
    from mmengine.structures import BaseDataElement, InstanceData

    class Keep(BaseMetric):
        def process(self, data_batch, data_samples):
            self.results.extend(data_samples)

        def compute_metrics(self, results):
            return {}

    pred = InstanceData(bboxes=torch.rand(3, 4).bfloat16(), labels=torch.tensor([0, 1, 2]),
                        scores=torch.rand(3, dtype=torch.float16))
    sample = BaseDataElement(pred_instances=pred, img_id=7)
    metric = Keep()
    Evaluator([metric]).process([sample])
    (got, ) = metric.results
    assert got['img_id'] == 7
    inst = got['pred_instances']
    assert inst['bboxes'].dtype == torch.float32
    assert torch.equal(inst['bboxes'], pred.bboxes.float())
    assert inst['labels'].dtype == torch.int64 and inst['scores'].dtype == torch.float16
    inst['bboxes'].numpy()  # what mmdet's CocoMetric does


# ----------------------------------------------------------------------------------------------
# shim 5: the config dump after the build
# ----------------------------------------------------------------------------------------------
def _log_text(work_dir):
    (path, ) = glob.glob(osp.join(work_dir, '*', '*.log'))
    with open(path) as f:
        return f.read()


def _deferred_runner(work_dir, train_dataloader=None):
    from mmengine.config import Config

    from attn_plugins.compat import deferred_config_log
    loader = train_dataloader or dict(
        dataset=_Data(), sampler=dict(type='DefaultSampler', shuffle=True),
        collate_fn=dict(type='default_collate'), batch_size=4, num_workers=0)
    return deferred_config_log(Runner)(
        model=_Model(), work_dir=work_dir, train_dataloader=loader,
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=dict(by_epoch=True, max_epochs=1), randomness=dict(seed=0),
        env_cfg=dict(dist_cfg=dict(backend='gloo')), default_scope='mmengine',
        experiment_name=f'deferred_{osp.basename(work_dir)}',  # own logger (same-second runs)
        cfg=Config(dict(marker_value='CONFIG_MARKER_1234')))


def test_config_is_logged_when_the_run_starts(tmp_path):
    from attn_plugins.compat import deferred_config_log
    assert deferred_config_log(Runner).__name__ == 'Runner'
    assert deferred_config_log(deferred_config_log(Runner)) is deferred_config_log(Runner)
    runner = _deferred_runner(str(tmp_path))
    built = _log_text(str(tmp_path))
    assert 'System environment' in built and 'CONFIG_MARKER_1234' not in built
    runner.train()
    log = _log_text(str(tmp_path))
    assert log.count('CONFIG_MARKER_1234') == 1
    assert log.index('Hooks will be executed') < log.index('Config:') < log.index('Epoch(train)')


def test_config_is_not_logged_when_the_build_fails(tmp_path):
    runner = _deferred_runner(str(tmp_path), train_dataloader=dict(
        dataset=dict(type='NoSuchDataset'), sampler=dict(type='DefaultSampler'), batch_size=4))
    with pytest.raises(KeyError, match='NoSuchDataset'):
        runner.train()
    assert 'CONFIG_MARKER_1234' not in _log_text(str(tmp_path))
