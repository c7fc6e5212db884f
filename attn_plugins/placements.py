"""The placement table: how each attention module enters a ResNet or MobileNetV2 backbone in each
setting (ImageNet, CIFAR-100, detection, segmentation), as the papers place it.

One table serves every tool that needs a module's paper placement: ``tools/misc/generate_configs.py``
writes the config tree from it, and the sweep tool swaps a module into a config's backbone by name.
``Module.resnet(depth, setting)`` / ``Module.mnv2(setting)`` return the backbone's ``plugins`` list
(``setting`` is ``'in1k'``, ``'cifar'``, ``'det'`` or ``'seg'``).
"""
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple


class Frac(float):
    """A float written as a fraction in generated configs (``Frac(1, 16)`` -> ``1. / 16``)."""

    def __new__(cls, num: int, den: int):
        obj = super().__new__(cls, num / den)
        obj.text = f'{num}. / {den}'
        return obj

    def __repr__(self):
        return self.text

    def __reduce__(self):
        num, den = self.text.split('. / ')
        return (Frac, (int(num), int(den)))

AFTER_LAST_BN = 'after_last_bn'
ECA_KERNELS = {18: (3, 5, 7, 7), 50: (3, 5, 5, 7), 101: (3, 3, 5, 7)}  # released eca_resnet*_kXXXX


def _entry(cfg: dict, position: str, **sel) -> dict:
    d = dict(cfg=cfg, position=position)
    d.update(sel)
    return d


def _one_hot(s: int, n: int = 4) -> tuple:
    return tuple(i == s for i in range(n))


@dataclass
class Module:
    """One attention module: how it enters a ResNet / MobileNetV2 in each setting.

    ``resnet(depth, setting)`` and ``mnv2(setting)`` return the ``plugins`` list (``setting`` is
    'in1k', 'cifar', 'det' or 'seg'); ``mnv2=None``: no MobileNetV2 configs.

    ``archs``: the classification backbones it has configs for (``'resnet'``, ``'resnetv1c'``,
    ``'mobilenet-v2'`` — the last only with ``mnv2`` — or ``'resnext'``); ``depths``: the ResNet
    depths (SK/EPSA replace Bottleneck convs: no ResNet-18); ``tv_pre``: generate the
    torchvision-initialised detection twins (not for modules that replace a conv: torchvision has
    no weights for it); ``extra_cfg(setting)``: further top-level config keys (SRM's weight-decay
    exemption).
    """
    name: str                  # folder
    title: str                 # short description for tables
    resnet: Optional[Callable[[int, str], Optional[list]]]
    mnv2: Optional[Callable[[str], Optional[list]]]
    resnet_note: str           # placement in ResNet (comment + README)
    mnv2_note: str = ''        # placement in MobileNetV2, or why there is none
    downstream: bool = True    # detection / segmentation configs
    mnv2_seg: bool = False     # MobileNetV2 DeepLabV3 configs
    extra_notes: Dict[str, str] = field(default_factory=dict)
    archs: Tuple[str, ...] = ('resnet', 'resnetv1c', 'mobilenet-v2')
    depths: Tuple[int, ...] = (18, 50, 101)
    tv_pre: bool = True
    extra_cfg: Optional[Callable[[str], Dict]] = None

    @property
    def slug(self) -> str:
        return self.name.replace('_', '-')


def _se_resnet(depth, setting):
    # CIFAR: the GAM paper's "+SE 26.22M" counts an SE without FC biases (senet.pytorch);
    # ImageNet and transfer: the official Caffe SE (FC biases), 28,088,024 for ResNet-50.
    cfg = dict(type='SE', reduction=16, bias=False) if setting == 'cifar' else \
        dict(type='SE', reduction=16)
    return [_entry(cfg, AFTER_LAST_BN)]


def _eca_resnet(depth, setting):
    return [
        _entry(dict(type='ECA', kernel_size=k), AFTER_LAST_BN, stages=_one_hot(s))
        for s, k in enumerate(ECA_KERNELS[depth])
    ]


def _sa_resnet(depth, setting):
    cfg = dict(type='SA', groups=64)
    if depth < 50:  # BasicBlock: 64 channels in layer1 cannot hold 2·64 groups
        cfg['group_fallback'] = 'largest_divisor'
    return [_entry(cfg, AFTER_LAST_BN)]


def _steam_cfg(setting):
    # ogp_size: the OGP grid is the backbone's final resolution (7 at 224×224); CIFAR ends at 4×4.
    return dict(type='STEAM', embed_dim=8, num_heads=2, ogp_size=4 if setting == 'cifar' else 7)


def _steam_blocks(num_blocks: int) -> tuple:
    """The author code's ``_make_layer``: never block 0; blocks 2 and 5 of a 6-block stage, else
    the last block."""
    return (2, 5) if num_blocks == 6 else (-1, )


STAGE_BLOCKS = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3),
                152: (3, 8, 36, 3)}


def _steam_resnet(depth, setting):
    blocks = tuple(_steam_blocks(n) for n in STAGE_BLOCKS[depth])
    if all(b == (-1, ) for b in blocks):
        blocks = (-1, )
    return [_entry(_steam_cfg(setting), AFTER_LAST_BN, blocks=blocks)]


def _per_stage(make_cfg, position=AFTER_LAST_BN, n=4):
    """One plugin entry per stage, ``make_cfg(stage)`` (FcaNet's DCT size, GE's kernel)."""
    return [_entry(make_cfg(s), position, stages=_one_hot(s, n)) for s in range(n)]


IN1K_STAGE_HW = (56, 28, 14, 7)    # ResNet stage outputs at 224×224 (the official kernel sizes)
CIFAR_STAGE_HW = (32, 16, 8, 4)    # AttnResNet_CIFAR stage outputs at 32×32


def _fca_resnet(depth, setting):
    # The official fcanet.py: dct_h = dct_w = c2wh[planes] = 56/28/14/7 (224 input); detection
    # keeps them (the input is adaptive-pooled to them). CIFAR: 7, the grid the frequencies were
    # ranked on (our choice; no official CIFAR model).
    sizes = (7, ) * 4 if setting == 'cifar' else IN1K_STAGE_HW
    return _per_stage(lambda s: dict(type='FcaNet', dct_size=sizes[s], reduction=16,
                                     freq_sel_method='top16'))


def _ge_resnet(depth, setting):
    # GE-θ⁺ with a global extent: the kernel covers the stage map of a 224 input (official), the
    # CIFAR map at 32; downstream keeps the ImageNet kernels (the checkpoint's shapes) and pools.
    sizes = CIFAR_STAGE_HW if setting == 'cifar' else IN1K_STAGE_HW
    return _per_stage(lambda s: dict(type='GE', variant='theta+', global_size=sizes[s]))


def _simam_lambda(setting):
    # λ: 0.1 in the official ImageNet runs (ckpts/imagenet-*-simam-param0.1) and mmdet configs;
    # 1e-4 (the module default) in the official CIFAR run (cifar100-resnet20-...-param0.0001).
    return 1e-4 if setting == 'cifar' else 0.1


SK_RESNET = dict(type='SK', path_groups=(1, 32), path_dilations=(1, 1), reduction=16,
                 min_channels=0)
LAST_TWO_STAGES = (False, False, True, True)


def _gc_resnet(depth, setting):
    cfg = dict(type='ContextBlock', ratio=Frac(1, 16))
    if setting in ('det', 'seg'):  # mmdet configs/gcnet: stages c3-c5
        return [_entry(cfg, AFTER_LAST_BN, stages=(False, True, True, True))]
    return [_entry(cfg, AFTER_LAST_BN)]  # GCNet's ImageNet entry: all stages (28,105,032)


def _eca_mnv2(setting):
    # eca_mobilenetv2_k13: k=1 below 96 channels, 3 from 96 on (the width the plugin receives).
    return [dict(cfg_by_channels=[(0, dict(type='ECA', kernel_size=1)),
                                  (96, dict(type='ECA', kernel_size=3))],
                 position='after_project')]


MODULES: List[Module] = [
    Module('baseline', 'none (plain ResNet / MobileNetV2)',
           resnet=lambda d, s: None, mnv2=lambda s: None,
           resnet_note='No attention module: AttnResNet without plugins is the library ResNet '
           '(same weights, same function).',
           mnv2_note='No attention module: AttnMobileNetV2 without plugins is the library '
           'MobileNetV2.', mnv2_seg=True),
    Module('se', 'SE r=16',
           resnet=_se_resnet,
           mnv2=lambda s: [_entry(dict(type='SE', reduction=24), 'after_dw')],
           resnet_note='SE (Hu et al., CVPR 2018), r=16, after the last BN of every block, before '
           'the residual add. ImageNet and downstream: FC biases as the official Caffe model '
           '(SE-ResNet-50 28,088,024); CIFAR-100: no FC biases, the GAM paper\'s "+SE 26.22M" row '
           '(26,220,196).',
           mnv2_note='after the 3x3 depthwise conv of every inverted residual, r=24: the '
           'Coordinate Attention paper\'s SE comparison [unverified: position and r are not '
           'stated in any retrievable text; this choice reproduces its 3.89M (3,888,305)].'),
    Module('cbam', 'CBAM r=16',
           resnet=lambda d, s: [_entry(dict(type='CBAM', reduction=16), AFTER_LAST_BN)],
           mnv2=lambda s: [_entry(dict(type='CBAM', reduction=24), 'after_dw')],
           resnet_note='CBAM (Woo et al., ECCV 2018), r=16, channel then spatial gate after the '
           'last BN of every block, before the residual add (ResNet-50 28,089,624; CIFAR-100 '
           '26,237,844).',
           mnv2_note='after the 3x3 depthwise conv, r=24: the Coordinate Attention paper\'s CBAM '
           'comparison [unverified: position and r inferred from its 3.89M (3,890,005)].'),
    Module('bam', 'BAM r=16, after layer1-3',
           resnet=lambda d, s: [_entry(dict(type='BAM', reduction=16, dilation=4), 'after_stage',
                                       stages=(True, True, True, False))],
           mnv2=None,
           resnet_note='BAM (Park et al., BMVC 2018), r=16, dilation 4: one module after each of '
           'layer1, layer2 and layer3 (between stages, not inside blocks), as the official '
           'model_resnet.py (ResNet-50 25,915,099; CIFAR-100 24,063,319).',
           mnv2_note='skipped: BAM sits at the bottlenecks between ResNet stages; no paper '
           'places it in MobileNetV2.'),
    Module('eca', 'ECA, released per-stage k',
           resnet=_eca_resnet,
           mnv2=_eca_mnv2,
           resnet_note='ECA (Wang et al., CVPR 2020) after the last BN of every block, with the '
           'released per-stage kernel sizes (eca_resnet18_k3577, eca_resnet50_k3557, '
           'eca_resnet101_k3357): one plugin entry per stage (ResNet-50 25,557,112). Detection and '
           'segmentation keep the classification kernels so the checkpoint transfers.',
           mnv2_note='after the projection conv+BN, k=1 if C<96 else 3 (eca_mobilenetv2_k13; '
           '3,504,903).'),
    Module('gct', 'GCT before every conv',
           resnet=lambda d, s: [_entry(dict(type='GCT', mode='l2'), 'before_conv'),
                                _entry(dict(type='GCT', mode='l2'), 'before_stem_conv')],
           mnv2=None,
           resnet_note='GCT (Yang et al., CVPR 2020) before every convolution: conv1-3 and the '
           'shortcut conv of every block, plus the stem conv (ResNet-50 25,624,625). Identity at '
           'initialisation. The authors train beta without weight decay; mmpretrain\'s schedule '
           'decays it (add paramwise_cfg custom_keys for ".beta" to follow them).',
           mnv2_note='skipped: no MobileNetV2 placement in the paper\'s PyTorch code.'),
    Module('sge', 'SGE G=64',
           resnet=lambda d, s: [_entry(dict(type='SGE', groups=64), AFTER_LAST_BN)],
           mnv2=lambda s: [_entry(dict(type='SGE', groups=64, group_fallback='largest_divisor'),
                                  'after_project')],
           resnet_note='SGE (Li et al., 2019), G=64 in every stage, after the last BN of every '
           'block (ResNet-50 25,559,080). ResNet-18\'s 64-channel layer1 has one channel per '
           'group, as in PytorchInsight.',
           mnv2_note='after the projection conv+BN (ECA/Triplet\'s MobileNetV2 position; no '
           'paper placement), group_fallback=\'largest_divisor\' for widths 16/24/32 that 64 '
           'groups do not divide.'),
    Module('triplet', 'Triplet Attention k=7',
           resnet=lambda d, s: [_entry(dict(type='TripletAttention', kernel_size=7),
                                       AFTER_LAST_BN)],
           mnv2=lambda s: [_entry(dict(type='TripletAttention', kernel_size=7, hw_bn_weight=1.),
                                  'after_project')],
           resnet_note='Triplet Attention (Misra et al., WACV 2021), k=7, after the last BN of '
           'every block, before the residual add (ResNet-50 25,561,832); the hw (spatial) '
           'branch\'s BN weight starts at 0 as the official ImageNet ResNet code.',
           mnv2_note='after the projection conv+BN as the official MODELS/mobilenet.py, k=7 '
           '(3,509,972); all three BN weights start at 1 there (hw_bn_weight=1.).'),
    Module('coord_att', 'Coordinate Attention r=32',
           resnet=lambda d, s: [_entry(dict(type='CoordAtt', reduction=32), AFTER_LAST_BN)],
           mnv2=lambda s: [_entry(dict(type='CoordAtt', reduction=32), 'after_dw')],
           resnet_note='Coordinate Attention (Hou et al., CVPR 2021), r=32. There is no official '
           'ResNet placement; here after the last BN of every block like SE (our choice; '
           'ResNet-50 27,474,864).',
           mnv2_note='after the 3x3 depthwise conv (+BN+ReLU6) of all 17 inverted residuals, '
           'r=32 (3,951,504; the official mbv2_ca.py skips the t=1 block: 3,950,648).',
           mnv2_seg=True),
    Module('sa', 'Shuffle Attention G=64',
           resnet=_sa_resnet,
           mnv2=lambda s: [_entry(dict(type='SA', groups=64, group_fallback='largest_divisor'),
                                  'after_project')],
           resnet_note='SA-Net (Zhang & Yang, ICASSP 2021), G=64, after the last BN of every '
           'block (ResNet-50 25,557,740). ResNet-18: group_fallback=\'largest_divisor\' because '
           '64 channels cannot hold 2x64 groups (SA-Net has no ResNet-18).',
           mnv2_note='after the projection conv+BN (no paper placement), '
           'group_fallback=\'largest_divisor\'.'),
    Module('gam', 'GAM r=16',
           resnet=lambda d, s: [_entry(dict(type='GAM', reduction=16), AFTER_LAST_BN)],
           mnv2=lambda s: [_entry(dict(type='GAM', reduction=16), 'after_dw')],
           resnet_note='GAM (Liu et al., 2021), r=16, after the last BN of every block: the '
           'reading that reproduces the paper\'s CIFAR-100 ResNet-50 table (149,470,388).',
           mnv2_note='after the 3x3 depthwise conv (the paper evaluates MobileNet; position '
           'unverified).'),
    Module('gam_gc', 'GAM r=16, group conv (g=4)',
           resnet=lambda d, s: [_entry(dict(type='GAM', reduction=16, groups=4), AFTER_LAST_BN)],
           mnv2=lambda s: [_entry(dict(type='GAM', reduction=16, groups=4,
                                       group_fallback='largest_divisor'), 'after_dw')],
           resnet_note='GAM with group convolutions + channel shuffle in the spatial branch '
           '(groups=4), the paper\'s "GAM (gc)" row (CIFAR-100 ResNet-50 57,046,196).',
           mnv2_note='after the 3x3 depthwise conv, group_fallback=\'largest_divisor\' (32/16=2 '
           'mid channels in the first block).'),
    Module('steam', 'STEAM (re-implementation)',
           resnet=_steam_resnet,
           mnv2=lambda s: [_entry(_steam_cfg(s), 'after_project', blocks=(-1, ))],
           resnet_note='STEAM (arXiv 2412.09023) is a re-implementation: the first author\'s '
           'partial code (sabharwalrishabh/STEAM) fixes the graphs, OGP, nearest upsampling, '
           'out = x + tanh(x*Mc)*Ms and the placement, not the graph layer. After the last BN, '
           'never in block 0: the last block of each stage, blocks 2 and 5 of a 6-block stage '
           '(ResNet-50: layer1[2], layer2[3], layer3[2,5], layer4[2], 5 units, 320 params; '
           'ResNet-18/101: the last block of each stage, 256). OGP grid 7 (4 for CIFAR: the final '
           'feature size; the authors upsample CIFAR to 224 instead).',
           mnv2_note='after the projection conv+BN of the last block of each of the 7 layers '
           '(our choice, mirroring the ResNet rule; the paper claims lightweight backbones but '
           'no placement is known).'),
    Module('gc', 'GCNet ContextBlock r=1/16',
           resnet=_gc_resnet,
           mnv2=lambda s: [_entry(dict(type='ContextBlock', ratio=Frac(1, 16)),
                                  'after_project')],
           resnet_note='mmcv ContextBlock (GCNet), ratio 1/16, after conv3/bn3 of every block '
           '(after_last_bn = mmdet\'s after_conv3 in a Bottleneck): all stages for '
           'classification (the ImageNet entry, ResNet-50 28,105,032), stages c3-c5 for '
           'detection and segmentation as mmdet configs/gcnet (the stage-1 blocks of the '
           'classification checkpoint are then unused).',
           mnv2_note='after the projection conv+BN of every block (our choice; no paper '
           'placement).'),
    Module('nonlocal', 'Non-local (1 block after res4)',
           resnet=lambda d, s: [_entry(dict(type='NonLocal2d', reduction=2, use_scale=True,
                                            mode='embedded_gaussian'), 'after_stage',
                                       stages=(False, False, True, False))],
           mnv2=None,
           resnet_note='mmcv NonLocal2d (embedded Gaussian, reduction 2): one block on res4 '
           '(layer3). The NL paper puts its detection block "right before the last residual '
           'block of res4"; AttnResNet has no slot between two blocks of a stage, so it sits on '
           'the main path right after res4 (after_stage of layer3), in every task so the '
           'checkpoint transfers. O((HW)^2) memory: at res4 only.',
           mnv2_note='skipped: quadratic memory and no MobileNetV2 placement in the paper.'),
    Module('sk', 'SK unit (SK-ResNet, PytorchInsight)',
           resnet=lambda d, s: [_entry(dict(SK_RESNET), 'replace_conv2')],
           mnv2=None, depths=(50, 101), tv_pre=False,
           resnet_note='Selective Kernel unit (Li et al., CVPR 2019) replacing the 3x3 conv '
           '(+BN+ReLU) of every Bottleneck of a plain ResNet: the PytorchInsight SK-ResNet '
           '(same first author): a full 3x3 path and a group-32 3x3 path, d = C/16 '
           '(SK-ResNet-50 26,154,496). The paper\'s SKNet-50 (ResNeXt) is the sknet folder. It '
           'is conv2 itself: frozen with its stage; no torchvision-initialised twins.',
           mnv2_note='skipped: the SK unit replaces a bottleneck\'s 3x3 conv; no MobileNetV2 '
           'model in the paper.'),
    Module('sknet', 'SKNet (SK in ResNeXt 32x4d)',
           resnet=lambda d, s: [_entry(dict(type='SK', reduction=16, min_channels=32),
                                       'replace_conv2')],
           mnv2=None, archs=('resnext', ), depths=(50, 101), downstream=False, tv_pre=False,
           resnet_note='SKNet-50/101 (Li et al., CVPR 2019; implus/SKNet prototxt): the grouped '
           '3x3 conv of every ResNeXt 32x4d bottleneck (AttnResNeXt) replaced by two group-32 '
           'paths (dilation 1 and 2), r=16, L=32 (SKNet-50 27,479,784 vs ResNeXt-50 '
           '25,028,904). Classification only (the detection/segmentation configs use the sk '
           'folder\'s ResNet variant).',
           mnv2_note='skipped: SKNet is defined on ResNeXt.'),
    Module('simam', 'SimAM (parameter-free)',
           resnet=lambda d, s: [_entry(dict(type='SimAM', e_lambda=_simam_lambda(s)),
                                       'before_norm2')],
           mnv2=lambda s: [_entry(dict(type='SimAM', e_lambda=_simam_lambda(s)),
                                  'before_dw_norm')],
           resnet_note='SimAM (Yang et al., ICML 2021) inside conv2: after the 3x3 conv, before '
           'bn2 (Bottleneck and BasicBlock), as the official resnet.py and mmdet resnet_simam.py '
           '(0 params). lambda=0.1 (ImageNet and detection/segmentation: the official ImageNet '
           'runs and mmdet configs), 1e-4 on CIFAR (the module default, the official CIFAR run).',
           mnv2_note='between the 3x3 depthwise conv and its BN in every block, as the official '
           'mobilenetv2.py (0 params).'),
    Module('fcanet', 'FcaNet top16 r=16',
           resnet=_fca_resnet, mnv2=None,
           resnet_note='FcaNet (Qin et al., ICCV 2021) after the last BN of every block, r=16, '
           'top16 frequencies, DCT size 56/28/14/7 per stage as the official fcanet.py (ResNet-50 '
           '28,071,976); detection/segmentation keep those sizes (the input is pooled to them, '
           'the official detection path). CIFAR: DCT size 7 (our choice).',
           mnv2_note='skipped: no MobileNetV2 model in the paper.'),
    Module('ema', 'EMA factor 32',
           resnet=lambda d, s: [_entry(dict(type='EMA', factor=32), AFTER_LAST_BN)],
           mnv2=lambda s: [_entry(dict(type='EMA', factor=32, group_fallback='largest_divisor'),
                                  'after_dw')],
           resnet_note='EMA (Ouyang et al., ICASSP 2023), factor 32, after the last BN of every '
           'block, the CA/NAM position the author names (ResNet-50 25,755,400; the README\'s '
           'CIFAR 23.85M is not reproduced by any placement: 23,903,620 here).',
           mnv2_note='after the 3x3 depthwise conv (the CA position), factor 32; '
           'group_fallback=\'largest_divisor\' for the 144-channel blocks, where the official '
           'module crashes (24 groups; 3,550,156, README 3.55M).'),
    Module('crisscross', 'CCNet criss-cross attention R=2',
           resnet=lambda d, s: [_entry(dict(type='CrissCross', recurrence=2), 'after_stage',
                                       stages=LAST_TWO_STAGES)],
           mnv2=None,
           resnet_note='CCNet\'s recurrent criss-cross attention (mmcv CrissCrossAttention, R=2 '
           'shared passes) after res4 and res5 (after_stage of layer3 and layer4; the paper\'s '
           'head sits on res5), gamma=0: identity at initialisation.',
           mnv2_note='skipped: no MobileNetV2 placement in the paper.'),
    Module('pam', 'DANet position attention (PAM)',
           resnet=lambda d, s: [_entry(dict(type='PAM'), 'after_stage', stages=LAST_TWO_STAGES)],
           mnv2=None,
           resnet_note='DANet\'s position attention module after res4 and res5 (after_stage of '
           'layer3 and layer4; the paper\'s DANetHead sits on res5), gamma=0: identity at '
           'initialisation. O((HW)^2) memory.',
           mnv2_note='skipped: no MobileNetV2 placement in the paper.'),
    Module('cam', 'DANet channel attention (CAM)',
           resnet=lambda d, s: [_entry(dict(type='CAM'), 'after_stage', stages=LAST_TWO_STAGES)],
           mnv2=None,
           resnet_note='DANet\'s channel attention module (1 parameter) after res4 and res5 '
           '(after_stage of layer3 and layer4), gamma=0: identity at initialisation.',
           mnv2_note='skipped: no MobileNetV2 placement in the paper.'),
    Module('mca', 'MCA-E (Moment Channel Attention)',
           resnet=lambda d, s: [_entry(dict(type='MCA', variant='E', kernel_size=3),
                                       AFTER_LAST_BN)],
           mnv2=None,
           resnet_note='MCA-E (Jiang et al., AAAI 2024; mean + std, k=3 as the released '
           'moment.py) after the last BN of every block like ECA (the repository gives no '
           'placement; ResNet-50 25,557,144). MCA-S: variant=\'S\'.',
           mnv2_note='skipped: no placement in the released code.'),
    Module('ge', 'Gather-Excite GE-theta+',
           resnet=_ge_resnet, mnv2=None,
           resnet_note='GE-theta+ (Hu et al., NeurIPS 2018; RN50-GEPP.prototxt): global-extent '
           'depthwise gather (kernel 56/28/14/7 per stage at 224, the CIFAR map size on CIFAR) + '
           'BN + ReLU + excite MLP r=16, after bn3 of every block (ResNet-50 33,637,592); other '
           'input sizes pool the map to the kernel first. GE-theta: variant=\'theta\' '
           '(31,106,600), GE-theta-: variant=\'theta-\' (0 params).',
           mnv2_note='skipped: no MobileNetV2 model in the paper.'),
    Module('srm', 'SRM (style recalibration)',
           resnet=lambda d, s: [_entry(dict(type='SRM'), AFTER_LAST_BN)],
           mnv2=None,
           extra_cfg=lambda s: dict(optim_wrapper=dict(paramwise_cfg=dict(
               custom_keys={'.srm.': dict(decay_mult=0.)}))),
           resnet_note='SRM (Lee et al., ICCV 2019) after the last BN of every block (after the '
           'downsample), before the residual add (ResNet-50 25,617,448). Its parameters (cfc, BN) '
           'get no weight decay, as the authors\' optimiser: optim_wrapper.paramwise_cfg '
           'custom_keys {\'.srm.\': decay_mult 0}.',
           mnv2_note='skipped: no MobileNetV2 model in the paper.'),
    Module('epsa', 'EPSANet PSA (small)',
           resnet=lambda d, s: [_entry(dict(type='EPSA', conv_kernels=(3, 5, 7, 9),
                                            conv_groups=(1, 4, 8, 16)), 'replace_conv2')],
           mnv2=None, depths=(50, 101), tv_pre=False,
           resnet_note='EPSANet\'s PSA module (Zhang et al., 2021) replacing the 3x3 conv of every '
           'Bottleneck (bn2 + ReLU kept), kernels 3/5/7/9, groups 1/4/8/16: EPSANet-50 (small) '
           '22,561,715, EPSANet-101 38,900,279. It is conv2 itself: frozen with its stage; no '
           'torchvision-initialised twins.',
           mnv2_note='skipped: no MobileNetV2 model in the paper.'),
    Module('abn', 'Attention Branch Network',
           resnet=lambda d, s: None, mnv2=None,
           resnet_note='ABN (Fukui et al., CVPR 2019) as ABNClassifier: attention branch = copy '
           'of the last stage (stride 1) + K-channel heads, 3x3 map conv as the official code; '
           'loss = CE(attention) + CE(perception) (ResNet-50 43,584,866).',
           mnv2_note='skipped: classification-only branch architecture defined for ResNets.',
           downstream=False),
]
MODULE_BY_NAME = {m.name: m for m in MODULES}
