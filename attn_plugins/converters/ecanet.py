"""BangguWu/ECANet: ECA-ResNet-18/50/101 with one kernel size per stage (``eca_resnet50_k3557``:
k = 3, 5, 5, 7) and ECA-MobileNetV2 (``eca_mobilenetv2_k13``: k = 1 where the block output has
fewer than 96 channels, else 3).

ResNets: torchvision layout, ``eca.conv`` (Conv1d) after the last BN: our ECA placement with the
released per-stage kernels (:data:`attn_plugins.placements.ECA_KERNELS`), identical keys.
MobileNetV2: torchvision layout with ``eca_layer`` appended to each block's ``conv`` after the
projection BN (``conv.3`` in the t=1 block, ``conv.4`` otherwise) -> ``layerL.i.eca``.
"""
from ..placements import MODULE_BY_NAME
from .attention_module import WRAPPED
from .core import Source, mnv2_stages, rules

TOP1 = 'ECANet README'
DESCRIPTIONS = {
    18: 'BangguWu/ECANet eca_resnet18_k3577 (BasicBlock; ECA after bn2)',
    50: 'BangguWu/ECANet eca_resnet50_k3557.pth.tar: ECA kernel 3,5,5,7 per stage',
    101: 'BangguWu/ECANet eca_resnet101_k3357',
}
RESNETS = {  # depth: (kernels tag, Google Drive id, top-1, parameters)
    18: ('k3577', '1LMRFRTyzVifGBi2MUpTuYEWW44S8mwyl', 70.92, 11_689_556),
    50: ('k3557', '1670rce333c_lyMWFzBlNZoVUvtxbCF_U', 77.42, 25_557_112),
    101: ('k3357', '1b5FQ8yDFnZ_UhvWT9txmjI_LjbKkgnvC', 78.65, 44_549_317),
}


def _resnet(depth: int) -> Source:
    kernels, drive, top1, params = RESNETS[depth]
    return Source(
        name=f'ecanet-eca_resnet{depth}_{kernels}', module='eca', arch='resnet', depth=depth,
        tag='ecanet',
        description=DESCRIPTIONS[depth],
        origin=f'BangguWu/ECANet eca_resnet{depth}_{kernels}.pth.tar',
        url=f'https://drive.google.com/open?id={drive}', published_top1=top1,
        num_parameters=params, wrapping=WRAPPED, top1_note=TOP1,
        backbone=dict(plugins=MODULE_BY_NAME['eca'].resnet(depth, 'in1k')),
        downstream=depth == 50)


SOURCES = [_resnet(18), _resnet(50), _resnet(101),
           Source(
               name='ecanet-eca_mobilenetv2_k13', module='eca', arch='mobilenet-v2', depth=None,
               tag='ecanet',
               description='BangguWu/ECANet eca_mobilenetv2_k13: ECA after the projection BN, '
                           'k=1 where the block output has < 96 channels, else 3',
               origin='BangguWu/ECANet eca_mobilenetv2_k13',
               url='https://drive.google.com/open?id=1FxzeXPg1SJQZzVVH4HRjMeq_SVMfidUm',
               published_top1=72.56, num_parameters=3_504_903, wrapping=WRAPPED, top1_note=TOP1,
               stages=mnv2_stages('torchvision', attention='eca'),
               outside=rules((r'^classifier\.1\.', 'head.fc.')),
               backbone=dict(plugins=MODULE_BY_NAME['eca'].mnv2('in1k')))]
