"""machine-perception-robotics-group/attention_branch_network: ImageNet ABN ResNet-50 (top-1 error
23.1). Our :class:`~attn_plugins.backbones.ABNClassifier`: the released ``att_layer4``, ``bn_att``,
``att_conv``, ``bn_att2``, ``att_conv2``, ``att_conv3`` (3×3) and ``bn_att3`` go under
``att_branch.``, ``fc`` to ``head.fc``, the rest to ``backbone.``. Files of the torch-0.4.0 code
lack the ``num_batches_tracked`` buffers (filled with 0).
"""
from .attention_module import WRAPPED
from .core import Source, rules

SOURCES = [
    Source(
        name='abn-resnet50', module='abn', arch='resnet', depth=50, tag='abn',
        description='machine-perception-robotics-group/attention_branch_network ImageNet '
                    'ResNet-50 ABN (torch 0.4.0 era: num_batches_tracked buffers may be missing)',
        origin='machine-perception-robotics-group/attention_branch_network ImageNet ResNet50',
        url='https://drive.google.com/open?id=1SRtzbnE-IpB5talp7PLNK1mzMV3UPQNV',
        published_top1=76.9, num_parameters=43_584_866, wrapping=WRAPPED,
        top1_note='README top-1 error 23.1',
        outside=rules((r'^(att_layer4|bn_att\d?|att_conv\d?)\.', r'att_branch.\1.'),
                      (r'^fc\.', 'head.fc.')),
        model=dict(type='ABNClassifier', att_map_kernel_size=3,
                   att_loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        caveats=('the released network pools with AvgPool2d(14) (attention branch) and '
                 'AvgPool2d(7) (head): the same as our global average pools at 224x224 only', )),
]
