"""RetinaNet and Mask R-CNN with attention plugins, from scratch on the COCO-format shapes data:
shortened schedules of the CPU-scale configs in configs/demo/ must reach mAPs far above chance
(an untrained detector scores ~0.00)."""
import pytest

pytestmark = pytest.mark.slow


def _epochs(n):
    return [f'train_cfg.max_epochs={n}', f'train_cfg.val_interval={n}',
            f'param_scheduler.1.end={n}']


def test_eca_retinanet_learns(e2e_data, train, coco_opts, tmp_path):
    metrics, _ = train('configs/demo/eca_retinanet_shapes_cpu.py', tmp_path / 'work',
                       'coco/bbox_mAP', coco_opts(e2e_data('coco')) + _epochs(5))
    assert metrics['coco/bbox_mAP'] >= 0.15, metrics
    assert metrics['coco/bbox_mAP_50'] >= 0.30, metrics


def test_se_mask_rcnn_learns_boxes_and_masks(e2e_data, train, coco_opts, tmp_path):
    metrics, _ = train('configs/demo/se_mask_rcnn_shapes_cpu.py', tmp_path / 'work',
                       'coco/segm_mAP', coco_opts(e2e_data('coco')) + _epochs(5))
    assert metrics['coco/bbox_mAP'] >= 0.20, metrics
    assert metrics['coco/segm_mAP'] >= 0.20, metrics
