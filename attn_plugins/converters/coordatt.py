"""houqb/CoordAttention: ``mbv2_ca.pth`` (MobileNetV2 + Coordinate Attention, 74.3), the only
released CA network.

d-li14's MobileNetV2 layout (flat ``conv`` lists, :func:`~.core.mnv2_stages` ``'flat'``); CA after
the depthwise conv (+BN+ReLU6) of the t=6 blocks only (not in the first, t=1, block), its output
convs named ``conv2`` (h) and ``conv3`` (w) -> ``coord_att.conv_h/conv_w``; the final 1×1 conv is
``conv``; the classifier ``classifier.1`` (``Sequential(Dropout, Linear)``) or, as reported for the
file, a bare ``classifier`` Linear.
"""
from ..placements import MODULE_BY_NAME
from .core import Source, mnv2_stages, rules

PLUGINS = [dict(MODULE_BY_NAME['coord_att'].mnv2('in1k')[0], stages=(False, ) + (True, ) * 6)]

SOURCES = [
    Source(
        name='coordatt-mobilenet_v2', module='coord_att', arch='mobilenet-v2', depth=None,
        tag='coordatt',
        description='houqb/CoordAttention mbv2_ca.pth (mbv2_ca.py): CoordAtt after the depthwise '
                    'conv of every t=6 block, output convs named conv2/conv3',
        origin='houqb/CoordAttention mbv2_ca.pth',
        url='https://github.com/houqb/CoordAttention/blob/main/mbv2_ca.pth', published_top1=74.3,
        num_parameters=3_950_648,
        wrapping='a plain state dict {key: tensor} (reported: possibly wrapped in state_dict; '
                 'classifier may be a bare Linear)',
        top1_note='CoordAttention README', stages=mnv2_stages('flat'),
        outside=rules((r'^classifier\.(?:1\.)?', 'head.fc.')), backbone=dict(plugins=PLUGINS),
        downstream=True),
]
