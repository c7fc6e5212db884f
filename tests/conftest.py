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
