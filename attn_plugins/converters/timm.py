"""timm's own ResNets with attention: ``seresnet50`` (SE) and ``ecaresnet50d/101d`` (ECA on the
deep-stem, average-down ResNet-D). timm's ``legacy_seresnet50`` is the Cadene file: see
:mod:`.cadene`.

- ``seresnet50``: torchvision layout, ``SEModule(fc1, fc2)`` = 1×1 convs with bias after bn3, rd =
  make_divisible(C/16, 8) = C/16 at ResNet-50: our SE placement with identical keys.
- ``ecaresnet50d/101d``: ``conv1 = [conv 3→32/2, BN, ReLU, conv 32→32, BN, ReLU, conv 32→64]``
  and ``bn1`` = mmseg's deep stem ``stem.0..7``; ``downsample = [AvgPool, conv, BN]`` = mmseg's
  avg-down ``downsample.{1,2}``; ``EcaModule`` with timm's adaptive kernel (5, 5, 5, 7 by stage).
"""
from ..placements import MODULE_BY_NAME
from .core import Source, rules

PLAIN = 'a plain state dict {key: tensor}'
RELEASES = 'https://github.com/rwightman/pytorch-image-models/releases/download/'
TIMM_EVAL = dict(resize=256, crop=224, interpolation='bicubic')  # crop_pct 0.875 at 224


def _eca_resnet_d(depth: int, file: str, top1: float, params: int) -> Source:
    return Source(
        name=f'timm-ecaresnet{depth}d', module='eca', arch='resnetv1d', depth=depth, tag='timm',
        description=('timm ecaresnet50d.miil_in1k: deep stem 32-32-64, avg-down shortcut '
                     '(= ResNetV1d), ECA with the adaptive kernel rule' if depth == 50 else
                     f'timm ecaresnet{depth}d.miil_in1k (as ecaresnet50d, depth {depth})'),
        origin=f'timm ecaresnet{depth}d.miil_in1k', url=RELEASES + 'v0.1-tresnet/' + file,
        published_top1=top1, num_parameters=params, wrapping=PLAIN,
        top1_note='timm results-imagenet.csv at 224 (crop_pct 0.875, bicubic)',
        stages=(rules((r'^conv1\.(\d)\.', r'stem.\1.'), (r'^bn1\.', 'stem.7.'),
                      (r'\.se\.conv\.', '.eca.conv.')), ),
        backbone=dict(plugins=[
            dict(cfg=dict(type='ECA', kernel_size=k), position='after_last_bn',
                 stages=tuple(i == s for i in range(4))) for s, k in enumerate((5, 5, 5, 7))]),
        eval=dict(TIMM_EVAL))


SOURCES = [
    Source(
        name='timm-seresnet50', module='se', arch='resnet', depth=50, tag='timm',
        description='timm seresnet50.{a1,a2,a3,ra2}_in1k (timm ResNet, attn_layer=se)',
        origin='timm seresnet50.ra2_in1k (a1/a2/a3_in1k: same network)',
        url=RELEASES + 'v0.1-weights/seresnet50_ra_224-8efdb4bb.pth', published_top1=80.26,
        num_parameters=28_088_024, wrapping=PLAIN,
        top1_note='ra2_in1k, timm results-imagenet.csv at 224 (crop_pct 0.875, bicubic); '
                  'a1/a2/a3 80.012/80.102/77.036 (timm evaluates them at crop_pct 0.95)',
        backbone=dict(plugins=MODULE_BY_NAME['se'].resnet(50, 'in1k')), eval=dict(TIMM_EVAL)),
    _eca_resnet_d(50, 'ecaresnet50d-93c81e3b.pth', 80.634, 25_576_350),
    _eca_resnet_d(101, 'ecaresnet101d-153dad65.pth', 82.18, 44_568_563),
]
