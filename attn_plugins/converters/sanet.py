"""wofmanaf/SA-Net: SA-ResNet-50/101 (Shuffle Attention, G=64, after bn3; Baidu Drive only).
torchvision layout with ``sa.{cweight,cbias,sweight,sbias,gn}``: our SA placement, identical keys.
"""
from ..placements import MODULE_BY_NAME
from .attention_module import WRAPPED
from .core import Source

URLS = {50: 'https://pan.baidu.com/s/1-TEXeMjprUDyx013l3vZIQ',
        101: 'https://pan.baidu.com/s/16L0enJxKMd9LJ8B4dbGmtw'}


def _sa(depth: int, top1: float, params: int) -> Source:
    return Source(
        name=f'sanet-sa_resnet{depth}', module='sa', arch='resnet', depth=depth, tag='sanet',
        description=f'wofmanaf/SA-Net sa_resnet{depth}.pth.tar' + (' (groups 64)' if depth == 50
                                                                    else ''),
        origin=f'wofmanaf/SA-Net sa_resnet{depth}.pth.tar', url=URLS[depth],
        published_top1=top1, num_parameters=params, wrapping=WRAPPED,
        top1_note='SA-Net README',
        backbone=dict(plugins=MODULE_BY_NAME['sa'].resnet(depth, 'in1k')),
        downstream=depth == 50)


SOURCES = [_sa(50, 77.88, 25_557_740), _sa(101, 78.95, 44_550_684)]
