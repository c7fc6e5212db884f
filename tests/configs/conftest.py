"""Shared machinery for the config-tree tests: one parse and one model build per config.

Speed (the tree has several hundred configs, the suite runs on 2 CPU cores):

- Config parsing is memoised per file for the session (``Config._file2dict``; the files do not
  change while the tests run). Each library base (``mmdet::...``) is then parsed once instead of
  once per config that inherits it, which also skips mmengine's scan of every library metafile.
- Models are built on the meta device with ``torch.nn.init``'s initialisers turned into no-ops:
  parameters have shapes but no storage and no values. Everything counted here is structural
  (parameter totals, state-dict keys and shapes).
- When a run selects many configs, the session fixture parses and builds those up front in forked
  worker processes (one per CPU, at most 4; ``ATTN_CONFIG_TEST_WORKERS=1`` turns this off) and
  keeps each config and a summary of its model. A config that fails there is simply rebuilt in
  the test itself, which then fails with the real traceback.

No imports between test files (``--import-mode=importlib``); helpers are fixtures.
"""
import contextlib
import copy
import glob
import logging
import multiprocessing
import multiprocessing.connection
import os
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_ROOT = osp.join(REPO, 'configs')
OWNED_ELSEWHERE = ('demo', )  # configs/demo/ belongs to another part of the project

_INITS = ('uniform_', 'normal_', 'trunc_normal_', 'constant_', 'ones_', 'zeros_', 'eye_',
          'dirac_', 'xavier_uniform_', 'xavier_normal_', 'kaiming_uniform_', 'kaiming_normal_',
          'orthogonal_', 'sparse_')


def _all_configs():
    """Every config under configs/ (relative paths), configs/demo/ excepted."""
    out = []
    for path in glob.glob(osp.join(CONFIG_ROOT, '**', '*.py'), recursive=True):
        rel = osp.relpath(path, CONFIG_ROOT).replace(osp.sep, '/')
        if rel.split('/')[0] in OWNED_ELSEWHERE or '__pycache__' in rel:
            continue
        out.append(rel)
    return sorted(out)


@contextlib.contextmanager
def _memoised_parsing():
    from mmengine.config import Config
    original = Config.__dict__['_file2dict']
    fn = original.__func__ if isinstance(original, staticmethod) else original
    cache = {}

    def _file2dict(filename, use_predefined_variables=True, use_environment_variables=True,
                   lazy_import=None):
        key = (osp.abspath(filename), use_predefined_variables, use_environment_variables,
               lazy_import)
        if key not in cache:
            cache[key] = fn(filename, use_predefined_variables, use_environment_variables,
                            lazy_import)
        return copy.deepcopy(cache[key])

    Config._file2dict = staticmethod(_file2dict)
    try:
        yield
    finally:
        Config._file2dict = original


@contextlib.contextmanager
def _no_init():
    """Initialisers as no-ops, and no DEBUG log records from mmengine's registry lookups."""
    import torch.nn.init as init
    saved = {n: getattr(init, n) for n in _INITS if hasattr(init, n)}
    logger = logging.getLogger('mmengine')
    level = logger.level
    logger.setLevel(logging.INFO)
    for n in saved:
        setattr(init, n, lambda tensor, *args, **kwargs: tensor)
    try:
        yield
    finally:
        for n, f in saved.items():
            setattr(init, n, f)
        logger.setLevel(level)


class ConfigTree:
    """Loads each config once and builds each model once (session cache)."""

    def __init__(self):
        import attn_plugins  # noqa: F401  (registers modules, backbones, CIFAR100Local)
        import mmdet.registry  # noqa: F401
        import mmpretrain.registry  # noqa: F401
        import mmseg.registry  # noqa: F401
        self._cfgs = {}
        self._models = {}
        self._backbones = {}

    def cfg(self, rel):
        if rel not in self._cfgs:
            from mmengine.config import Config
            self._cfgs[rel] = Config.fromfile(osp.join(CONFIG_ROOT, rel))
        return self._cfgs[rel]

    @staticmethod
    def build(scope, model_cfg):
        """Build ``model_cfg`` in ``scope`` on the meta device (CPU if an op refuses meta)."""
        from mmengine.registry import MODELS, init_default_scope
        init_default_scope(scope)
        model_cfg = copy.deepcopy(model_cfg)
        with _no_init():
            try:
                with torch.device('meta'):
                    return MODELS.build(model_cfg)
            except (NotImplementedError, RuntimeError):
                return MODELS.build(model_cfg)

    def model_summary(self, rel):
        """``dict(params=..., backbone={state-dict key: shape})`` of the config's model."""
        if rel not in self._models:
            cfg = self.cfg(rel)
            model = self.build(cfg.default_scope, cfg.model)
            self._models[rel] = dict(
                params=sum(p.numel() for p in model.parameters()),
                type=type(model).__name__,
                backbone={k: tuple(v.shape) for k, v in model.backbone.state_dict().items()})
            del model
        return self._models[rel]

    def prebuild(self, rels, workers):
        """Parse and build ``rels`` in ``workers`` forked processes; keep what succeeded."""
        rels = [r for r in rels if r not in self._models]
        if workers < 2 or len(rels) < 2 or 'fork' not in multiprocessing.get_all_start_methods():
            return
        ctx = multiprocessing.get_context('fork')
        readers = []
        for i in range(workers):
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_build_chunk, args=(self, rels[i::workers], writer),
                               daemon=True)
            proc.start()
            writer.close()
            readers.append((reader, proc))
        pending = {r: p for r, p in readers}
        while pending:
            ready = multiprocessing.connection.wait(list(pending), timeout=120)
            if not ready:  # a stuck worker: stop them all; the tests build in-process
                for proc in pending.values():
                    proc.kill()
                    proc.join()
                return
            for reader in ready:
                try:
                    msg = reader.recv()
                except EOFError:
                    msg = None
                if msg is None:
                    pending.pop(reader).join()
                    continue
                rel, cfg, summary = msg
                self._cfgs.setdefault(rel, cfg)
                self._models.setdefault(rel, summary)


def _build_chunk(tree, rels, writer):
    """Worker: parse and build each config, send ``(rel, cfg, summary)``; skip failures."""
    torch.set_num_threads(1)  # never enter the parent's (forked) OpenMP pool
    for rel in rels:
        try:
            writer.send((rel, tree.cfg(rel), tree.model_summary(rel)))
        except Exception:  # the test rebuilds it in the main process and shows the error
            pass
    writer.send(None)
    writer.close()


def _selected_configs(session):
    names = ('config', 'downstream', 'tv_pre', 'path')
    out = set()
    for item in session.items:
        params = getattr(getattr(item, 'callspec', None), 'params', {})
        out |= {v for k, v in params.items() if k in names}
    return out


def pytest_generate_tests(metafunc):
    """``config``: every config of the tree; ``downstream``: the detection/segmentation configs
    that start from one of our classification checkpoints (not ``_base_``, not ``*_tv-pre_*``,
    not the ``*_<source>-pre_*`` ones that start from a converted release);
    ``tv_pre``: the torchvision-initialised detection variants."""
    configs = _all_configs()
    if 'config' in metafunc.fixturenames:
        metafunc.parametrize('config', configs)
    if 'downstream' in metafunc.fixturenames:
        metafunc.parametrize('downstream', [
            c for c in configs if not c.startswith('_base_/') and '-pre_' not in c and
            ('_fpn_' in c or '-d8_' in c)
        ])
    if 'tv_pre' in metafunc.fixturenames:
        metafunc.parametrize('tv_pre', [c for c in configs if '_tv-pre_' in c])


@pytest.fixture(scope='session')
def tree(request):
    with _memoised_parsing():
        t = ConfigTree()
        selected = sorted(_selected_configs(request.session))
        if len(selected) >= 20:  # worth forking for; what the tests need besides is built lazily
            try:
                cpus = len(os.sched_getaffinity(0))
            except AttributeError:
                cpus = os.cpu_count() or 1
            workers = int(os.environ.get('ATTN_CONFIG_TEST_WORKERS', min(cpus, 4)))
            t.prebuild(selected, workers)
        yield t
