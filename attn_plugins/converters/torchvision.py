"""torchvision's ImageNet ResNet-18/50/101 and MobileNetV2 (``IMAGENET1K_V1``), the plain baselines.

ResNet keys are ours already (``conv1``, ``bn1``, ``layerS.B.*``, ``downsample.{0,1}``); only the
classifier moves (``fc`` -> ``head.fc``). MobileNetV2 is renamed onto mmpretrain's layout as
mmpretrain's ``mobilenetv2_to_mmpretrain.py`` does (:func:`~.core.mnv2_stages`).
"""
from .core import Source, mnv2_stages, rules

TV = 'https://download.pytorch.org/models/'
PLAIN = 'a plain state dict {key: tensor}'
TOP1 = 'torchvision weight metadata (IMAGENET1K_V1): resize 256, crop 224, bilinear'
DESCRIPTIONS = {50: 'torchvision ResNet-50 (IMAGENET1K_V1 76.13 / V2 80.858)'}


def _resnet(depth: int, file: str, top1: float, params: int) -> Source:
    return Source(
        name=f'torchvision-resnet{depth}', module='baseline', arch='resnet', depth=depth,
        tag='torchvision', description=DESCRIPTIONS.get(depth, f'torchvision ResNet-{depth}'),
        origin=f'torchvision resnet{depth} IMAGENET1K_V1', url=TV + file, published_top1=top1,
        num_parameters=params, wrapping=PLAIN, top1_note=TOP1)


SOURCES = [
    _resnet(18, 'resnet18-f37072fd.pth', 69.758, 11_689_512),
    _resnet(50, 'resnet50-0676ba61.pth', 76.13, 25_557_032),
    _resnet(101, 'resnet101-63fe2227.pth', 77.374, 44_549_160),
    Source(
        name='torchvision-mobilenet_v2', module='baseline', arch='mobilenet-v2', depth=None,
        tag='torchvision', description='torchvision MobileNetV2',
        origin='torchvision mobilenet_v2 IMAGENET1K_V1', url=TV + 'mobilenet_v2-b0353104.pth',
        published_top1=71.878, num_parameters=3_504_872, wrapping=PLAIN, top1_note=TOP1,
        stages=mnv2_stages('torchvision'), outside=rules((r'^classifier\.1\.', 'head.fc.'))),
]
