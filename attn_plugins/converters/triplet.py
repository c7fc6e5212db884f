"""landskape-ai/triplet-attention: ResNet-18, ResNet-50 and MobileNetV2 with Triplet Attention,
each released with kernel size 7 and 3 (Google Drive).

The files were trained with ``MODELS/`` and name the block attribute differently from file to file
(``triplet_attention``, ``pcam``, ``triplet``; the branches
``ChannelGateH/ChannelGateW/SpatialGate`` with ``.spatial`` or ``cw/hc/hw`` with ``.conv``): any
attribute name is accepted and the kernel size is read from the gate conv's weight
(:class:`~.core.Variant`), which picks the config.
ChannelGateH (permute 0,2,1,3) -> ``cw``, ChannelGateW (permute 0,3,2,1) -> ``hc``, SpatialGate ->
``hw``. ResNets: after the last BN of every block; MobileNetV2: after the projection BN of every
block (``conv.3`` / ``conv.4``).
"""
from ..placements import MODULE_BY_NAME
from .attention_module import WRAPPED
from .core import Source, Variant, mnv2_stages, rules, with_cfg

BRANCHES = {'ChannelGateH': 'cw', 'ChannelGateW': 'hc', 'SpatialGate': 'hw',
            'cw': 'cw', 'hc': 'hc', 'hw': 'hw'}
BRANCH_STAGE = rules((
    r'^(layer\d\.\d+)\.\w+\.(ChannelGateH|ChannelGateW|SpatialGate|cw|hc|hw)\.(?:spatial|conv)\.'
    r'(conv|bn)\.',
    lambda m: f'{m.group(1)}.triplet.{BRANCHES[m.group(2)]}.conv.{m.group(3)}.'))
KERNEL = Variant('kernel_size', r'\.triplet\.cw\.conv\.conv\.weight$', -1, (7, 3))
TOP1 = 'triplet-attention README (100 - top-1 error)'


def _resnet_plugins(depth):
    return lambda k: dict(plugins=with_cfg(MODULE_BY_NAME['triplet'].resnet(depth, 'in1k'),
                                           kernel_size=k))


SOURCES = [
    Source(
        name='triplet-resnet18', module='triplet', arch='resnet', depth=18, tag='triplet',
        description='landskape-ai/triplet-attention ResNet-18 (k=7 file; a k=3 file also exists)',
        origin='landskape-ai/triplet-attention ResNet-18',
        url='https://drive.google.com/file/d/1jIDfA0Psce10L06hU0Rtz8t7s2U1oqLH/view',
        published_top1=71.09, num_parameters=11_691_912, wrapping=WRAPPED,
        top1_note=TOP1 + '; the k=3 file: 70.33', stages=(BRANCH_STAGE, ),
        backbone_for=_resnet_plugins(18), variant=KERNEL),
    Source(
        name='triplet-resnet50', module='triplet', arch='resnet', depth=50, tag='triplet',
        description='landskape-ai/triplet-attention ResNet-50 (MODELS/resnet.py, k=7). The '
                    'released file is reported to name the block attribute "pcam" instead of '
                    '"triplet_attention"; other names are reported for other files: accept any '
                    'attribute name and read k from the weight shape',
        origin='landskape-ai/triplet-attention ResNet-50 (RESNET50_PCAM_IMAGENET_model_best.tar)',
        url='https://drive.google.com/open?id=1ptKswHzVmULGbE3DuX6vMCjEbqwUvGiG',
        published_top1=77.48, num_parameters=25_561_832, wrapping=WRAPPED,
        top1_note=TOP1 + '; the k=3 file: 76.12', stages=(BRANCH_STAGE, ),
        backbone_for=_resnet_plugins(50), variant=KERNEL, downstream=True),
    Source(
        name='triplet-mobilenet_v2', module='triplet', arch='mobilenet-v2', depth=None,
        tag='triplet',
        description='landskape-ai/triplet-attention MobileNetV2 (MODELS/mobilenet.py, k=7)',
        origin='landskape-ai/triplet-attention MobileNetV2',
        url='https://drive.google.com/file/d/14iNMa7ygtTwsULsAydKoQuTkJ288hfKs/view',
        published_top1=71.99, num_parameters=3_509_972, wrapping=WRAPPED,
        top1_note=TOP1 + '; the k=3 file: 72.62',
        stages=mnv2_stages('torchvision', attention='triplet') + (BRANCH_STAGE, ),
        outside=rules((r'^classifier\.1\.', 'head.fc.')),
        backbone_for=lambda k: dict(plugins=with_cfg(MODULE_BY_NAME['triplet'].mnv2('in1k'),
                                                     kernel_size=k)),
        variant=KERNEL),
]
