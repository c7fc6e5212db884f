"""attn_plugins: CNN attention modules as OpenMMLab plugins, evaluated downstream.

The full stack (torch, mmcv with compiled ops, mmdet, mmseg, mmpretrain) is installed by
``bash tools/setup_env.sh`` with the pins in requirements/constraints.txt; mmcv must be built with
``--no-build-isolation``, so it is deliberately not an install requirement here.
"""
from setuptools import find_packages, setup

setup(
    name='attn_plugins',
    version='0.1.0',
    description='CNN attention modules (SE, CBAM, BAM, ECA, GCT, SGE, Triplet, CoordAtt, SA, GAM, '
                'STEAM, ABN) as OpenMMLab plugins for classification, detection and segmentation',
    packages=find_packages(include=['attn_plugins', 'attn_plugins.*']),
    python_requires='>=3.9',
    install_requires=['numpy', 'mmengine>=0.10.7,<1.0'],
    entry_points={'console_scripts': ['attn-plugins=attn_plugins.__main__:main']},
)
