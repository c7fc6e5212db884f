"""The official SE-ResNet-50 (hujie-frank/SENet, Caffe) as ported by Cadene's pretrainedmodels
(``se_resnet50-ce0d4300.pth``) and re-hosted unchanged by timm as ``legacy_seresnet50.in1k``.

Caffe style (the stride on the first 1×1 of a bottleneck: ``style='caffe'``), SE as 1×1 convs with
bias (``se_module.fc1/fc2``), ``layer0.{conv1,bn1}`` stem and the Caffe stem pool ``MaxPool2d(3, 2,
padding=0, ceil_mode=True)`` (``stem_pool_cfg``), classifier ``last_linear``.
"""
from ..placements import MODULE_BY_NAME
from .core import Source, rules

PLAIN = 'a plain state dict {key: tensor}'
CAFFE_POOL = dict(kernel_size=3, stride=2, padding=0, ceil_mode=True)
STAGES = (rules((r'^layer0\.conv1\.', 'conv1.'), (r'^layer0\.bn1\.', 'bn1.'),
                (r'\.se_module\.', '.se.')), )
HEAD = rules((r'^last_linear\.', 'head.fc.'))
BACKBONE = dict(style='caffe', stem_pool_cfg=CAFFE_POOL,
                plugins=MODULE_BY_NAME['se'].resnet(50, 'in1k'))
AVGPOOL = ('Cadene\'s head is AvgPool2d(7, stride=1): the same as our global average pool at '
           '224x224 only (elsewhere it does not give one vector per image)')


SOURCES = [
    Source(
        name='cadene-se_resnet50', module='se', arch='resnet', depth=50, tag='cadene',
        description='Cadene pretrainedmodels se_resnet50 (same weights as timm legacy)',
        origin='Cadene/pretrained-models.pytorch se_resnet50',
        url='http://data.lip6.fr/cadene/pretrainedmodels/se_resnet50-ce0d4300.pth',
        published_top1=77.636, num_parameters=28_088_024, wrapping=PLAIN,
        top1_note='Cadene README ("our porting"); Caffe original 77.63',
        stages=STAGES, outside=HEAD, backbone=BACKBONE, caveats=(AVGPOOL, ), downstream=True),
    Source(
        name='timm-legacy_seresnet50', module='se', arch='resnet', depth=50, tag='timm-legacy',
        description='timm legacy_seresnet50.in1k = Cadene se_resnet50-ce0d4300.pth = the official '
                    'Caffe SE-ResNet-50 weights; Caffe style (stride on conv1 of the bottleneck), '
                    'stem max-pool kernel 3 stride 2 padding 0 ceil_mode=True',
        origin='timm legacy_seresnet50.in1k',
        url='https://github.com/rwightman/pytorch-image-models/releases/download/v0.1-cadene/'
            'se_resnet50-ce0d4300.pth',
        published_top1=77.64, num_parameters=28_088_024, wrapping=PLAIN,
        top1_note='timm at 224 (crop_pct 0.875, bilinear)', stages=STAGES, outside=HEAD,
        backbone=BACKBONE),
]
