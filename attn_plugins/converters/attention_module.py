"""Jongchan/attention-module: ResNet-50 + CBAM (100 epochs) and ResNet-50 + BAM (90 epochs), the
authors' files (Google Drive). PytorchInsight's CBAM/BAM files use the same names
(:mod:`.pytorchinsight`).

- CBAM after bn3: ``cbam.ChannelGate.mlp.{1,3}`` (Linear; ``mlp.0`` is Flatten) -> ``cbam.fc1/fc2``,
  ``cbam.SpatialGate.spatial.{conv,bn}`` -> ``cbam.spatial_conv/spatial_bn``.
- BAM after layer1-3: ``bamN.channel_att.gate_c.gate_c_{fc_0,bn_1,fc_final}`` ->
  ``bamN.channel_{fc1,bn,fc2}``, ``bamN.spatial_att.gate_s.gate_s_*`` ->
  ``bamN.spatial.{0,1,3,4,6,7,9}``;
  the official code fuses the two maps by a product (``fusion='product'``).
"""
from ..placements import MODULE_BY_NAME
from .core import Source, rules, with_cfg

WRAPPED = ('dict(state_dict={"module." + key: tensor}) (pytorch/examples ImageNet script, '
           'DataParallel)')
DRIVE = 'https://drive.google.com/file/d/'
CBAM_STAGES = (rules(
    (r'\.cbam\.ChannelGate\.mlp\.1\.', '.cbam.fc1.'),
    (r'\.cbam\.ChannelGate\.mlp\.3\.', '.cbam.fc2.'),
    (r'\.cbam\.SpatialGate\.spatial\.conv\.', '.cbam.spatial_conv.'),
    (r'\.cbam\.SpatialGate\.spatial\.bn\.', '.cbam.spatial_bn.')), )
_S = r'^bam(\d)\.spatial_att\.gate_s\.gate_s_'
BAM_STAGES = (rules(
    (r'^bam(\d)\.channel_att\.gate_c\.gate_c_fc_0\.', r'bam\1.channel_fc1.'),
    (r'^bam(\d)\.channel_att\.gate_c\.gate_c_bn_1\.', r'bam\1.channel_bn.'),
    (r'^bam(\d)\.channel_att\.gate_c\.gate_c_fc_final\.', r'bam\1.channel_fc2.'),
    (_S + r'conv_reduce0\.', r'bam\1.spatial.0.'), (_S + r'bn_reduce0\.', r'bam\1.spatial.1.'),
    (_S + r'conv_di_0\.', r'bam\1.spatial.3.'), (_S + r'bn_di_0\.', r'bam\1.spatial.4.'),
    (_S + r'conv_di_1\.', r'bam\1.spatial.6.'), (_S + r'bn_di_1\.', r'bam\1.spatial.7.'),
    (_S + r'conv_final\.', r'bam\1.spatial.9.')), )
CBAM_BACKBONE = dict(plugins=MODULE_BY_NAME['cbam'].resnet(50, 'in1k'))
BAM_BACKBONE = dict(plugins=with_cfg(MODULE_BY_NAME['bam'].resnet(50, 'in1k'), fusion='product'))
AVGPOOL7 = ('the released ResidualNet ends with AvgPool2d(7): the same as our global average '
            'pool at 224x224 only')
BAM_SQUARE = ('BAM\'s channel pooling in the released code is avg_pool2d(x, H) (an HxH kernel): '
              'the same as our true global average at square inputs; at HxW inputs it is not '
              'defined (wrong size or an error), ours pools over HxW')


SOURCES = [
    Source(
        name='attention-module-cbam_resnet50', module='cbam', arch='resnet', depth=50,
        tag='attention-module', description='Jongchan/attention-module ResNet50+CBAM (100 epochs)',
        origin='Jongchan/attention-module ResNet50+CBAM checkpoint',
        url=DRIVE + '1mvAVvhLR_2XY_bPYxh-SEz4vDmGzSArO/view', published_top1=77.622,
        num_parameters=28_089_624, wrapping=WRAPPED, top1_note='README ACC@1',
        stages=CBAM_STAGES, backbone=CBAM_BACKBONE, caveats=(AVGPOOL7, ), downstream=True),
    Source(
        name='attention-module-bam_resnet50', module='bam', arch='resnet', depth=50,
        tag='attention-module',
        description='Jongchan/attention-module ResNet50+BAM (90 epochs): BAM between stages 1-2, '
                    '2-3, 3-4; channel and spatial maps fused by product',
        origin='Jongchan/attention-module ResNet50+BAM checkpoint',
        url=DRIVE + '1auVf70gfL0ol40bvaX5rlbpn9cKIxhAL/view', published_top1=76.86,
        num_parameters=25_915_099, wrapping=WRAPPED, top1_note='README ACC@1',
        stages=BAM_STAGES, backbone=BAM_BACKBONE, caveats=(BAM_SQUARE, AVGPOOL7),
        downstream=True),
]
