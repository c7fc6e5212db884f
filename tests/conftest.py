"""Suite-wide isolation.

mmengine's ``init_default_scope`` sets a process-global default scope (mmdet, mmseg, mmpretrain) and
every later ``build`` resolves types in that scope's registry first. Tests that build models for
different libraries must not see each other's scope, so it is restored after every test.
"""
import pytest


@pytest.fixture(autouse=True)
def _restore_mmengine_default_scope():
    from mmengine.registry import DefaultScope
    saved = dict(DefaultScope._instance_dict)
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(saved)


# ------------------------------------------------------------------------------------------------
# work dirs as mmengine's Runner writes them, without training (for the readers: summarize,
# compare, the sweep's run states)
# ------------------------------------------------------------------------------------------------
FAKE_CONFIG = '''default_scope = {scope!r}
model = dict(type='ImageClassifier', backbone=dict(type='AttnResNet_CIFAR', depth=18,
             plugins={plugins}))
train_cfg = dict(by_epoch=True, max_epochs={epochs}, val_interval={epochs})
randomness = dict(seed={seed}, deterministic=False)
work_dir = {work_dir!r}
{extra}
'''


def write_work_dir(work_dir, seed=0, val=None, epochs=2, done_epochs=None, test=None,
                   plugins='None', scope='mmpretrain', extra='', name='cfg', ts='20260101_000000'):
    """A work dir of one run: the dumped config ``<name>.py``, the JSON scalar log
    ``<ts>/vis_data/<ts>.json`` with one training record per epoch trained (``done_epochs``,
    default all) and, if ``val`` (a dict of logged metric keys) is given, a validation record
    after the last one; ``epoch_N.pth`` + ``last_checkpoint`` for the epochs trained; ``test``:
    a tools/test.py metrics dump in a later timestamp folder. Returns the work dir."""
    import json
    import os
    import os.path as osp
    work_dir = str(work_dir)
    os.makedirs(osp.join(work_dir, ts, 'vis_data'), exist_ok=True)
    with open(osp.join(work_dir, f'{name}.py'), 'w') as f:
        f.write(FAKE_CONFIG.format(scope=scope, plugins=plugins, epochs=epochs, seed=seed,
                                   work_dir=work_dir, extra=extra))
    done = epochs if done_epochs is None else done_epochs
    with open(osp.join(work_dir, ts, 'vis_data', f'{ts}.json'), 'w') as f:
        for e in range(1, done + 1):
            f.write(json.dumps(dict(loss=1. / e, time=0.5, epoch=e, iter=e * 4, step=e * 4))
                    + '\n')
        if val is not None:
            f.write(json.dumps(dict(val, step=done)) + '\n')
    for e in range(1, done + 1):
        with open(osp.join(work_dir, f'epoch_{e}.pth'), 'wb') as f:
            f.write(b'not a real checkpoint')
    if done:
        with open(osp.join(work_dir, 'last_checkpoint'), 'w') as f:
            f.write(osp.join(work_dir, f'epoch_{done}.pth'))
    if test is not None:
        tts = ts[:-1] + str(int(ts[-1]) + 1)
        os.makedirs(osp.join(work_dir, tts), exist_ok=True)
        with open(osp.join(work_dir, tts, f'{tts}.json'), 'w') as f:
            json.dump(test, f)
    return work_dir


@pytest.fixture(scope='session')
def fake_work_dir():
    """``fake_work_dir(path, seed=0, val=None, epochs=2, done_epochs=None, test=None, ...)``: see
    :func:`write_work_dir`."""
    return write_work_dir
