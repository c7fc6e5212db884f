"""Fixtures for the converter tests: the reference layouts, files fabricated from them in the
released wrapping, and each classification config's model built once per session.

``layouts/`` is a verbatim copy of ``shared/reference/checkpoint_layouts/`` (28 JSON files: every
key of each released file with its shape and dtype, the file wrapping, the published top-1 and the
network's parameter count), so the tests need neither the shared folder nor any download.
Fabricated tensors are stride-0 views of one value (``expand``): a ResNet-101 state dict is a few
kB on disk and in memory, and every tensor carries a distinct value, so the tests can follow each
released tensor to the model key it lands on. No imports between test files (fixtures only).
"""
import copy
import glob
import json
import os.path as osp
import warnings

import pytest
import torch

HERE = osp.dirname(osp.abspath(__file__))
LAYOUT_DIR = osp.join(HERE, 'layouts')
DTYPES = {'float32': torch.float32, 'float16': torch.float16, 'int64': torch.int64}


def _layouts():
    out = {}
    for path in sorted(glob.glob(osp.join(LAYOUT_DIR, '*.json'))):
        with open(path) as f:
            d = json.load(f)
        out[d['source']] = d
    return out


LAYOUTS = _layouts()


def pytest_generate_tests(metafunc):
    if 'source_name' in metafunc.fixturenames:
        metafunc.parametrize('source_name', sorted(LAYOUTS))


@pytest.fixture(autouse=True)
def _one_thread():
    """One intra-op thread: on the shared 2-core machine more threads make these small forward
    passes several times slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope='session')
def layouts():
    """``{source: layout JSON}``."""
    return LAYOUTS


def fabricate(layout, rename=None, drop=(), kernel=None):
    """``{key: tensor}`` with exactly ``layout['keys']`` (shape, dtype), tensor i holding the value
    ``i + 1`` (stride 0). ``rename(key) -> key`` edits names (another release's attribute names),
    ``drop`` leaves keys out, ``kernel`` replaces the last two dims of 2->1 gate convs
    (``(1, 2, 7, 7)`` -> ``(1, 2, k, k)``: Triplet's other file)."""
    sd = {}
    for i, (key, spec) in enumerate(layout['keys'].items()):
        if key in drop:
            continue
        shape, dtype = list(spec['shape']), DTYPES[spec['dtype']]
        if kernel is not None and shape[:2] == [1, 2] and len(shape) == 4:
            shape = [1, 2, kernel, kernel]
        sd[rename(key) if rename else key] = torch.full([1] * len(shape), i + 1,
                                                        dtype=dtype).expand(shape)
    return sd


def wrap(layout, sd):
    """``sd`` in the layout's released wrapping (plain, or pytorch/examples' DataParallel dict)."""
    if layout['file_wrapping'].startswith('dict(state_dict='):
        return dict(epoch=90, arch='resnet50', best_acc1=torch.tensor(77.0),
                    state_dict={f'module.{k}': v for k, v in sd.items()})
    return dict(sd)


@pytest.fixture(scope='session')
def fabricated():
    """``fabricated(layout, **kw)`` -> the released file's object (see :func:`fabricate`)."""
    def make(layout, **kw):
        return wrap(layout, fabricate(layout, **kw))
    return make


@pytest.fixture(scope='session')
def state_dict_of():
    """``state_dict_of(layout, **kw)`` -> the bare ``{key: tensor}`` (see :func:`fabricate`)."""
    return fabricate


class ModelCache:
    """Each config's model once per session, on the meta device (keys, shapes, parameter
    counts) or on the CPU (numbers)."""

    def __init__(self):
        self._cpu = {}

    def meta(self, config):
        from attn_plugins.converters.core import meta_model  # the converter's own, cached
        return meta_model(config)

    def fresh_meta(self, config):
        return copy.deepcopy(self.meta(config))

    def cpu(self, config):
        if config not in self._cpu:
            from attn_plugins.converters import build_model
            self._cpu[config] = build_model(config).eval()
        return self._cpu[config]


@pytest.fixture(scope='session')
def models():
    return ModelCache()


@pytest.fixture(scope='session')
def load_strict():
    """``load_strict(model, state_dict)``: ``load_state_dict(strict=True)`` (on a meta model the
    tensors are assigned; key and shape checks are the same)."""
    def load(model, sd):
        on_meta = next(model.parameters()).is_meta
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            return model.load_state_dict(sd, strict=True, assign=on_meta)
    return load
