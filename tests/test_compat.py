"""attn_plugins.compat: a checkpoint saved by an mmengine Runner loads and resumes on this torch."""
import os.path as osp

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
