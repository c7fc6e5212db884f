"""Argument parsers of tools/train.py and tools/test.py (the arguments mmdet/mmseg/mmpretrain
users know; one tool serves all three libraries)."""
import argparse
import os

from .common import DEBUG_ENV


# ==============================================================================================
# argument parsing
# ==============================================================================================
WORK_DIR_HELP = """\
work-dir safety:
  Logs go to WORK_DIR/<timestamp>/ (one folder per run). Checkpoints (epoch_N.pth, iter_N.pth,
  best_*.pth, last_checkpoint) go straight into WORK_DIR, so a NEW run (no --resume) into a
  WORK_DIR that already holds checkpoints of an earlier run is refused with one error line.
  Choose one of:
    --resume            continue that run from WORK_DIR/last_checkpoint (a run that was killed
                        resumes and finishes; a finished run stays finished);
    --work-dir OTHER    start the new run elsewhere;
    --overwrite         start over here: the earlier checkpoints are first MOVED into
                        WORK_DIR/previous_run_<timestamp>/ (nothing is deleted).
  --resume CKPT resumes from CKPT; checkpoints in WORK_DIR of later epochs/iterations than CKPT
  (which the resumed run would overwrite) are moved the same way, and the move is reported.
"""

TRAIN_EPILOG = WORK_DIR_HELP + """
errors:
  Problems users meet (missing or corrupt annotation files, a wrong data_root, an unknown module
  name, a pretrained checkpoint that does not fit the backbone) are reported as one line and a
  non-zero exit code. Other failures during a run are one line too, with the full traceback saved
  to WORK_DIR/<timestamp>/error_traceback.txt. --debug (or ATTN_PLUGINS_DEBUG=1) shows the
  traceback instead.

distributed:
  bash tools/dist_train.sh CONFIG N [args] (torchrun; NNODES, NODE_RANK, MASTER_ADDR, PORT for
  several nodes) or bash tools/slurm_train.sh PARTITION JOB CONFIG WORK_DIR [args]. NCCL on GPUs;
  without CUDA the run uses gloo with plain DDP (no device_ids) and BN in place of SyncBN.

mixed precision:
  --amp uses AmpOptimWrapper with dynamic loss scaling (fp16) on CUDA, and bfloat16 autocast
  (CPUAmpOptimWrapper, no loss scaling) on CPU, for classifiers, detectors and segmentors; mmcv's
  ops without bf16 CPU kernels (NMS, RoIAlign, ...) run in fp32 (shim 4 of attn_plugins/compat.py).

checkpoints:
  --resume [CKPT], auto-resume and load_from are checked against the built model before training
  (keys, shapes, the optimizer state of a resume); a corrupt file is named with the previous
  checkpoint suggested. A checkpoint with attention modules the model lacks is refused unless
  --allow-unused-attention. --skip-checkpoint-check leaves it all to mmengine. Ctrl-C stops a run
  with exit code 130; --resume continues it.
"""


def _add_common(parser: argparse.ArgumentParser) -> None:
    from mmengine.config import DictAction
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value pairs merged into it, e.g. '
             'train_cfg.max_epochs=12 or model.backbone.depth=101; lists as key="[a,b]" or key=a,b '
             '(quotes needed, no white space)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher (set by dist_*.sh / slurm_*.sh)')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank (older).
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument('--debug', action='store_true',
                        help=f'show the full traceback of errors (also: {DEBUG_ENV}=1)')
    parser.add_argument('--skip-data-check', action='store_true',
                        help='do not check the data paths the config names before building the '
                             'datasets (the library then reports what it cannot find)')
    parser.add_argument('--allow-unused-attention', action='store_true',
                        help='load a checkpoint (test.py CHECKPOINT; train.py --resume, '
                             'auto-resume or load_from) that holds weights of attention modules '
                             'the model does not have (e.g. a module\'s checkpoint into a '
                             'plugins=None config): they are not loaded; refused without this '
                             'flag')


def build_train_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='tools/train.py', description='Train a classifier, detector or segmentor with '
        'attn_plugins modules (the config\'s default_scope picks mmpretrain, mmdet or mmseg).',
        epilog=TRAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models (default: the '
                        'config\'s work_dir, else ./work_dirs/<config name>)')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision (fp16 on CUDA, bf16 on CPU)')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the actual total batch size relative to '
                             'auto_scale_lr.base_batch_size of the config')
    parser.add_argument('--resume', nargs='?', type=str, const='auto', metavar='CKPT',
                        help='resume from CKPT if given, else from the latest checkpoint in the '
                             'work dir (WORK_DIR/last_checkpoint)')
    parser.add_argument('--overwrite', action='store_true',
                        help='start a new run in a work dir that holds an earlier run\'s '
                             'checkpoints; they are moved into WORK_DIR/previous_run_<timestamp>/')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate checkpoints during training')
    parser.add_argument('--pretrained-backbone', metavar='CKPT',
                        help='initialise model.backbone from a classification checkpoint, '
                             "loaded strictly: sets init_cfg=dict(type='Pretrained', "
                             "checkpoint=CKPT, prefix='backbone.', strict=True) (keeping the "
                             "config's allow_missing/allow_unexpected; model.pretrained=None for "
                             'mmseg)')
    parser.add_argument('--skip-pretrained-check', action='store_true',
                        help='load a Pretrained backbone checkpoint even if its keys or shapes do '
                             'not match the backbone: strict=True init_cfgs load non-strictly '
                             '(mmengine then only warns)')
    parser.add_argument('--skip-checkpoint-check', action='store_true',
                        help='do not check the --resume / auto-resume / load_from checkpoint '
                             'before training starts (that it can be read and resumed, its keys '
                             'and shapes against the built model, a resumed optimizer state '
                             'against the optimizer of the config); mmengine then loads it '
                             'non-strictly and only warns')
    parser.add_argument('--compile', action='store_true',
                        help="torch.compile the model (mmengine's compile=True)")
    parser.add_argument('--no-pin-memory', action='store_true',
                        help='disable pin_memory in the dataloaders')
    parser.add_argument('--no-persistent-workers', action='store_true',
                        help='disable persistent_workers in the dataloaders')
    _add_common(parser)
    return parser


def build_test_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='tools/test.py', description='Test (and evaluate) a checkpoint of a classifier, '
        'detector or segmentor (the config\'s default_scope picks mmpretrain, mmdet or mmseg).',
        epilog='errors are reported as one line and a non-zero exit code; --debug (or '
               f'{DEBUG_ENV}=1) shows the traceback. A checkpoint whose keys or shapes do not '
               'match the model is refused (mmengine would only warn and test random weights).',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the file containing evaluation '
                        'metrics (default: ./work_dirs/<config name>)')
    parser.add_argument('--out', help='dump predictions: a .pkl file (mmdet, mmpretrain) or a '
                        'directory of result images (mmseg)')
    parser.add_argument('--show', action='store_true', help='show prediction results')
    parser.add_argument('--show-dir', help='directory where painted images will be saved, as '
                        "each library's test.py does: mmdet WORK_DIR/<timestamp>/SHOW_DIR (unless "
                        'absolute), mmseg SHOW_DIR/vis_data/vis_image/, mmpretrain SHOW_DIR')
    parser.add_argument('--wait-time', type=float, default=2, help='the interval of --show (s)')
    parser.add_argument('--interval', type=int, default=1,
                        help='with --show/--show-dir: paint every INTERVAL-th image (mmseg: '
                             'batch; mmdet paints every test image, as its own test.py)')
    parser.add_argument('--tta', action='store_true', help='test-time augmentation (the '
                        'config\'s tta_model/tta_pipeline, else flip TTA for mmdet/mmpretrain)')
    _add_common(parser)
    return parser


def _set_local_rank(args) -> None:
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)


