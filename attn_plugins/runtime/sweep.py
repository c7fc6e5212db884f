"""Seeded sweeps (the logic behind ``tools/sweep.py``): a grid of ordinary ``tools/train.py`` runs
under one sweep directory, run on this machine (in sequence or ``--jobs N`` at a time, each pinned
to its share of the cores) or submitted to Slurm through ``tools/slurm_train.sh``; restartable, with
a status report that reads each run's state from its work dir.

The grid is configs × modules × ``--cfg-options`` variants × seeds. An *arm* is one (config,
module, variant); each (arm, seed) is one run with its own work dir ``SWEEP/<arm>/seed<S>/``:

- arm names: the config's file stem, ``+<module>`` when ``--modules`` swaps a module in (the module
  ``config`` keeps the config's own plugins and adds nothing to the name), ``+<variant>`` for a
  ``--variant``; e.g. ``se_resnet18_cifar_cpu`` and ``se_resnet18_cifar_cpu+baseline``;
- a module is placed by :mod:`attn_plugins.placements` (``MODULE_BY_NAME[name].resnet(depth,
  setting)`` / ``.mnv2(setting)``) into the config's backbone; the derived config is written to
  ``SWEEP/configs/<arm>.py`` (``_base_`` = the config, plus ``model.backbone.plugins``);
- the seed reaches the run as ``--cfg-options randomness.seed=S``: mmengine's Runner seeds Python,
  NumPy and torch with it before it builds the model (module init), the ``DefaultSampler`` (data
  order) and each dataloader worker (augmentation); the Runner dumps the merged config, seed
  included, into the work dir, so ``tools/train.py WORK_DIR/<config>.py`` repeats the run.

Files: ``SWEEP/sweep.json`` (the manifest: every run's arm, seed, config, options and work dir;
what ``compare.py`` and ``--status`` read), and in each work dir ``sweep_run.json`` (the latest
launch: local pid or Slurm job id, command), ``sweep_exit.json`` (its exit code, written when it
ends) and ``sweep_train.log`` / ``slurm-<job>.out`` (the tool's output).

A run's state comes from its work dir alone (:func:`run_state`), whoever started it:
``finished`` (the final checkpoint exists and the last training run's log ends with its
evaluation, or a test run followed), ``trained`` (final checkpoint, no final evaluation: the sweep
evaluates it with ``tools/test.py``), ``running`` / ``queued`` (a live process or Slurm job),
``interrupted`` (started, not finished, nothing running), ``failed`` (the last attempt exited
with an error), ``pending`` (never started). Starting a sweep again skips finished runs, waits for
running ones and resumes the others (``tools/train.py --resume``: from ``last_checkpoint``, or from
the start when there is none).
"""
import argparse
import json
import os
import os.path as osp
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .common import ToolError

MANIFEST = 'sweep.json'
RUN_RECORD = 'sweep_run.json'
EXIT_RECORD = 'sweep_exit.json'
TRAIN_LOG = 'sweep_train.log'
KEEP_CONFIG = 'config'  # --modules value: the config's own plugins
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(REPO, 'tools')
STATES = ('finished', 'running', 'queued', 'trained', 'interrupted', 'failed', 'pending')
_NAME_OK = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]*$')


# ==============================================================================================
# the grid
# ==============================================================================================
@dataclass
class Run:
    """One (arm, seed): an ordinary ``tools/train.py CONFIG --work-dir WORK_DIR --resume
    --cfg-options OPTIONS`` run."""
    arm: str
    seed: int
    work_dir: str                # relative to the sweep dir
    config: str                  # what tools/train.py gets (absolute)
    source_config: str           # the config the arm derives from (absolute)
    module: Optional[str] = None
    variant: Optional[str] = None
    cfg_options: List[str] = field(default_factory=list)  # key=value, the seed's last

    def abs_work_dir(self, sweep_dir: str) -> str:
        return osp.join(sweep_dir, self.work_dir)

    def definition(self) -> Dict:
        return asdict(self)


def _parse_options(items: Sequence[str], what: str) -> Dict:
    """``key=value`` strings -> dict, as ``tools/train.py --cfg-options`` parses them."""
    from mmengine.config import DictAction
    for item in items:
        if '=' not in item or item.startswith('='):
            raise ToolError(f'{what}: {item!r} is not key=value')
    ns = argparse.Namespace()
    try:
        DictAction(option_strings=[], dest='opts')(None, ns, list(items))
    except Exception as e:  # noqa: BLE001  (DictAction fails on e.g. dict(...) values)
        raise ToolError(f'{what}: cannot parse {" ".join(items)!r} ({type(e).__name__}); '
                        'values are key=value with lists as key="[a,b]"') from e
    return getattr(ns, 'opts', {}) or {}


def _setting(cfg) -> str:
    """The placement table's setting of a config: 'det', 'seg', 'cifar' or 'in1k'."""
    scope = cfg.get('default_scope')
    if scope == 'mmdet':
        return 'det'
    if scope == 'mmseg':
        return 'seg'
    backbone = str(cfg.model.get('backbone', {}).get('type', ''))
    types, ds = [], (cfg.get('train_dataloader') or {}).get('dataset')
    while isinstance(ds, dict):  # the dataset and the wrappers around it (RepeatDataset, ...)
        types.append(str(ds.get('type', '')))
        ds = ds.get('dataset')
    return 'cifar' if 'CIFAR' in backbone or any('cifar' in t.lower() for t in types) else 'in1k'


def module_plugins(module: str, cfg, config: str):
    """The ``plugins`` list that places ``module`` (a placement-table name) in ``cfg``'s backbone
    as the papers do; ``None`` for ``baseline``. One line (:class:`ToolError`) when it cannot."""
    from ..placements import MODULE_BY_NAME
    m = MODULE_BY_NAME.get(module)
    if m is None:
        known = ', '.join(sorted(n for n in MODULE_BY_NAME if n != 'abn'))
        raise ToolError(f'--modules: unknown module {module!r}; known: {known} '
                        f'(attn_plugins/placements.py), or {KEEP_CONFIG!r} for the config\'s own '
                        'plugins')
    if module == 'abn':
        raise ToolError('--modules: abn is a classifier (ABNClassifier), not a backbone plugin; '
                        'sweep its configs (configs/abn/) instead')
    backbone = cfg.get('model', {}).get('backbone') or {}
    btype = str(backbone.get('type', ''))
    setting = _setting(cfg)
    where = f'{osp.basename(config)} (model.backbone.type={btype!r})'
    if btype.startswith('AttnResNet'):
        depth = backbone.get('depth')
        try:
            return m.resnet(depth, setting)
        except (KeyError, TypeError) as e:
            raise ToolError(f'--modules: {module} has no placement for a ResNet of depth {depth} '
                            f'in {where} ({type(e).__name__}: {e})') from e
    if btype == 'AttnMobileNetV2':
        if m.mnv2 is None:
            raise ToolError(f'--modules: {module} has no MobileNetV2 placement ({m.mnv2_note}); '
                            f'{where}')
        return m.mnv2(setting)
    raise ToolError(f'--modules swaps plugins into attn_plugins backbones only (AttnResNet*, '
                    f'AttnMobileNetV2); {where}: use a config from configs/')


def arm_config_text(source_config: str, module: str, plugins) -> str:
    return (f'# written by tools/sweep.py: {osp.basename(source_config)} with the module '
            f'{module!r} placed by attn_plugins/placements.py\n'
            f'_base_ = [{source_config!r}]\n'
            f'model = dict(backbone=dict(plugins={plugins!r}))\n')


def _check_name(name: str, what: str) -> None:
    if not _NAME_OK.match(name):
        raise ToolError(f'{what} {name!r}: use letters, digits, ".", "_" and "-" (it names '
                        'folders)')


def expand_grid(sweep_dir: str, configs: Sequence[str], modules: Sequence[str] = (),
                seeds: Sequence[int] = (0, ), variants: Sequence[Sequence[str]] = (),
                cfg_options: Sequence[str] = ()) -> Tuple[List[Run], Dict[str, str]]:
    """The runs of the grid and the arm configs to write (``{path: text}``); every config and
    module is checked here, before anything runs."""
    from .config import load_config
    if not configs:
        raise ToolError('no config given')
    if len(set(seeds)) != len(seeds):
        raise ToolError(f'--seeds: a seed is given twice ({" ".join(map(str, seeds))})')
    common = list(cfg_options)
    if any(o.split('=', 1)[0].strip() in ('randomness.seed', 'randomness') for o in common):
        raise ToolError('--cfg-options randomness.seed: give the seeds with --seeds')
    if common:
        _parse_options(common, '--cfg-options')
    var_list: List[Tuple[Optional[str], List[str]]] = [(None, [])]
    if variants:
        var_list = []
        for v in variants:
            if len(v) < 2:
                raise ToolError(f'--variant {" ".join(v)}: give a name and key=value options, '
                                'e.g. --variant lr2 optim_wrapper.optimizer.lr=0.2')
            _check_name(v[0], '--variant name')
            _parse_options(v[1:], f'--variant {v[0]}')
            var_list.append((v[0], list(v[1:])))
        names = [n for n, _ in var_list]
        if len(set(names)) != len(names):
            raise ToolError(f'--variant: a name is given twice ({" ".join(names)})')
    mods: List[Optional[str]] = list(modules) or [None]
    if len(set(mods)) != len(mods):
        raise ToolError(f'--modules: a module is given twice ({" ".join(mods)})')
    runs, arm_files, arms = [], {}, {}
    for config in configs:
        source = osp.abspath(config)
        stem = osp.splitext(osp.basename(config))[0]
        for vname, vopts in var_list:
            cfg = load_config(config, _parse_options(common + vopts, '--cfg-options')
                              if common + vopts else None)
            for module in mods:
                arm = stem
                train_config = source
                if module not in (None, KEEP_CONFIG):
                    plugins = module_plugins(module, cfg, config)
                    arm = f'{stem}+{module}'
                    train_config = osp.join(osp.abspath(sweep_dir), 'configs', f'{arm}.py')
                    arm_files[train_config] = arm_config_text(source, module, plugins)
                if vname:
                    arm += f'+{vname}'
                if arm in arms and arms[arm] != source:
                    raise ToolError(f'two configs make the arm {arm!r} ({arms[arm]} and '
                                    f'{source}): rename one')
                arms[arm] = source
                for seed in seeds:
                    runs.append(Run(arm=arm, seed=int(seed), work_dir=osp.join(arm, f'seed{seed}'),
                                    config=train_config, source_config=source, module=module,
                                    variant=vname,
                                    cfg_options=common + vopts + [f'randomness.seed={seed}']))
    return runs, arm_files


def load_manifest(sweep_dir: str) -> Optional[Dict]:
    path = osp.join(sweep_dir, MANIFEST)
    if not osp.isfile(path):
        return None
    try:
        with open(path) as f:
            manifest = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise ToolError(f'{path} is not a readable sweep manifest ({type(e).__name__}: {e})') \
            from e
    if not isinstance(manifest, dict) or not isinstance(manifest.get('runs'), list):
        raise ToolError(f'{path} is not a sweep manifest (no list of runs)')
    return manifest


def manifest_runs(manifest: Dict) -> List[Run]:
    return [Run(**r) for r in manifest.get('runs', [])]


def merge_manifest(sweep_dir: str, runs: List[Run], argv: Sequence[str]) -> Dict:
    """Add ``runs`` to the sweep dir's manifest (created when missing). A run already there must
    have the same definition: a sweep dir holds one meaning per work dir."""
    manifest = load_manifest(sweep_dir) or dict(format=1, created=time.strftime('%F %T'), runs=[])
    known = {r['work_dir']: r for r in manifest['runs']}
    for run in runs:
        old = known.get(run.work_dir)
        new = run.definition()
        if old is None:
            manifest['runs'].append(new)
            known[run.work_dir] = new
        elif old != new:
            diff = [k for k in new if old.get(k) != new[k]]
            k = diff[0]
            raise ToolError(f'{osp.join(sweep_dir, run.work_dir)} was started with another {k} '
                            f'({old.get(k)!r}, now {new[k]!r}): use another --work-dir, or the '
                            'arguments it was started with')
    manifest.setdefault('invocations', []).append(dict(time=time.strftime('%F %T'),
                                                       argv=list(argv)))
    os.makedirs(sweep_dir, exist_ok=True)
    _write_json(osp.join(sweep_dir, MANIFEST), manifest)
    return manifest


def _write_json(path: str, obj) -> None:
    tmp = f'{path}.tmp{os.getpid()}'
    with open(tmp, 'w') as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


def _read_json(path: str) -> Optional[Dict]:
    try:
        with open(path) as f:
            obj = json.load(f)
        return obj if isinstance(obj, dict) else None
    except (OSError, ValueError):
        return None


# ==============================================================================================
# the state of a run, from its work dir
# ==============================================================================================
@dataclass
class RunState:
    state: str
    detail: str = ''
    metrics: Optional[Dict] = None
    checkpoint: Optional[str] = None


_CFG_CACHE: Dict[str, Tuple[float, object]] = {}


def _dumped_config(path: Optional[str]):
    """The work dir's dumped config (cached by mtime), ``None`` when absent or unreadable."""
    if not path or not osp.isfile(path):
        return None
    mtime = osp.getmtime(path)
    hit = _CFG_CACHE.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    from ..analysis.summarize import _config_info
    cfg = _config_info(path).get('cfg')
    _CFG_CACHE[path] = (mtime, cfg)
    return cfg


def _last_error(path: str) -> str:
    """The tool's one error line (or the last line) of a run's output file."""
    try:
        with open(path, errors='replace') as f:
            f.seek(max(0, osp.getsize(path) - 20000))
            lines = [ln.strip() for ln in f.read().splitlines() if ln.strip()]
    except OSError:
        return ''
    for ln in reversed(lines):
        if re.match(r'(train|test)\.py: error:', ln):
            return ln
    return lines[-1] if lines else ''


def work_dir_state(work_dir: str) -> RunState:
    """What the work dir says (:func:`attn_plugins.analysis.summarize.training_state`), not
    what runs: finished / trained / interrupted, or pending (nothing written yet)."""
    from ..analysis.summarize import extract_metrics, load_work_dir, training_state
    try:
        info = load_work_dir(work_dir)
    except (OSError, ValueError):  # no logs yet
        last = osp.join(work_dir, 'last_checkpoint')
        return RunState('interrupted', 'no logs', checkpoint=None) if osp.isfile(last) \
            else RunState('pending')
    st = training_state(info, _dumped_config(info['config']))
    metrics = None
    if st['state'] == 'finished':
        rec = (info['test'] or info['val'])[-1]
        metrics = next(iter(extract_metrics(rec).values()), {})
    return RunState(st['state'], st['detail'], metrics=metrics, checkpoint=st['checkpoint'])


def _pid_alive(pid: int, work_dir: str) -> bool:
    """A live process of this host that was started for ``work_dir``."""
    try:
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            cmd = f.read().decode(errors='replace')
        return osp.abspath(work_dir) in cmd or work_dir in cmd
    except OSError:
        return True  # no /proc: trust the pid


def run_state(work_dir: str, slurm_jobs: Optional[Dict[str, str]] = None) -> RunState:
    """The state of the run in ``work_dir``: the work dir's training state, with the latest
    launch (``sweep_run.json`` / ``sweep_exit.json``) for running / queued / failed.
    ``slurm_jobs``: ``{job id: squeue state}`` (:func:`squeue_states`), ``None`` if unknown."""
    ws = work_dir_state(work_dir)
    rec = _read_json(osp.join(work_dir, RUN_RECORD)) or {}
    ex = _read_json(osp.join(work_dir, EXIT_RECORD)) or {}
    launch = str(rec.get('launch', ''))
    ended = bool(launch) and str(ex.get('launch', '')) == launch
    if ws.state == 'finished':
        return ws
    rc = ex.get('returncode') if ended else None
    if rec and not ended:
        if rec.get('launcher') == 'local' and rec.get('host') == socket.gethostname() \
                and _pid_alive(int(rec['launch']), work_dir):
            return RunState('running', f'pid {launch} ({rec.get("action", "train")})',
                            checkpoint=ws.checkpoint)
        if rec.get('launcher') == 'slurm':
            if slurm_jobs is None:
                return RunState(ws.state, f'slurm job {launch}: state unknown (no squeue here)',
                                checkpoint=ws.checkpoint)
            st = slurm_jobs.get(launch)
            if st == 'PENDING':
                return RunState('queued', f'slurm job {launch}', checkpoint=ws.checkpoint)
            if st is not None:
                return RunState('running', f'slurm job {launch} {st}', checkpoint=ws.checkpoint)
    if ws.state == 'trained':
        return ws
    if isinstance(rc, int) and rc > 0 and rc != 130:  # 130: Ctrl-C; < 0: killed by a signal
        log = rec.get('log') or ''
        line = _last_error(osp.join(work_dir, log)) if log else ''
        where = f' (log: {osp.join(work_dir, log)})' if log else ''
        return RunState('failed', f'exit {rc}: {line}{where}', checkpoint=ws.checkpoint)
    if ws.state == 'pending' and rec:
        return RunState('interrupted', ws.detail, checkpoint=ws.checkpoint)
    return ws


def squeue_states() -> Optional[Dict[str, str]]:
    """``{job id: state}`` of the jobs Slurm knows (``squeue``); ``None`` when it cannot say."""
    try:
        out = subprocess.run(['squeue', '-h', '-o', '%i %T'], capture_output=True, text=True,
                             timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    states = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2:
            states[parts[0]] = parts[1]
    return states


# ==============================================================================================
# launching
# ==============================================================================================
def _fmt_s(seconds: Optional[float]) -> str:
    if seconds is None:
        return '?'
    s = int(round(seconds))
    return f'{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}'


def core_groups(jobs: int, cores: Optional[Sequence[int]] = None) -> List[List[int]]:
    """The cores of each of ``jobs`` slots: an equal share of this process's cores (the first
    slots take the remainder); with more jobs than cores, one core each, shared round-robin."""
    if cores is None:
        cores = sorted(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') \
            else list(range(os.cpu_count() or 1))
    cores = list(cores)
    if jobs >= len(cores):
        return [[cores[i % len(cores)]] for i in range(jobs)]
    k, extra = divmod(len(cores), jobs)
    groups, start = [], 0
    for i in range(jobs):
        n = k + (1 if i < extra else 0)
        groups.append(cores[start:start + n])
        start += n
    return groups


def _child_setup(cores: Optional[List[int]]):
    """In the child before exec: pin to ``cores``; ask the kernel for SIGINT when the sweep dies
    (so a killed sweep leaves no trainers behind; they stop as on Ctrl-C, resumable)."""
    def setup():
        if cores and hasattr(os, 'sched_setaffinity'):
            os.sched_setaffinity(0, cores)
        try:
            import ctypes
            ctypes.CDLL(None).prctl(1, int(signal.SIGINT))  # PR_SET_PDEATHSIG
        except Exception:  # noqa: BLE001  (not Linux)
            pass
    return setup


@dataclass
class Launch:
    run: Run
    action: str                  # 'train' or 'test'
    launch: str                  # pid or job id
    started: float
    proc: Optional[subprocess.Popen] = None
    slot: Optional[int] = None
    external: bool = False       # started by an earlier sweep process / by Slurm before


def tool_args(run: Run, sweep_dir: str, action: str, checkpoint: Optional[str] = None
              ) -> List[str]:
    """The arguments of tools/train.py (``train``) or tools/test.py (``test``) for ``run``."""
    wd = run.abs_work_dir(sweep_dir)
    if action == 'train':
        args = [run.config, '--work-dir', wd, '--resume']
    else:
        args = [run.config, checkpoint, '--work-dir', wd]
    return args + ['--cfg-options', *run.cfg_options]


class LocalLauncher:
    """``--jobs`` processes on this machine, each pinned to its share of the cores (affinity, and
    ``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` = its core count, which torch takes as its threads)."""
    name = 'local'
    waits = True

    def __init__(self, sweep_dir: str, jobs: int = 1, python: str = sys.executable):
        if jobs < 1:
            raise ToolError(f'--jobs {jobs}: give 1 or more')
        self.sweep_dir, self.jobs, self.python = sweep_dir, jobs, python
        self.groups = core_groups(jobs)
        self.free = list(range(jobs))

    def capacity(self, active: Sequence[Launch]) -> int:
        return self.jobs - len(active)

    def start(self, run: Run, action: str, checkpoint: Optional[str] = None) -> Launch:
        wd = run.abs_work_dir(self.sweep_dir)
        os.makedirs(wd, exist_ok=True)
        slot = self.free.pop(0) if self.free else 0
        cores = self.groups[slot]
        cmd = [self.python, osp.join(TOOLS, f'{action}.py'),
               *tool_args(run, self.sweep_dir, action, checkpoint)]
        env = dict(os.environ, OMP_NUM_THREADS=str(len(cores)), MKL_NUM_THREADS=str(len(cores)))
        env['PYTHONPATH'] = REPO + (os.pathsep + env['PYTHONPATH'] if env.get('PYTHONPATH')
                                    else '')
        log = open(osp.join(wd, TRAIN_LOG), 'a')
        log.write(f'\n===== {time.strftime("%F %T")} {action}: {shlex.join(cmd)} '
                  f'(cores {",".join(map(str, cores))})\n')
        log.flush()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True, preexec_fn=_child_setup(cores))
        log.close()
        _write_json(osp.join(wd, RUN_RECORD), dict(
            launcher='local', launch=str(proc.pid), host=socket.gethostname(), action=action,
            cores=cores, started=time.time(), cmd=cmd, log=TRAIN_LOG))
        return Launch(run, action, str(proc.pid), time.time(), proc=proc, slot=slot)

    def ended(self, launch: Launch) -> Optional[int]:
        """The exit code once ``launch`` has ended (``-N``: killed by signal N), else ``None``."""
        if launch.proc is None:  # a process of an earlier sweep: no exit code to collect
            return None if _pid_alive(int(launch.launch), launch.run.abs_work_dir(
                self.sweep_dir)) else -1
        rc = launch.proc.poll()
        if rc is None:
            return None
        if launch.slot is not None:
            self.free.append(launch.slot)
            self.free.sort()
        _write_json(osp.join(launch.run.abs_work_dir(self.sweep_dir), EXIT_RECORD),
                    dict(launch=launch.launch, returncode=rc, started=launch.started,
                         ended=time.time()))
        return rc

    def stop(self, active: Sequence[Launch], grace_s: float = 120.) -> None:
        """Ctrl-C for every process this sweep started (tools/train.py stops with exit code 130;
        the next start resumes it from its last checkpoint), SIGKILL after ``grace_s``."""
        own = [a for a in active if a.proc is not None]
        for a in own:
            try:
                os.killpg(a.proc.pid, signal.SIGINT)
            except OSError:
                pass
        deadline = time.time() + grace_s
        for a in own:
            try:
                a.proc.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(a.proc.pid, signal.SIGKILL)
                a.proc.wait()
            self.ended(a)


def _sbatch_script(run: Run, sweep_dir: str, action: str, checkpoint: Optional[str],
                   opts: argparse.Namespace, python: str) -> str:
    """The batch script of one run: ``tools/slurm_train.sh`` (or ``slurm_test.sh``), then the exit
    code into ``sweep_exit.json``."""
    wd = run.abs_work_dir(sweep_dir)
    job = f'{run.arm}-s{run.seed}'
    if action == 'train':
        tool = [osp.join(TOOLS, 'slurm_train.sh'), opts.partition, job, run.config, wd, '--resume']
    else:
        tool = [osp.join(TOOLS, 'slurm_test.sh'), opts.partition, job, run.config, checkpoint,
                '--work-dir', wd]
    tool += ['--cfg-options', *run.cfg_options]
    gpus = opts.gpus
    env = dict(GPUS=str(max(gpus, 1)), GPUS_PER_NODE=str(min(gpus, opts.gpus_per_node)),
               CPUS_PER_TASK=str(opts.cpus_per_task), PYTHON=python,
               SRUN_ARGS=opts.srun_args or '')
    exports = ' '.join(f'{k}={shlex.quote(v)}' for k, v in env.items())
    exit_json = shlex.quote(osp.join(wd, EXIT_RECORD))
    return ('#!/usr/bin/env bash\n'
            f'# written by tools/sweep.py: {action} of {run.arm}, seed {run.seed}\n'
            'started=$(date +%s)\n'
            f'cd {shlex.quote(os.getcwd())}\n'
            f'{exports} bash {shlex.join(tool)}\n'
            'rc=$?\n'
            'printf \'{"launch": "%s", "returncode": %d, "started": %s, "ended": %s}\\n\' '
            f'"$SLURM_JOB_ID" "$rc" "$started" "$(date +%s)" > {exit_json}\n'
            'exit $rc\n')


class SlurmLauncher:
    """One Slurm job per run (``sbatch`` of a script that calls ``tools/slurm_train.sh``, which
    runs ``srun ... tools/train.py --launcher slurm``): partition, GPUs per run, CPUs per task and
    the time limit as arguments."""
    name = 'slurm'

    def __init__(self, sweep_dir: str, opts: argparse.Namespace, python: str = sys.executable):
        if not opts.partition:
            raise ToolError('--launcher slurm needs --partition NAME (sinfo lists them)')
        if opts.gpus < 0:
            raise ToolError(f'--gpus {opts.gpus}: give 0 (CPU only) or more')
        self.sweep_dir, self.opts, self.python = sweep_dir, opts, python
        self.waits = bool(opts.wait)
        self.queue: Optional[Dict[str, str]] = {}  # squeue's {job id: state}; None: unknown

    def capacity(self, active: Sequence[Launch]) -> int:
        return 1 << 30  # Slurm queues them

    def start(self, run: Run, action: str, checkpoint: Optional[str] = None) -> Launch:
        o = self.opts
        wd = run.abs_work_dir(self.sweep_dir)
        os.makedirs(wd, exist_ok=True)
        script = osp.join(wd, f'sweep_{action}.sbatch')
        with open(script, 'w') as f:
            f.write(_sbatch_script(run, self.sweep_dir, action, checkpoint, o, self.python))
        gpus_per_node = min(o.gpus, o.gpus_per_node)
        cmd = ['sbatch', '--parsable', '-p', o.partition, '-J', f'{run.arm}-s{run.seed}',
               f'--ntasks={max(o.gpus, 1)}', f'--cpus-per-task={o.cpus_per_task}',
               f'--output={osp.join(wd, "slurm-%j.out")}', '--open-mode=append']
        if gpus_per_node > 0:
            cmd += [f'--gres=gpu:{gpus_per_node}', f'--ntasks-per-node={gpus_per_node}']
        if o.time:
            cmd.append(f'--time={o.time}')
        cmd += shlex.split(o.sbatch_args or '') + [script]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except OSError as e:
            raise ToolError(f'--launcher slurm: cannot run sbatch ({e}); is this a Slurm '
                            'login node?') from e
        if out.returncode != 0:
            msg = ' '.join((out.stderr or out.stdout).split())
            raise ToolError(f'sbatch refused {run.work_dir}: {msg}')
        job = out.stdout.strip().split(';')[0]
        _write_json(osp.join(wd, RUN_RECORD), dict(
            launcher='slurm', launch=job, host=socket.gethostname(), action=action,
            started=time.time(), cmd=cmd, script=script, log=f'slurm-{job}.out'))
        if self.queue is not None:
            self.queue[job] = 'PENDING'
        return Launch(run, action, job, time.time())

    def refresh(self) -> None:
        self.queue = squeue_states()

    def ended(self, launch: Launch) -> Optional[int]:
        if self.queue is None or launch.launch in self.queue:
            return None
        ex = _read_json(osp.join(launch.run.abs_work_dir(self.sweep_dir), EXIT_RECORD)) or {}
        if str(ex.get('launch')) == launch.launch:
            return int(ex.get('returncode', -1))
        return -1  # gone without an exit code: cancelled, time limit, node failure


# ==============================================================================================
# the sweep loop
# ==============================================================================================
class Progress:
    def __init__(self, total: int, jobs: int, out):
        self.total, self.jobs, self.out = total, max(1, jobs), out
        self.durations: List[float] = []
        self.last = None

    def line(self, done: int, running: List[Launch], left: int, queued: int = 0) -> str:
        now = time.time()
        eta = ''
        if self.durations:
            mean = sum(self.durations) / len(self.durations)
            rest = sum(max(mean - (now - a.started), 0.) for a in running) + left * mean
            eta = (f'; ETA {_fmt_s(rest / self.jobs)} (mean {_fmt_s(mean)} a run from '
                   f'{len(self.durations)} finished)')
        waiting = f', {queued} queued' if queued else ''
        return (f'[sweep] {done}/{self.total} done, {len(running) - queued} running{waiting}, '
                f'{left} left{eta}')

    def show(self, done: int, running: List[Launch], left: int, queued: int = 0) -> None:
        key = (done, len(running), left, queued)
        if key != self.last:
            self.out(self.line(done, running, left, queued))
            self.last = key


def _action(state: RunState) -> Optional[str]:
    if state.state in ('pending', 'interrupted', 'failed'):
        return 'train'
    if state.state == 'trained':
        return 'test'
    return None


def _describe(state: RunState) -> str:
    if state.state == 'finished' and state.metrics:
        from ..analysis.summarize import COLUMNS, TASKS
        order = [c for t in TASKS for c in COLUMNS[t]]  # the primary metric first
        shown = sorted(((k, v) for k, v in state.metrics.items() if v is not None),
                       key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))[:3]
        return ', '.join(f'{k} {v:.2f}' for k, v in shown)
    return state.detail


def execute(sweep_dir: str, runs: List[Run], launcher, out=print, poll_s: float = 1.) -> int:
    """Bring every run of ``runs`` to ``finished``: skip finished ones, wait for running ones,
    train (``--resume``) the others and evaluate trained-but-unevaluated ones; each action at most
    once per call. Returns 0 when all finished (or, for Slurm without ``--wait``, all submitted),
    1 when some failed or stopped unfinished, 130 when interrupted."""
    slurm = isinstance(launcher, SlurmLauncher)
    if slurm:
        launcher.refresh()
    states = {r.work_dir: run_state(r.abs_work_dir(sweep_dir), launcher.queue if slurm else None)
              for r in runs}
    tried = set()
    spent: Dict[str, float] = {}  # seconds of this call's launches per run (train + test)
    queue: List[Tuple[Run, str]] = []
    active: List[Launch] = []
    for r in runs:
        st = states[r.work_dir]
        if st.state in ('running', 'queued'):
            rec = _read_json(osp.join(r.abs_work_dir(sweep_dir), RUN_RECORD)) or {}
            if rec.get('launcher') != launcher.name:
                raise ToolError(f'{r.work_dir} is {st.state} under the {rec.get("launcher")} '
                                f'launcher ({st.detail}); wait for it or stop it first')
            active.append(Launch(r, rec.get('action', 'train'), str(rec['launch']),
                                 float(rec.get('started', time.time())), external=True))
            out(f'[sweep] {r.work_dir}: {st.state} ({st.detail}), waiting for it')
        elif _action(st):
            queue.append((r, _action(st)))
    done = sum(1 for s in states.values() if s.state == 'finished')
    skipped = done
    if skipped:
        out(f'[sweep] {skipped} of {len(runs)} runs already finished: skipped')
    progress = Progress(len(runs), len(runs) if slurm else launcher.jobs, out)
    for r in runs:
        ex = _read_json(osp.join(r.abs_work_dir(sweep_dir), EXIT_RECORD)) or {}
        if states[r.work_dir].state == 'finished' and ex.get('ended') and ex.get('started'):
            progress.durations.append(float(ex['ended']) - float(ex['started']))
    failed = []

    def launch_more():
        while queue and launcher.capacity(active) > 0:
            run, action = queue.pop(0)
            tried.add((run.work_dir, action))
            ckpt = states[run.work_dir].checkpoint
            a = launcher.start(run, action, ckpt)
            verb = 'resuming' if action == 'train' and states[run.work_dir].state != 'pending' \
                else {'train': 'starting', 'test': 'evaluating'}[action]
            where = f'job {a.launch}' if slurm else \
                f'pid {a.launch}, cores {",".join(map(str, launcher.groups[a.slot]))}'
            out(f'[sweep] {verb} {run.work_dir} ({where})')
            active.append(a)

    def queued() -> int:  # Slurm jobs still waiting for resources
        return sum(1 for a in active if slurm and (launcher.queue or {}).get(a.launch) ==
                   'PENDING')

    try:
        launch_more()
        progress.show(done, active, len(queue), queued())
        if not launcher.waits:
            out(f'[sweep] {len(active)} jobs submitted or queued; follow them with '
                f'tools/sweep.py --status {sweep_dir}')
            return 0
        while active or queue:
            time.sleep(poll_s)
            if slurm:
                launcher.refresh()
            for a in list(active):
                rc = launcher.ended(a)
                if rc is None:
                    continue
                active.remove(a)
                st = run_state(a.run.abs_work_dir(sweep_dir), launcher.queue if slurm else None)
                states[a.run.work_dir] = st
                took = spent.get(a.run.work_dir, 0.) + time.time() - a.started
                spent[a.run.work_dir] = took
                if st.state == 'finished':
                    done += 1
                    if not a.external:
                        progress.durations.append(took)
                    out(f'[sweep] finished {a.run.work_dir} in {_fmt_s(took)}: {_describe(st)}')
                    continue
                nxt = _action(st)
                if nxt and (a.run.work_dir, nxt) not in tried and \
                        (a.external or nxt == 'test'):
                    queue.append((a.run, nxt))
                    continue
                failed.append(a.run)
                out(f'[sweep] {st.state}: {a.run.work_dir} (exit {rc}) {st.detail}')
            launch_more()
            progress.show(done, active, len(queue), queued())
    except KeyboardInterrupt:
        if slurm:
            out(f'[sweep] leaving: the submitted jobs keep running (scancel stops them); '
                f'tools/sweep.py --status {sweep_dir}')
            return 130
        out('[sweep] stopping: interrupting the running runs (they resume on the next start)')
        launcher.stop(active)
        left = len(runs) - done
        out(f'[sweep] stopped: {done}/{len(runs)} done, {left} left; the same command '
            'continues (finished runs are skipped, interrupted ones resume)')
        return 130
    if failed:
        out(f'[sweep] {done}/{len(runs)} finished; not finished: '
            + ', '.join(r.work_dir for r in failed) + f' (tools/sweep.py --status {sweep_dir})')
        return 1
    out(f'[sweep] all {len(runs)} runs finished: {sweep_dir}')
    return 0


# ==============================================================================================
# status
# ==============================================================================================
def status_report(sweep_dir: str) -> Tuple[str, Dict[str, int]]:
    """A table of every run of the sweep dir with its state, and the count per state."""
    manifest = load_manifest(sweep_dir)
    if manifest is None:
        raise ToolError(f'{sweep_dir!r} is not a sweep directory (no {MANIFEST}); tools/sweep.py '
                        'writes one')
    runs = manifest_runs(manifest)
    needs_slurm = any((_read_json(osp.join(r.abs_work_dir(sweep_dir), RUN_RECORD)) or {})
                      .get('launcher') == 'slurm' for r in runs)
    jobs = squeue_states() if needs_slurm else {}
    counts = {s: 0 for s in STATES}
    width = max([len(r.arm) for r in runs] + [3])
    lines = [f'{"arm":<{width}}  seed  {"state":<11}  detail']
    for r in runs:
        st = run_state(r.abs_work_dir(sweep_dir), jobs)
        counts[st.state] += 1
        lines.append(f'{r.arm:<{width}}  {r.seed:>4}  {st.state:<11}  {_describe(st)}')
    summary = ', '.join(f'{n} {s}' for s, n in counts.items() if n)
    lines.append(f'{len(runs)} runs: {summary}')
    return '\n'.join(lines), counts


# ==============================================================================================
# command line
# ==============================================================================================
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog='tools/sweep.py', formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Run a grid of tools/train.py runs (configs x modules x variants x seeds) '
                    'under one sweep directory, here or on Slurm; restartable.',
        epilog=__doc__)
    p.add_argument('configs', nargs='*', help='config files (one arm each, times --modules and '
                                              '--variant)')
    p.add_argument('--work-dir', help='the sweep directory (default: ./work_dirs/sweep_<first '
                                      'config name>); run the same command again to continue')
    p.add_argument('--modules', nargs='+', default=[], metavar='NAME',
                   help='swap each module into every config\'s backbone at its paper placement '
                        '(attn_plugins/placements.py; "baseline" = no module, "config" = the '
                        'config\'s own plugins)')
    p.add_argument('--seeds', nargs='+', type=int, default=[0], metavar='S',
                   help='seeds, one run each (default: 0)')
    p.add_argument('--variant', nargs='+', action='append', default=[],
                   metavar=('NAME', 'KEY=VALUE'),
                   help='a named set of config overrides, one arm per config and module; '
                        'repeat for more (e.g. --variant lr2 optim_wrapper.optimizer.lr=0.2)')
    p.add_argument('--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
                   help='overrides for every run (as tools/train.py --cfg-options)')
    p.add_argument('--launcher', choices=['none', 'slurm'], default='none',
                   help='none: run here (--jobs at a time); slurm: one sbatch job per run')
    p.add_argument('--jobs', type=int, default=1,
                   help='local runs at a time, each pinned to its share of the cores')
    p.add_argument('--partition', help='Slurm partition')
    p.add_argument('--gpus', type=int, default=1,
                   help='Slurm: GPUs per run, one task each (0: one CPU task)')
    p.add_argument('--gpus-per-node', type=int, default=8, help='Slurm: at most this many GPUs '
                                                                'of a run per node')
    p.add_argument('--cpus-per-task', type=int, default=5, help='Slurm: CPUs per task')
    p.add_argument('--time', help='Slurm time limit per run (sbatch --time, e.g. 1-00:00:00)')
    p.add_argument('--srun-args', help='extra srun options (tools/slurm_train.sh SRUN_ARGS)')
    p.add_argument('--sbatch-args', help='extra sbatch options, e.g. "--qos=normal"')
    p.add_argument('--wait', action='store_true',
                   help='Slurm: stay until every job has ended (and evaluate trained runs)')
    p.add_argument('--poll', type=float, default=None,
                   help='seconds between checks (default: 1 locally, 30 on Slurm)')
    p.add_argument('--status', metavar='SWEEP_DIR',
                   help='print the state of every run of SWEEP_DIR and exit')
    p.add_argument('--dry-run', action='store_true',
                   help='print every run with its state and command, start nothing')
    p.add_argument('--debug', action='store_true', help='show tracebacks')
    return p


def _sweep(argv: Sequence[str], ctx) -> None:
    args = build_parser().parse_args(argv)
    if args.status:
        table, _ = status_report(args.status)
        print(table)
        return
    if not args.configs:
        raise ToolError('give one or more configs (or --status SWEEP_DIR)')
    sweep_dir = args.work_dir or osp.join(
        'work_dirs', 'sweep_' + osp.splitext(osp.basename(args.configs[0]))[0])
    sweep_dir = osp.abspath(sweep_dir)
    if osp.isfile(sweep_dir):
        raise ToolError(f'--work-dir {sweep_dir!r} is a file')
    if osp.isdir(sweep_dir) and os.listdir(sweep_dir) and load_manifest(sweep_dir) is None:
        raise ToolError(f'{sweep_dir} exists and is not a sweep directory (no {MANIFEST}); '
                        'choose another --work-dir')
    runs, arm_files = expand_grid(sweep_dir, args.configs, args.modules, args.seeds,
                                  args.variant, args.cfg_options)
    if args.launcher == 'slurm':
        launcher = SlurmLauncher(sweep_dir, args)
    else:
        launcher = LocalLauncher(sweep_dir, args.jobs)
    if args.dry_run:
        for r in runs:
            st = run_state(r.abs_work_dir(sweep_dir))
            act = _action(st)
            cmd = shlex.join(['tools/' + act + '.py',
                              *tool_args(r, sweep_dir, act, st.checkpoint)]) if act else '-'
            print(f'{r.work_dir}: {st.state}; {cmd}')
        return
    merge_manifest(sweep_dir, runs, argv)
    for path, text in arm_files.items():
        old = None
        if osp.isfile(path):
            with open(path) as f:
                old = f.read()
        if old != text:
            os.makedirs(osp.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(text)
    arms = len({r.arm for r in runs})
    print(f'[sweep] {sweep_dir}: {len(runs)} runs ({arms} arm{"s" * (arms > 1)} x '
          f'{len(args.seeds)} seed{"s" * (len(args.seeds) > 1)}), '
          f'launcher {launcher.name}' + (f', {args.jobs} at a time' if args.launcher == 'none'
                                         else ''), flush=True)
    poll = args.poll if args.poll is not None else (30. if args.launcher == 'slurm' else 1.)
    rc = execute(sweep_dir, runs, launcher, out=lambda s: print(s, flush=True), poll_s=poll)
    if rc:
        raise SystemExit(rc)


def sweep_main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/sweep.py``."""
    from .errors import run_tool

    def on_term(signum, frame):  # `kill PID` stops a sweep as Ctrl-C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    return run_tool(_sweep, argv, 'sweep.py')
