"""Constants shared by the tools and :class:`ToolError`, the one-line failure."""
import re


DEBUG_ENV = 'ATTN_PLUGINS_DEBUG'
_DEBUG_HINT = f' (run with --debug or {DEBUG_ENV}=1 for the traceback)'
CKPT_STEP_RE = re.compile(r'(epoch|iter)_(\d+)\.pth$')
REMOTE_CKPT_PREFIXES = ('torchvision://', 'open-mmlab://', 'openmmlab://', 'mmcls://', 'pavi://',
                        'http://', 'https://', 's3://', 'modelzoo://')


class ToolError(Exception):
    """A failure the user can fix, reported as exactly one line (no traceback)."""


