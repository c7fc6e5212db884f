"""Parameters and FLOPs of classification, detection and segmentation configs, without a dataset.

Convention (printed with every report):
- **FLOPs = multiply-accumulates (MACs)** as counted by ``mmengine.analysis.FlopAnalyzer`` (fvcore
  rules: conv, linear, matmul/einsum, norm layers, upsampling, adaptive pooling), the convention of
  OpenMMLab's model zoo (ResNet-50 = 4.12 G at 224×224). Units: G = 1e9, M = 1e6.
- mmengine ignores element-wise work (sigmoid, tanh, multiply, add, pooling by ``mean``/``amax``).
  That is most of what lightweight attention modules do, so attention modules' element-wise
  operations are counted separately (one op per element produced, one per element reduced) and
  reported next to, not inside, the headline number.
- Parameters are exact integers; ``M`` = 1e6 (most papers) and ``MiB`` = 2^20 (ECA-Net's tables).
"""
from functools import partial
from typing import Dict, Optional, Sequence

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_handles import elementwise_flop_counter
from torch import nn

from ..modules import AttentionModule

# Element-wise ops: (input_scale, output_scale) for mmengine's elementwise_flop_counter.
_ELEMENTWISE = {
    **{f'aten::{op}{s}': (0, 1)
       for op in ('sigmoid', 'mul', 'add', 'sub', 'div', 'tanh', 'hardswish', 'relu', 'relu6',
                  'hardtanh', 'exp', 'sqrt', 'rsqrt', 'pow', 'abs', 'softmax', 'clamp', 'where',
                  'gelu', 'silu', 'erf', 'log', 'neg', 'reciprocal', 'sign')
       for s in ('', '_')},
    **{f'aten::{op}': (1, 0)
       for op in ('mean', 'amax', 'amin', 'max', 'min', 'sum', 'std', 'var', 'max_pool2d',
                  'avg_pool2d', 'norm', 'linalg_vector_norm', 'logsumexp', 'adaptive_max_pool2d',
                  'std_mean', 'var_mean')},
}


def attention_module_names(model: nn.Module) -> Dict[str, nn.Module]:
    """Every attention module inside ``model``: ours and mmcv's GC / NonLocal baselines."""
    from mmcv.cnn import ContextBlock, NonLocal2d
    kinds = (AttentionModule, ContextBlock, NonLocal2d)
    return {name: m for name, m in model.named_modules() if isinstance(m, kinds)}


def _analyzer(model, inputs, elementwise: bool) -> FlopAnalyzer:
    fa = FlopAnalyzer(model, inputs)
    fa.unsupported_ops_warnings(False)
    fa.uncalled_modules_warnings(False)
    fa.tracer_warnings('none')
    if elementwise:
        fa.set_op_handle(**{op: elementwise_flop_counter(i, o) for op, (i, o) in _ELEMENTWISE.items()})
    return fa


def count_complexity(model: nn.Module, inputs) -> Dict:
    """Parameters and FLOPs of ``model`` on ``inputs`` (a tensor or a tuple of forward args)."""
    model.eval()
    attn = attention_module_names(model)
    with torch.no_grad():
        std = _analyzer(model, inputs, elementwise=False)
        total = std.total()
        attn_macs = sum(std.total(n) for n in attn) if attn else 0
        attn_elem = 0
        if attn:
            ext = _analyzer(model, inputs, elementwise=True)
            attn_elem = sum(ext.total(n) for n in attn) - attn_macs
    params = sum(p.numel() for p in model.parameters())
    attn_params = sum(p.numel() for m in attn.values() for p in m.parameters())
    return dict(params=params, params_M=params / 1e6, params_MiB=params / 2 ** 20,
                flops=total, flops_G=total / 1e9,
                attention=dict(modules=len(attn), params=attn_params, flops=attn_macs,
                               elementwise_ops=attn_elem),
                convention='FLOPs are multiply-accumulates (MACs) counted by mmengine.analysis '
                           '(conv, linear, matmul, norm, upsample, adaptive pooling); G = 1e9, '
                           'M = 1e6, MiB = 2^20 parameters; attention element-wise ops (sigmoid, '
                           'multiply, pooling by mean/max, ...) are not in FLOPs and are reported '
                           'separately')


def build_model(cfg):
    """Build ``cfg.model`` in the config's default scope (mmpretrain, mmdet or mmseg)."""
    from mmengine.registry import MODELS, init_default_scope
    scope = cfg.get('default_scope', None)
    if scope is None:
        raise ValueError('the config has no default_scope: cannot tell whether it is an mmpretrain, '
                         'mmdet or mmseg config (set default_scope in the config)')
    init_default_scope(scope)
    model = MODELS.build(cfg.model)
    return model, scope


# Input (H, W) per library when none is given: the size each library's benchmarks report at.
DEFAULT_SHAPE = {'mmpretrain': (224, 224), 'mmdet': (800, 1333), 'mmseg': (512, 1024)}


def head_num_classes(cfg) -> Optional[int]:
    """``num_classes`` of a detector config's box head (two-stage ``roi_head.bbox_head`` or
    one-stage ``bbox_head``), for synthetic data samples; None for other models."""
    model = cfg.model
    bbox_head = (model.get('roi_head') or {}).get('bbox_head') or model.get('bbox_head')
    return bbox_head.get('num_classes') if isinstance(bbox_head, dict) else None


def model_inputs(model, scope: str, shape: Sequence[int], num_classes: Optional[int] = None):
    """Synthetic inputs for ``model``: a (1, 3, H, W) image, plus data samples where needed.

    Returns ``(model_to_trace, inputs)``: detectors are wrapped so that tracing sees only tensors
    (the approach of mmdet's own get_flops tool), with no dataset on disk.
    """
    h, w = shape
    if scope == 'mmdet':
        from mmdet.testing import demo_mm_inputs
        packed = demo_mm_inputs(batch_size=1, image_shapes=[(3, h, w)], num_items=[1],
                                num_classes=num_classes or 1)
        data = model.data_preprocessor(packed, False)
        model.forward = partial(model.forward, data_samples=data['data_samples'], mode='tensor')
        return model, data['inputs']
    return model, torch.rand(1, 3, h, w)
