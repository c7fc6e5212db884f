"""mmpretrain ImageClassifier (AttnResNet_CIFAR-18 + SE), from scratch on the CIFAR-100-format
pattern data (10 classes, offline CIFAR100Local): top-1 far above chance (10%)."""
import pytest

pytestmark = pytest.mark.slow


def test_se_resnet_cifar_classifier_learns(e2e_data, train, tmp_path):
    root = e2e_data('cifar100')
    epochs = 3
    metrics, _ = train('configs/demo/se_resnet18_cifar_cpu.py', tmp_path / 'work',
                       'accuracy/top1', [
                           f'train_dataloader.dataset.data_root={root}',
                           f'val_dataloader.dataset.data_root={root}',
                           f'test_dataloader.dataset.data_root={root}',
                           f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
                           f'param_scheduler.1.end={epochs}'])
    assert metrics['accuracy/top1'] >= 50, metrics
