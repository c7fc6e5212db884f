"""z-x-yang/GCT: GCT-ResNet50 (PyTorch, 77.2). A maskrcnn-benchmark ResNet with the stride on the
first 1×1 (``style='caffe'``) where every conv is ``Sequential(GCT(c_in), Conv2d)``, the stem conv
and the projection shortcut included.

``stem.conv1.{0,1}`` -> ``gct_stem`` / ``conv1``, ``stem.bn1`` -> ``bn1``; in blocks
``convK.{0,1}`` -> ``gctK`` / ``convK`` and ``downsample.{0,1,2}`` -> ``gct_downsample`` /
``downsample.{0,1}``: our GCT placement (``before_conv`` + ``before_stem_conv``).
"""
from ..placements import MODULE_BY_NAME
from .attention_module import WRAPPED
from .core import Source, rules

SOURCES = [
    Source(
        name='gct-resnet50', module='gct', arch='resnet', depth=50, tag='gct',
        description='z-x-yang/GCT GCT-ResNet50: Caffe style (stride on the 1x1), GCT before every '
                    'conv including the stem conv and the shortcut conv',
        origin='z-x-yang/GCT GCT-ResNet50 (PyTorch)',
        url='https://drive.google.com/file/d/1y5a56UzBjUWlWwlrU42lxueJY_cBpWLL/view',
        published_top1=77.2, num_parameters=25_624_625, wrapping=WRAPPED,
        top1_note='GCT PyTorch README',
        stages=(rules(
            (r'^stem\.conv1\.0\.', 'gct_stem.'), (r'^stem\.conv1\.1\.', 'conv1.'),
            (r'^stem\.bn1\.', 'bn1.'), (r'\.conv(\d)\.0\.', r'.gct\1.'),
            (r'\.conv(\d)\.1\.', r'.conv\1.'), (r'\.downsample\.0\.', '.gct_downsample.'),
            (r'\.downsample\.1\.', '.downsample.0.'), (r'\.downsample\.2\.', '.downsample.1.')), ),
        backbone=dict(style='caffe', plugins=MODULE_BY_NAME['gct'].resnet(50, 'in1k')),
        downstream=True),
]
