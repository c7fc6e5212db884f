"""Known releases that no attn_plugins backbone computes exactly. They are listed by
``convert.py --list`` with the reason and refused by ``convert.py``: converting them would load
weights into a network that computes a different function."""
from .core import Unsupported

TIMM = 'huggingface/pytorch-image-models'
UNSUPPORTED = [
    Unsupported(
        'timm-legacy_seresnet18', 'timm legacy_seresnet18.in1k (Cadene-style SE-ResNet-18)',
        TIMM, 71.742,
        'its SEResNetBlock applies a ReLU after bn2, before SE (out = relu(bn2(conv2(x))); '
        'out = se(out) + shortcut): a BasicBlock here has no ReLU there; legacy_seresnet34 '
        'likewise'),
    Unsupported(
        'timm-gcresnet50t', 'timm gcresnet50t.ra2_in1k (and gcresnet33ts, gcresnext26ts/50ts)',
        TIMM, 80.944,
        'a ByobNet: tiered stem without max-pool, GC ("gca", fuse_add, LayerNorm2d, rd 1/8) after '
        'the 3x3 conv on the mid width, not mmcv\'s ContextBlock after conv3'),
    Unsupported(
        'timm-ecaresnet50t', 'timm ecaresnet50t / ecaresnet26t', TIMM, 81.282,
        'tiered stem 24-32-64; the deep stem here is C/2, C/2, C (32-32-64)'),
    Unsupported(
        'timm-ecaresnetlight', 'timm ecaresnetlight / ecaresnet269d / ecaresnet*_pruned', TIMM,
        None, 'stage depths (1, 1, 11, 3) / (3, 30, 48, 8) or pruned widths that are not '
        'ResNet-18/34/50/101/152'),
    Unsupported(
        'senet-caffe-se_resnet50', 'hujie-frank/SENet SE-ResNet-50 Caffe model (.caffemodel)',
        'hujie-frank/SENet', 77.63,
        'a Caffe model, not a PyTorch file, and it expects BGR 0-255 input with mean subtraction '
        'only: convert Cadene\'s PyTorch port of the same weights (SOURCE cadene-se_resnet50)'),
    Unsupported(
        'gcnet-mask_rcnn_r16_gcb_c3-c5_r50_fpn', 'xvjiarui/GCNet COCO Mask/Cascade R-CNN files',
        'xvjiarui/GCNet', None,
        'whole COCO detectors (mmdet v1 layout), not ImageNet backbones: GCNet released no '
        'ImageNet GC backbone; the GC configs start from a plain ResNet with zero-initialised '
        'ContextBlocks'),
]
