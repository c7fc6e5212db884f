"""implus/PytorchInsight: SE, SGE, CBAM and BAM ResNets (100 epochs, step 30/60/90).

- SE (``resnet_se.py``): ``se.fc = [Linear(C, C/16), ReLU, Linear(C/16, C), Sigmoid]`` -> our
  1×1-conv SE ``se.fc1/fc2`` (weights reshaped to (out, in, 1, 1)). The README reports 77.184 for
  SE-ResNet50 but links no file (only SE-ResNet101 has one).
- SGE (``resnet_sge.py``): ``sge.{weight,bias}`` (1, 64, 1, 1) after bn3: identical keys.
- CBAM / BAM: the keys of Jongchan/attention-module (:mod:`.attention_module`).
"""
from ..placements import MODULE_BY_NAME
from .attention_module import (BAM_BACKBONE, BAM_SQUARE, BAM_STAGES, CBAM_BACKBONE, CBAM_STAGES,
                               WRAPPED)
from .core import Rule, Source, linear_to_conv1x1, rules

REPO = 'implus/PytorchInsight'
TOP1 = 'PytorchInsight README'

SE_STAGES = (rules(
    Rule(r'\.se\.fc\.0\.weight$', '.se.fc1.weight', linear_to_conv1x1),
    (r'\.se\.fc\.0\.bias$', '.se.fc1.bias'),
    Rule(r'\.se\.fc\.2\.weight$', '.se.fc2.weight', linear_to_conv1x1),
    (r'\.se\.fc\.2\.bias$', '.se.fc2.bias')), )


def _sge(depth: int, url: str, top1: float, params: int) -> Source:
    return Source(
        name=f'pytorchinsight-sge_resnet{depth}', module='sge', arch='resnet', depth=depth,
        tag='pytorchinsight',
        description=f'implus/PytorchInsight sge_resnet{depth}' + (' (groups 64)' if depth == 50
                                                                   else ''),
        origin=f'{REPO} sge_resnet{depth}', url=url, published_top1=top1, num_parameters=params,
        wrapping=WRAPPED, top1_note=TOP1,
        backbone=dict(plugins=MODULE_BY_NAME['sge'].resnet(depth, 'in1k')),
        downstream=depth == 50)


SOURCES = [
    Source(
        name='pytorchinsight-se_resnet50', module='se', arch='resnet', depth=50,
        tag='pytorchinsight', description='implus/PytorchInsight se_resnet50 (SE as nn.Linear)',
        origin=f'{REPO} se_resnet50', url='', published_top1=None, num_parameters=28_088_024,
        wrapping=WRAPPED,
        top1_note='no file released: the README lists 77.184 for SE-ResNet50 without a link',
        stages=SE_STAGES, backbone=dict(plugins=MODULE_BY_NAME['se'].resnet(50, 'in1k'))),
    _sge(50, 'https://drive.google.com/open?id=13HPCjrEle6aFbiCo8Afkr2jJssdNwdRn', 77.584,
         25_559_080),
    _sge(101, 'https://drive.google.com/file/d/1ihu0NVvVJZEv0zj49izapn4V0FhwxCh6/view', 78.798,
         44_553_384),
    Source(
        name='pytorchinsight-cbam_resnet50', module='cbam', arch='resnet', depth=50,
        tag='pytorchinsight', description='implus/PytorchInsight cbam_resnet50',
        origin=f'{REPO} cbam_resnet50.pth.tar',
        url='https://drive.google.com/open?id=1Q5gIKPARrZzDbCPZHpuj9tqXs06c2YZN',
        published_top1=77.626, num_parameters=28_089_624, wrapping=WRAPPED, top1_note=TOP1,
        stages=CBAM_STAGES, backbone=CBAM_BACKBONE),
    Source(
        name='pytorchinsight-bam_resnet50', module='bam', arch='resnet', depth=50,
        tag='pytorchinsight', description='implus/PytorchInsight bam_resnet50 (product fusion)',
        origin=f'{REPO} bam_resnet50',
        url='https://drive.google.com/file/d/1K5iAUAIF_yRyC2pIiA65F8Ig0x4NzOqk/view',
        published_top1=76.898, num_parameters=25_915_099, wrapping=WRAPPED, top1_note=TOP1,
        stages=BAM_STAGES, backbone=BAM_BACKBONE, caveats=(BAM_SQUARE, )),
]
