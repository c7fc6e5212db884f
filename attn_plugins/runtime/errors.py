"""Failures users meet turned into one line (:func:`format_error`) and :func:`run_tool`, which
runs a tool's main with that reporting (``--debug`` / ``ATTN_PLUGINS_DEBUG=1`` for the traceback)."""
import json
import os
import os.path as osp
import re
import sys
import traceback
from typing import List, Optional, Sequence, Tuple

from .common import DEBUG_ENV, ToolError, _DEBUG_HINT
from .config import scope_of
from .dist import _cleanup_dist, _rank, _world_size


# ==============================================================================================
# error formatting
# ==============================================================================================
def _first_line(text: str) -> str:
    text = ' '.join(str(text).split())
    return text if len(text) <= 400 else text[:397] + '...'


def _chain(exc: BaseException) -> List[BaseException]:
    seen, out = set(), []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


def _frames(exc: BaseException):
    tb = exc.__traceback__
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _dataset_in_traceback(exc: BaseException):
    """The (innermost) dataset object whose code raised, if any."""
    from mmengine.dataset import BaseDataset
    found = None
    for e in _chain(exc):
        for frame in _frames(e):
            obj = frame.f_locals.get('self')
            # a DataLoader iterator re-raising a worker's exception holds the dataset it reads
            inner = getattr(obj, '_dataset', None) if obj is not None else None
            for candidate in (inner, obj):
                if isinstance(candidate, BaseDataset) or (
                        candidate is not None and hasattr(candidate, 'ann_file')
                        and hasattr(candidate, 'load_data_list')):
                    found = candidate
                    break
    return found


_WORKER_RE = re.compile(r'^Caught (\w+) in DataLoader worker process \d+\.\s*\n'
                        r'Original Traceback \(most recent call last\):\n')


def _worker_exception(exc: BaseException) -> Optional[Tuple[str, str]]:
    """``(type name, message)`` of the exception a DataLoader worker raised, from the text torch
    re-raises it with in the main process (``ExceptionWrapper.reraise``: "Caught X in DataLoader
    worker process N. Original Traceback ...", the exception's attributes such as ``filename``
    are lost); None if ``exc`` is not such a re-raise."""
    text = str(exc.args[0]) if exc.args else ''
    m = _WORKER_RE.match(text)
    if not m:
        return None
    lines = text[m.end():].splitlines()
    last_frame = max((i for i, line in enumerate(lines) if line.startswith('  File ')),
                     default=-1)
    for i in range(last_frame + 1, len(lines)):
        line = lines[i]
        if line and not line[0].isspace():  # the exception line after the last frame
            name, _, msg = line.partition(': ')
            rest = '\n'.join(lines[i + 1:]).strip()
            return name.rsplit('.', 1)[-1], (msg + ('\n' + rest if rest else '')).strip()
    return m.group(1), ''


def _missing_path(msg: str) -> Optional[str]:
    """The path of an ``[Errno 2] No such file or directory: 'PATH'`` message."""
    m = re.search(r"No such file or directory: '(.+)'", msg)
    return m.group(1) if m else None


def _empty_dataset_line(dataset) -> str:
    ann = getattr(dataset, 'ann_file', None)
    prefix = getattr(dataset, 'data_prefix', None)
    where = (f'its ann_file {ann!r} lists no samples' if ann else
             f'no samples were found under data_prefix={prefix!r}')
    filt = getattr(dataset, 'filter_cfg', None)
    also = (f' or filter_cfg={dict(filt)!r} removed them all' if filt else '')
    return (f'{type(dataset).__name__} is empty: {where}{also} (data_root='
            f'{getattr(dataset, "data_root", None)!r}); point ann_file at a file that lists the '
            'images (a split file: one sample name per line)')


def _file_in_traceback(exc: BaseException) -> Optional[str]:
    """The innermost file path a loader was reading when ``exc`` was raised."""
    found = None
    for e in _chain(exc):
        for frame in _frames(e):
            for name in ('annotation_file', 'ann_file', 'file', 'filename', 'file_path', 'path'):
                value = frame.f_locals.get(name)
                if isinstance(value, str) and osp.isfile(value):
                    found = value
                    break
    return found


def _unknown_plugin_types(cfg) -> List[Tuple[str, str]]:
    """``(type, where)`` of plugin types named in ``cfg.model`` that no registry in scope knows."""
    if cfg is None or not isinstance(cfg.get('model'), dict):
        return []
    from mmengine.registry import MODELS
    found = []

    def visit(node, where):
        if isinstance(node, dict):
            if isinstance(node.get('plugins'), (list, tuple)):
                for i, p in enumerate(node['plugins']):
                    if not isinstance(p, dict):
                        continue
                    cfgs = [p.get('cfg')] + [c for _, c in (p.get('cfg_by_channels') or [])]
                    for c in cfgs:
                        if isinstance(c, dict) and isinstance(c.get('type'), str):
                            found.append((c['type'], f'{where}.plugins[{i}]'))
            for k, v in node.items():
                visit(v, f'{where}.{k}')
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                visit(v, f'{where}[{i}]')

    visit(cfg['model'], 'model')
    unknown, seen = [], set()
    with MODELS.switch_scope_and_registry(scope_of(cfg)) as registry:
        for name, where in found:
            if name in seen:
                continue
            seen.add(name)
            try:
                known = registry.get(name) is not None or MODELS.get(name) is not None
            except Exception:  # noqa: BLE001  (e.g. 'nosuchscope.X')
                known = False
            if not known:
                unknown.append((name, where))
    return unknown


def _known_modules() -> str:
    try:
        from ..catalog import module_names
        return ', '.join(module_names())
    except Exception:  # noqa: BLE001
        return '(see python -m attn_plugins list)'


def format_error(exc: BaseException, cfg=None) -> str:
    """One line describing ``exc`` for a user (no traceback)."""
    chain = _chain(exc)
    worker = next((w for w in map(_worker_exception, chain) if w is not None), None)
    if worker is not None and worker[0] == 'ToolError':
        return _first_line(worker[1])
    for e in chain:
        if isinstance(e, ToolError) and worker is None:
            return ' '.join(str(e).split())

    # unknown module names (registry KeyError; mmcv's plugin builder says "Cannot find None")
    if any(isinstance(e, KeyError) for e in chain):
        unknown = _unknown_plugin_types(cfg)
        if unknown:
            name, where = unknown[0]
            return (f'unknown attention module {name!r} in {where} of the config; known '
                    f'modules: {_known_modules()} (python -m attn_plugins list)')
        for e in chain:
            if isinstance(e, KeyError) and e.args:
                msg = str(e.args[0])
                m = re.search(r'(\S+) is not in the (\S+) registry', msg)
                if m:
                    return (f'unknown type {m.group(1)!r} (not in the {m.group(2)} registry): a '
                            'typo in the config, or the package that registers it is missing from '
                            'custom_imports')
                m = re.search(r"unknown attention module '?([^' ;]+)", msg)
                if m:
                    return _first_line(msg)

    for e in chain:  # Config.pretty_text: yapf could not format the config (when logging or
        # saving it); the message holds the whole config text but not the reason
        if isinstance(e, SyntaxError) and str(e).startswith('Failed to format the config file'):
            inner = e.__context__
            why = (f'{type(inner).__name__}: {_first_line(inner)}' if inner is not None
                   else 'yapf failed')
            return ('mmengine could not write the config out as Python to log or save it '
                    f'({why}): a value in the config has no Python literal form (an object, a '
                    'function); use plain values (strings, numbers, lists, dicts)')

    for e in chain:  # mmengine's optimizer constructor looks the type up and calls
        # inspect.signature(None) when it is not registered
        if isinstance(e, TypeError) and 'None is not a callable object' in str(e):
            for frame in _frames(e):
                opt = getattr(frame.f_locals.get('self'), 'optimizer_cfg', None)
                if isinstance(opt, dict) and isinstance(opt.get('type'), str):
                    return (f"unknown type {opt['type']!r} (not in the optimizer registry): "
                            'optim_wrapper.optimizer.type of the config; a typo, or the package '
                            'that registers it is missing from custom_imports')

    dataset = _dataset_in_traceback(exc)
    ann = getattr(dataset, 'ann_file', None) if dataset is not None else None
    for e in chain:
        if isinstance(e, json.JSONDecodeError):
            path = _file_in_traceback(exc) or ann or '?'
            what = 'annotation file' if dataset is not None else 'file'
            return (f'{what} {path!r} is not valid JSON ({e.msg} at line {e.lineno} column '
                    f'{e.colno}); regenerate or re-download it')
    if worker is not None and worker[0] == 'FileNotFoundError':
        missing = _missing_path(worker[1]) or _first_line(worker[1])
        if dataset is not None:
            return (f'{type(dataset).__name__}: file not found: {missing} (read by a DataLoader '
                    f'worker; ann_file={ann!r}, data_root={getattr(dataset, "data_root", None)!r})')
        return f'file not found: {missing} (read by a DataLoader worker)'
    if worker is not None:
        what = f' of {type(dataset).__name__}' if dataset is not None else ''
        return (f'{worker[0]} in a DataLoader worker{what}: {_first_line(worker[1])}'
                f'{_DEBUG_HINT}')
    for e in chain:
        if (isinstance(e, ValueError) and 'need at least one array to concatenate' in str(e)
                and dataset is not None and not getattr(dataset, 'data_list', None)):
            return _empty_dataset_line(dataset)
    for e in chain:
        if isinstance(e, FileNotFoundError):
            missing = e.filename or _first_line(str(e))
            if dataset is not None:
                return (f'{type(dataset).__name__}: file not found: {missing} (ann_file='
                        f'{ann!r}, data_root={getattr(dataset, "data_root", None)!r})')
            return f'file not found: {missing}'
    if dataset is not None:
        e = chain[-1]
        path = _file_in_traceback(exc) or ann
        return (f'{type(dataset).__name__} could not read its annotations {path!r}: '
                f'{type(e).__name__}: {_first_line(str(e))}')
    msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    return f'{type(exc).__name__}: {_first_line(msg)}{_DEBUG_HINT}'


def debug_requested(argv: Sequence[str]) -> bool:
    return '--debug' in argv or os.environ.get(DEBUG_ENV, '') not in ('', '0', 'false', 'False')


class _Context:
    cfg = None
    runner = None


def _save_traceback(exc: BaseException, runner) -> Optional[str]:
    """Write the traceback of an unexpected failure next to the run's log; returns the path."""
    log_dir = getattr(runner, 'log_dir', None)
    if not log_dir:
        return None
    rank = _rank()
    path = osp.join(log_dir, 'error_traceback.txt' if _world_size() == 1
                    else f'error_traceback_rank{rank}.txt')
    try:
        os.makedirs(log_dir, exist_ok=True)
        with open(path, 'w') as f:
            f.write(''.join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        return None
    return path


def run_tool(main, argv: Optional[Sequence[str]], prog: str) -> int:
    """Run ``main(argv, ctx)``; turn failures into one line on stderr and a non-zero code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    ctx = _Context()
    try:
        main(argv, ctx)
        return 0
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001
        # Ctrl-C, also where a library turned it into another exception: mmengine's
        # Config.pretty_text (logging the config, saving a checkpoint's meta) re-raises anything
        # yapf raises, a KeyboardInterrupt included, as "SyntaxError: Failed to format the config"
        if any(isinstance(e, KeyboardInterrupt) for e in _chain(exc)):
            if _rank() == 0:
                print(f'{prog}: interrupted (a training run continues with --resume)',
                      file=sys.stderr, flush=True)
            try:
                _cleanup_dist()
            except Exception:  # noqa: BLE001
                pass
            return 130
        if debug_requested(argv):
            raise
        try:
            line = format_error(exc, ctx.cfg)
        except Exception:  # noqa: BLE001  (never hide the original failure)
            line = f'{type(exc).__name__}: {_first_line(exc)}'
        rank = _rank()
        if isinstance(exc, ToolError):
            if rank == 0:
                print(f'{prog}: error: {line}', file=sys.stderr, flush=True)
        else:
            saved = _save_traceback(exc, ctx.runner)
            if saved and line.endswith(_DEBUG_HINT):
                line = line[:-len(_DEBUG_HINT)] + f' (traceback: {saved})'
            tag = f'[rank {rank}] ' if _world_size() > 1 else ''
            print(f'{prog}: error: {tag}{line}', file=sys.stderr, flush=True)
        try:
            _cleanup_dist()
        except Exception:  # noqa: BLE001
            pass
        return 1


