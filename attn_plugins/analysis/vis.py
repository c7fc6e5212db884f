"""Attention maps and Grad-CAM of a trained classifier, detector or segmentor, as image overlays.

How each module's gate is obtained (no hook point is added to the modules): a forward hook on
every attention module records its input ``x`` and output ``y`` during one inference pass
(eval mode); the gate is then computed from them, without changing the model:

* **recomputed from the module's own layers** (same weights, same eval-mode statistics, so the
  values are the ones the forward pass used):
  CBAM — spatial gate ``σ(BN(conv7×7([max_c x'; mean_c x'])))`` on the channel-gated ``x'``
  (and the channel gate as a bar chart); BAM — spatial branch ``σ(M_s(x))`` and
  ``mean_c σ(M_c + M_s)``; TripletAttention — the hw-branch gate and ``mean_c`` of the combined
  scale ``(s_hw + s_cw + s_hc)/3``; GAM — ``mean_c`` of the spatial gate; SA — ``mean`` over the
  spatial-branch channels of ``σ(w·GN(x₁) + b)``; GC (``ContextBlock``) — the softmax attention
  mask over H×W; NonLocal2d — the attention each position receives (column mean of the
  (HW)×(HW) pairwise weights).
  STEAM — its spatial gate ``Ms`` (on the grid graph, eval mode: no edge drop), the channel gate
  ``Mc`` as bars, and ``mean_c`` of the gain ``y / x = 1 + tanh(x ⊙ Mc) ⊙ Ms / x`` (its default
  ``out = x + tanh(x ⊙ Mc) ⊙ Ms`` is not a product ``x ⊙ g``, so Mc ⊗ Ms is not the output/input
  ratio); SK — per channel, the selection-weighted kernel extent ``Σ_m a_m (2 d_m + 1)``
  (3 = all weight on the 3×3 path, 5 = on the dilated "5×5" one); EPSA — per channel of a branch,
  the softmax-weighted kernel size ``Σ_i a_i k_i``; PAM — the attention each position receives
  (as NonLocal2d).
* **output / input ratio** ``y / x`` (exact for any module of the form ``y = x ⊙ g``; positions
  with ``|x| < 1e-6·max|x|`` are masked out): CoordAtt (``mean_c a_h ⊗ a_w``), SGE (``mean`` of
  the group gates), SimAM (``mean_c`` of its 3-D gate), EMA (``mean`` of the group gates), and
  any unknown multiplicative module.
* **residual modules** (CAM, CrissCross: ``y = x + γ·attention``): ``mean_c |y − x|``, what the
  module adds to its input.
* **channel-only modules** (SE, ECA, GCT, FcaNet, SRM, MCA, GE): the gate has no spatial extent;
  it is saved as a bar chart of the per-channel gate (median over H×W of ``y / x``), not as an
  overlay.

Each spatial map is resized (bilinear) to the input image and min-max normalised for display; the
raw range is written to ``index.json``.

Grad-CAM (Selvaraju et al.) of the **last backbone stage** (the last tensor the backbone returns):
``ReLU(Σ_c mean_hw(∂s/∂A_c) · A_c)`` for a scalar ``s``:

* classifiers: the logit (pre-softmax score) of the predicted class;
* detectors: the highest foreground score before NMS — two-stage: max over proposals and classes
  of ``softmax(RoI cls_score)`` without the background column; one-stage: max of ``σ(cls_score)``
  over levels, anchors and classes;
* segmentors: the mean logit, over all pixels, of the class predicted at most pixels
  ("dominant class").
"""
import fnmatch
import json
import os
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
from torch import nn

CHANNEL_ONLY = ('SE', 'ECA', 'GCT', 'FcaNet', 'SRM', 'MCA', 'GE')


# ------------------------------------------------------------------------------------------------
# model and image
# ------------------------------------------------------------------------------------------------
def load_model(config: str, checkpoint: Optional[str], device: str = 'cpu',
               cfg_options: Optional[Dict] = None):
    """Build ``config``'s model in its default scope, load ``checkpoint``, eval mode."""
    from mmengine.config import Config
    from mmengine.runner import load_checkpoint

    import attn_plugins  # noqa: F401
    from .complexity import build_model
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    model, scope = build_model(cfg)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu', strict=False, logger='current')
    return model.to(device).eval(), scope, cfg


def read_image(path: str) -> np.ndarray:
    """BGR uint8 (H, W, 3), as OpenMMLab's LoadImageFromFile gives it."""
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(f'cannot read image {path!r}')
    return img


def _det_resize(h: int, w: int, scale=(1333, 800)) -> Tuple[int, int]:
    """mmdet's keep-ratio test resize to fit (1333, 800)."""
    r = min(max(scale) / max(h, w), min(scale) / min(h, w))
    return int(h * r + 0.5), int(w * r + 0.5)


def prepare_inputs(model, scope: str, img: np.ndarray, size: Optional[Sequence[int]] = None,
                   device: str = 'cpu'):
    """Run the model's data preprocessor on ``img``; returns ``(inputs, data_samples)``."""
    h0, w0 = img.shape[:2]
    if size:
        h, w = int(size[0]), int(size[-1])
    elif scope == 'mmdet':
        h, w = _det_resize(h0, w0)
    else:
        h, w = h0, w0
    if (h, w) != (h0, w0):
        img = cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
    tensor = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
    samples = None
    if scope == 'mmdet':
        from mmdet.structures import DetDataSample
        samples = [DetDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h0, w0),
                                               scale_factor=(w / w0, h / h0), img_id=0))]
    elif scope == 'mmseg':
        from mmseg.structures import SegDataSample
        samples = [SegDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h0, w0),
                                               pad_shape=(h, w)))]
    data = model.data_preprocessor(dict(inputs=[tensor], data_samples=samples), False)
    inputs = data['inputs'].to(device)
    return inputs, data.get('data_samples')


def run_tensor(model, inputs, samples):
    """Forward in ``mode='tensor'`` (raw head outputs)."""
    return model(inputs, samples, mode='tensor')


# ------------------------------------------------------------------------------------------------
# gates
# ------------------------------------------------------------------------------------------------
def _ratio(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``y / x`` with near-zero inputs masked (NaN)."""
    x, y = x.float(), y.float()
    tau = 1e-6 * x.abs().max().clamp_min(1e-30)
    r = y / x
    return torch.where(x.abs() > tau, r, torch.full_like(r, float('nan')))


def _nanmean_c(t: torch.Tensor) -> torch.Tensor:
    return torch.nanmean(t, dim=1)


def _cbam(m, x, y):
    from ..modules.cbam import _pool_descriptor
    logits = sum(m.fc2(m.act(m.fc1(_pool_descriptor(x, k)))) for k in m.pool_types)
    cg = torch.sigmoid(logits)
    out = dict(channel=cg[0])
    if not m.no_spatial:
        xc = x * cg[:, :, None, None]
        comp = torch.cat((xc.amax(dim=1, keepdim=True), xc.mean(dim=1, keepdim=True)), dim=1)
        out['spatial'] = torch.sigmoid(m.spatial_bn(m.spatial_conv(comp)))[0, 0]
    return out


def _bam(m, x, y):
    from ..modules._utils import pool_hw
    c = m.channel_fc2(torch.relu(m.channel_bn(m.channel_fc1(pool_hw(x).flatten(1)))))
    s = m.spatial(x)
    fused = c[:, :, None, None] + s if m.fusion == 'sum' else c[:, :, None, None] * s
    return dict(spatial=torch.sigmoid(s)[0, 0], gate_mean_c=torch.sigmoid(fused)[0].mean(0),
                channel=torch.sigmoid(c)[0])


def _triplet(m, x, y):
    from ..modules.triplet import _zpool
    s_cw = m.cw(_zpool(x, 2)).permute(0, 2, 1, 3)
    s_hc = m.hc(_zpool(x, 3).transpose(2, 3)).permute(0, 3, 2, 1)
    if m.no_spatial:
        return dict(combined_mean_c=((s_cw + s_hc) / 2).expand_as(x)[0].mean(0))
    s_hw = m.hw(_zpool(x, 1))
    comb = (s_hw + s_cw + s_hc) / 3.
    return dict(spatial_hw=s_hw[0, 0], combined_mean_c=comb[0].mean(0))


def _gam(m, x, y):
    a = m.channel_fc2(m.channel_act(m.channel_fc1(x.permute(0, 2, 3, 1)))).permute(0, 3, 1, 2)
    if m.channel_sigmoid:
        a = torch.sigmoid(a)
    xa = x * a
    s = torch.sigmoid(m.spatial_bn2(m.spatial_conv2(m.spatial_act(m.spatial_bn1(
        m.spatial_conv1(xa))))))
    return dict(spatial_mean_c=s[0].mean(0), combined_mean_c=_nanmean_c(_ratio(x, y))[0])


def _sa(m, x, y):
    b, c, h, w = x.shape
    g = m.groups
    half = c // (2 * g)
    x1 = x.reshape(b, g, 2, half, h, w)[:, :, 1].float()
    var, mean = torch.var_mean(x1, dim=(3, 4), keepdim=True, correction=0)
    gn = (x1 - mean) * torch.rsqrt(var + m.gn.eps)
    gn = gn * m.gn.weight.view(-1, 1, 1) + m.gn.bias.view(-1, 1, 1)
    gate = torch.sigmoid(m.sweight * gn + m.sbias)            # (B, G, C/2G, H, W)
    return dict(spatial_mean=gate[0].mean(dim=(0, 1)))


def _context_block(m, x, y):
    b, _, h, w = x.shape
    mask = torch.softmax(m.conv_mask(x).view(b, 1, h * w), dim=-1).view(b, h, w)
    return dict(context_mask=mask[0])


def _nonlocal(m, x, y):
    n = x.size(0)
    if m.mode in ('gaussian', 'concatenation') or getattr(m, 'sub_sample', False):
        raise NotImplementedError(f'NonLocal2d mode={m.mode!r}, sub_sample='
                                  f'{getattr(m, "sub_sample", False)}')
    theta = m.theta(x).view(n, m.inter_channels, -1).permute(0, 2, 1)
    phi = m.phi(x).view(n, m.inter_channels, -1)
    pw = getattr(m, m.mode)(theta, phi)                        # (N, HW, HW)
    return dict(attention_received=pw[0].mean(0).view(*x.shape[2:]))


def _steam(m, x, y):
    mc, _, ms = m.gates(x)
    return dict(spatial_gate=ms[0, 0], channel=mc[0], gain_mean_c=_nanmean_c(_ratio(x, y))[0])


def _sk(m, x, y):
    feats = [p(x) for p in m.paths]
    s = sum(f.mean(dim=(2, 3), keepdim=True) for f in feats)
    a = m.attn(s)[0, :, :, 0, 0]                               # (M, C)
    extent = torch.tensor([2. * d + 1 for d in m.path_dilations], device=a.device)
    return dict(kernel_extent=(a * extent[:, None]).sum(0))


def _epsa(m, x, y):
    feats = [conv(x) for conv in m.branches()]
    a = m.branch_weights(feats)[0, :, :, 0, 0]                 # (S, C/S)
    k = torch.tensor([float(v) for v in m.conv_kernels], device=a.device)
    return dict(kernel_size=(a * k[:, None]).sum(0))


def _pam(m, x, y):
    return dict(attention_received=m.attention(x)[0].mean(0).view(*x.shape[2:]))


def _residual(m, x, y):
    return dict(residual_mean_c=(y.float() - x.float()).abs()[0].mean(0))


def _ratio_map(m, x, y):
    return dict(gate_mean_c=_nanmean_c(_ratio(x, y))[0])


def _channel_only(m, x, y):
    r = _ratio(x, y)[0].flatten(1)                             # (C, HW)
    return dict(channel=torch.nanmedian(r, dim=1).values)


GATE_FUNCS: Dict[str, Tuple[Callable, str]] = {
    'CBAM': (_cbam, 'recomputed from the module layers'),
    'BAM': (_bam, 'recomputed from the module layers'),
    'TripletAttention': (_triplet, 'recomputed from the module layers'),
    'GAM': (_gam, 'recomputed (spatial gate) + output/input ratio (combined gate)'),
    'SA': (_sa, 'recomputed from the module layers'),
    'ContextBlock': (_context_block, 'recomputed from the module layers (softmax mask)'),
    'NonLocal2d': (_nonlocal, 'recomputed pairwise weights (column mean)'),
    'CoordAtt': (_ratio_map, 'output/input ratio = a_h ⊗ a_w, mean over C'),
    'SGE': (_ratio_map, 'output/input ratio = group gates, mean over C'),
    'STEAM': (_steam, 'recomputed Ms (spatial gate) and Mc; gain = output/input, mean over C'),
    'SK': (_sk, 'recomputed path selection: selection-weighted kernel extent per channel'),
    'EPSA': (_epsa, 'recomputed branch softmax: weighted kernel size per channel'),
    'PAM': (_pam, 'recomputed position attention (column mean)'),
    'CAM': (_residual, 'residual |output - input|, mean over C'),
    'CrissCross': (_residual, 'residual |output - input|, mean over C'),
    'SimAM': (_ratio_map, 'output/input ratio = the 3-D energy gate, mean over C'),
    'EMA': (_ratio_map, 'output/input ratio = group cross-spatial gates, mean over C'),
    **{k: (_channel_only, 'output/input ratio, median over H×W (channel gate)')
       for k in CHANNEL_ONLY},
}


def attention_modules(model: nn.Module, layers: Optional[Sequence[str]] = None) -> Dict:
    """Attention modules of ``model`` (ours and mmcv's GC / NonLocal), filtered by ``layers``
    (substrings or glob patterns of module names)."""
    from .complexity import attention_module_names
    mods = attention_module_names(model)
    if layers:
        mods = {n: m for n, m in mods.items()
                if any(p in n or fnmatch.fnmatch(n, p) for p in layers)}
    return mods


def capture_gates(model, inputs, samples, modules: Dict[str, nn.Module]) -> Dict[str, Dict]:
    """One eval-mode forward with hooks; returns ``{name: {type, method, maps}}``."""
    records = {}

    def hook(name):
        def fn(mod, args, out):
            records[name] = (args[0].detach(), out.detach() if torch.is_tensor(out) else None)
        return fn

    handles = [m.register_forward_hook(hook(n)) for n, m in modules.items()]
    try:
        with torch.no_grad():
            run_tensor(model, inputs, samples)
    finally:
        for h in handles:
            h.remove()
    gates = {}
    with torch.no_grad():
        for name, m in modules.items():
            kind = type(m).__name__
            if name not in records:
                gates[name] = dict(type=kind, status='not called')
                continue
            x, y = records[name]
            func, method = GATE_FUNCS.get(kind, (_ratio_map, 'output/input ratio, mean over C '
                                                             '(generic; exact for y = x ⊙ g)'))
            try:
                maps = {k: v.float().cpu() for k, v in func(m, x, y).items()}
            except Exception as e:  # noqa: BLE001
                gates[name] = dict(type=kind, status=f'skipped: {type(e).__name__}: {e}')
                continue
            gates[name] = dict(type=kind, method=method, maps=maps, status='ok',
                               feature_shape=list(x.shape))
    return gates


# ------------------------------------------------------------------------------------------------
# Grad-CAM
# ------------------------------------------------------------------------------------------------
def target_score(model, scope: str, out) -> Tuple[torch.Tensor, str]:
    """The scalar Grad-CAM differentiates (see the module docstring)."""
    from .benchmark import _tensors
    if scope == 'mmdet':
        if hasattr(model, 'roi_head'):
            cls = out[-1][0]
            p = torch.softmax(cls.float(), dim=-1)[:, :-1]
            return p.max(), 'max over proposals and classes of softmax(RoI cls_score) ' \
                            '(background excluded), before NMS'
        cls = out[0]
        cls = cls if isinstance(cls, (list, tuple)) else [cls]
        return torch.stack([t.float().sigmoid().max() for t in cls]).max(), \
            'max over levels, anchors and classes of sigmoid(cls_score), before NMS'
    t = out if torch.is_tensor(out) else next(iter(_tensors(out)))
    if scope == 'mmseg':
        cls = int(torch.bincount(t[0].argmax(0).flatten(), minlength=t.shape[1]).argmax())
        return t[0, cls].float().mean(), f'mean logit of the dominant class {cls}'
    pred = int(t[0].argmax())
    return t[0, pred], f'logit of the predicted class {pred}'


def grad_cam(model, scope: str, inputs, samples) -> Tuple[np.ndarray, str, List[int]]:
    """Grad-CAM of the last tensor the backbone returns; returns (cam (h, w), target, shape)."""
    feats = {}

    def hook(mod, args, out):
        t = out[-1] if isinstance(out, (list, tuple)) else out
        t.retain_grad()
        feats['a'] = t

    h = model.backbone.register_forward_hook(hook)
    try:
        x = inputs.detach().clone().requires_grad_(True)  # so that frozen stages keep the graph
        with torch.enable_grad():
            out = run_tensor(model, x, samples)
            score, what = target_score(model, scope, out)
            model.zero_grad(set_to_none=True)
            score.backward()
    finally:
        h.remove()
    a = feats['a']
    weights = a.grad.float().mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((weights * a.float()).sum(1))[0].detach().cpu().numpy()
    model.zero_grad(set_to_none=True)
    return cam, what, list(a.shape)


# ------------------------------------------------------------------------------------------------
# drawing
# ------------------------------------------------------------------------------------------------
def overlay(img: np.ndarray, amap: np.ndarray, alpha: float = 0.5,
            label: Optional[str] = None) -> np.ndarray:
    """JET heat map of ``amap`` (min-max normalised, NaN → minimum) blended over ``img`` (BGR),
    resized bilinearly to the image's size."""
    h, w = img.shape[:2]
    amap = np.asarray(amap, dtype=np.float32)
    finite = np.isfinite(amap)
    lo = float(amap[finite].min()) if finite.any() else 0.
    hi = float(amap[finite].max()) if finite.any() else 1.
    amap = np.where(finite, amap, lo)
    m = cv2.resize(amap, (w, h), interpolation=cv2.INTER_LINEAR)
    norm = (m - lo) / (hi - lo) if hi > lo else np.zeros_like(m)
    heat = cv2.applyColorMap(np.clip(norm * 255, 0, 255).astype(np.uint8), cv2.COLORMAP_JET)
    out = cv2.addWeighted(img, 1 - alpha, heat, alpha, 0)
    if label and w >= 160:
        cv2.putText(out, label, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1,
                    cv2.LINE_AA)
    return out


def channel_bar(values: np.ndarray, title: str, path: str) -> str:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(max(4, min(16, len(values) / 16)), 2.5))
    ax.bar(np.arange(len(values)), values, width=1.0)
    ax.set_xlabel('channel')
    ax.set_ylabel('gate')
    ax.set_title(title, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def _safe(name: str) -> str:
    return name.replace('.', '_').replace('/', '_') or 'model'


def visualize(config: str, checkpoint: Optional[str], image: str, out_dir: str,
              layers: Optional[Sequence[str]] = None, size: Optional[Sequence[int]] = None,
              device: str = 'cpu', cam: bool = True, cfg_options: Optional[Dict] = None,
              alpha: float = 0.5) -> Dict:
    """Write gate overlays, channel-gate bars, the Grad-CAM overlay and ``index.json``."""
    model, scope, _ = load_model(config, checkpoint, device, cfg_options)
    img = read_image(image)
    inputs, samples = prepare_inputs(model, scope, img, size, device)
    mods = attention_modules(model, layers)
    os.makedirs(out_dir, exist_ok=True)
    index = dict(config=config, checkpoint=checkpoint, image=image, scope=scope,
                 image_size=list(img.shape[:2]), input_shape=list(inputs.shape), files=[],
                 modules={}, method=__doc__.split('Each spatial map')[0].strip())
    if not mods:
        index['note'] = 'no attention modules matched' + (f' --layers {layers}' if layers else '')
    gates = capture_gates(model, inputs, samples, mods)
    for k, (name, g) in enumerate(gates.items()):
        entry = {key: v for key, v in g.items() if key != 'maps'}
        entry['maps'] = {}
        for map_name, t in (g.get('maps') or {}).items():
            arr = t.numpy()
            stats = dict(min=float(np.nanmin(arr)), max=float(np.nanmax(arr)),
                         mean=float(np.nanmean(arr)), shape=list(arr.shape))
            if arr.ndim == 1:
                path = osp.join(out_dir, f'{k:03d}_{_safe(name)}_{map_name}_gate.png')
                channel_bar(arr, f'{name} ({g["type"]}): {map_name} gate', path)
                stats['kind'] = 'channel gate (bar chart)'
            else:
                path = osp.join(out_dir, f'{k:03d}_{_safe(name)}_{map_name}.png')
                cv2.imwrite(path, overlay(img, arr, alpha,
                                          f'{name} {map_name} [{stats["min"]:.2f}, '
                                          f'{stats["max"]:.2f}]'))
                stats['kind'] = 'spatial map (overlay, min-max normalised)'
            stats['file'] = path
            entry['maps'][map_name] = stats
            index['files'].append(path)
        if g['type'] in CHANNEL_ONLY:
            entry['note'] = 'channel-only module: no spatial gate; bar chart of the channel gate'
        index['modules'][name] = entry
    if cam:
        cmap, what, shape = grad_cam(model, scope, inputs, samples)
        path = osp.join(out_dir, 'gradcam_backbone_last_stage.png')
        cv2.imwrite(path, overlay(img, cmap, alpha, 'Grad-CAM last stage'))
        index['gradcam'] = dict(file=path, target=what, feature_shape=shape,
                                max=float(cmap.max()))
        index['files'].append(path)
    with open(osp.join(out_dir, 'index.json'), 'w') as f:
        json.dump(index, f, indent=1)
    return index


def build_parser():
    import argparse

    from mmengine.config import DictAction
    p = argparse.ArgumentParser(
        prog='vis_attention.py', formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Save the attention gates of every attention module (overlays on the image) '
                    'and a Grad-CAM of the last backbone stage.', epilog=__doc__)
    p.add_argument('config')
    p.add_argument('checkpoint', help="checkpoint file ('none' = the model's initial weights)")
    p.add_argument('image')
    p.add_argument('--out-dir', default='vis_attention', help='output folder')
    p.add_argument('--layers', nargs='+', help='only modules whose name contains one of these '
                                               '(or matches the glob), e.g. layer4 layer3.5')
    p.add_argument('--size', type=int, nargs='+', metavar=('H', 'W'),
                   help='network input size (default: the image size; detectors: mmdet keep-'
                        'ratio resize to 1333×800)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--no-cam', action='store_true', help='skip Grad-CAM')
    p.add_argument('--alpha', type=float, default=0.5, help='heat-map opacity')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p


def main(argv=None) -> int:
    import sys
    args = build_parser().parse_args(argv)
    ckpt = None if args.checkpoint.lower() == 'none' else args.checkpoint
    try:
        index = visualize(args.config, ckpt, args.image, args.out_dir, args.layers, args.size,
                          args.device, not args.no_cam, args.cfg_options, args.alpha)
    except FileNotFoundError as e:
        print(f'vis_attention: {e}', file=sys.stderr)
        return 2
    for name, e in index['modules'].items():
        maps = ', '.join(f'{k} [{v["min"]:.3f}, {v["max"]:.3f}]' for k, v in e['maps'].items())
        print(f'{name} ({e["type"]}): {maps or e.get("status")}')
    if 'gradcam' in index:
        print(f'Grad-CAM: {index["gradcam"]["target"]} -> {index["gradcam"]["file"]}')
    print(f'vis_attention: {len(index["files"])} files in {args.out_dir} (index.json)')
    return 0
