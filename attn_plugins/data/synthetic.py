"""Small synthetic datasets written in the *real* on-disk formats of COCO, PASCAL VOC 2012 (+ SBD "aug"),
Cityscapes, ImageNet and CIFAR-100, so that the stock OpenMMLab dataset configs run on them by changing
``data_root`` only (plus the class list / ``num_classes`` where a config hard-codes the real ones).

Every image is drawn from simple, *learnable* geometry: the class of an object is its shape (circle,
square, triangle, cross, ...); its colour is correlated with the class but noisy (and sometimes
random), and the background is a smooth random colour field with pixel noise and distractor lines.

Everything here is a pure function of ``seed`` (each image has its own RNG stream keyed by
``(seed, dataset, split, index)``, so an image does not change when the counts change), uses only
numpy, OpenCV and Pillow, and writes nothing outside the dataset directory.

Layouts written (``data_root`` is what a config's ``data_root`` should be):

* :func:`make_coco` -> ``<root>/annotations/instances_{train,val}2017.json``, ``<root>/{train,val}2017/*.jpg``
  (mmdet ``_base_/datasets/coco_detection.py`` / ``coco_instance.py``); ``data_root = <root>/``.
* :func:`make_voc` -> ``<root>/VOCdevkit/VOC2012/{JPEGImages, SegmentationClass, SegmentationClassAug,
  ImageSets/Segmentation/{train,val,trainval,aug}.txt}`` (mmseg ``pascal_voc12.py`` and
  ``pascal_voc12_aug.py``); ``data_root = <root>/VOCdevkit/VOC2012``.
* :func:`make_cityscapes` -> ``<root>/leftImg8bit/{train,val}/<city>/*_leftImg8bit.png`` and
  ``<root>/gtFine/{train,val}/<city>/*_gtFine_{labelTrainIds,labelIds,instanceIds}.png`` (mmseg
  ``cityscapes.py``; ``labelIds``/``instanceIds`` are what ``CityscapesMetric`` hands to cityscapesscripts).
* :func:`make_imagenet` -> ``<root>/{train,val}/<wnid>/*.JPEG`` and ``<root>/meta/{train,val}.txt``
  (mmpretrain ``ImageNet`` with ``split='train'/'val'``), plus ``<root>/meta/classes.txt``.
* :func:`make_cifar100` -> ``<root>/cifar-100-python/{train,test,meta}`` pickles, byte-for-byte the
  structure of the official python version (Python-2 ``str`` keys, so both
  ``pickle.load(f, encoding='latin1')`` and ``encoding='bytes'`` work). Read them with
  ``CIFAR100Local`` (:mod:`attn_plugins.data.cifar`): mmpretrain's ``CIFAR100`` checks md5 sums and
  would try to download.

Re-running over an existing, non-empty dataset directory raises :class:`FileExistsError` unless
``overwrite=True``; overwriting replaces only the files this generator writes (listed in the
directory's ``.attn_plugins_synthetic.json`` manifest; files a previous synthetic run wrote and this
one does not are removed, nothing else is touched).
"""
import json
import math
import os
import os.path as osp
import struct
import zlib
from typing import Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from PIL import Image

__all__ = [
    'COCO_CLASSES', 'COCO_REAL_NAMES', 'VOC_CLASSES', 'VOC_SHAPE_CLASSES', 'CITYSCAPES_CLASSES',
    'CITYSCAPES_USED_CLASSES', 'PATTERN_CLASSES', 'CIFAR100_FINE_NAMES', 'CIFAR100_COARSE_NAMES',
    'DEFAULT_DATA_ROOTS', 'MANIFEST', 'COCO_DEFAULTS', 'COCO_VARIANTS', 'make_coco', 'make_voc',
    'make_cityscapes', 'make_imagenet', 'make_cifar100', 'make_all', 'voc_palette'
]

MANIFEST = '.attn_plugins_synthetic.json'

# data_root values relative to the ``data/`` parent, as in OpenMMLab's base configs.
DEFAULT_DATA_ROOTS = {
    'coco': 'coco/',  # mmdet coco_detection.py / coco_instance.py: 'data/coco/'
    'voc': 'VOCdevkit/VOC2012',  # mmseg pascal_voc12(_aug).py: 'data/VOCdevkit/VOC2012'
    'cityscapes': 'cityscapes/',  # mmseg cityscapes.py: 'data/cityscapes/'
    'imagenet': 'imagenet',  # mmpretrain imagenet_bs32.py: 'data/imagenet'
    'cifar100': 'cifar100',  # mmpretrain cifar100_bs16.py: 'data/cifar100'
}

# ----------------------------------------------------------------------------------------------
# Class definitions
# ----------------------------------------------------------------------------------------------
COCO_CLASSES = ('circle', 'square', 'triangle', 'cross')
# With ``names='coco'`` the shapes are stored under real COCO category names and ids, so a config with
# the 80 COCO classes (no metainfo override) trains on them too.
COCO_REAL_NAMES = {
    'circle': (37, 'sports ball', 'sports'),
    'square': (62, 'tv', 'electronic'),
    'triangle': (38, 'kite', 'sports'),
    'cross': (5, 'airplane', 'vehicle'),
}
# Mean RGB colour per shape; an object uses it (+ noise) with probability ``class_colour_prob``.
_SHAPE_COLOURS = {
    'circle': (215, 55, 50),
    'square': (45, 85, 215),
    'triangle': (50, 175, 65),
    'cross': (230, 195, 35),
    'ring': (170, 60, 200),
    'star': (40, 190, 200),
}

VOC_CLASSES = ('background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat',
               'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant',
               'sheep', 'sofa', 'train', 'tvmonitor')
# VOC class -> shape drawn for it (VOC label ids 1, 4, 5, 20).
VOC_SHAPE_CLASSES = {'aeroplane': 'cross', 'boat': 'triangle', 'bottle': 'circle', 'tvmonitor': 'square'}

CITYSCAPES_CLASSES = ('road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light',
                      'traffic sign', 'vegetation', 'terrain', 'sky', 'person', 'rider', 'car', 'truck',
                      'bus', 'train', 'motorcycle', 'bicycle')
# trainId -> official Cityscapes labelId (cityscapesscripts labels.py); 255 (ignore) -> 0 'unlabeled'.
_CS_TRAIN2ID = np.array([7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33], np.uint8)
_ROAD, _SIDEWALK, _BUILDING, _POLE, _SIGN, _VEG, _SKY, _PERSON, _CAR = 0, 1, 2, 5, 7, 8, 10, 11, 13
CITYSCAPES_USED_CLASSES = tuple(CITYSCAPES_CLASSES[i] for i in (_ROAD, _SIDEWALK, _BUILDING, _POLE, _SIGN,
                                                                  _VEG, _SKY, _PERSON, _CAR))
_EGO = 254  # internal marker: ego vehicle (trainId 255, labelId 1)

# ImageNet / CIFAR pattern classes: 5 shapes and 5 textures.
PATTERN_CLASSES = ('circle', 'square', 'triangle', 'cross', 'ring', 'horizontal_stripes',
                   'vertical_stripes', 'checkerboard', 'dots', 'diagonal_stripes')

CIFAR100_FINE_NAMES = (
    'apple', 'aquarium_fish', 'baby', 'bear', 'beaver', 'bed', 'bee', 'beetle', 'bicycle', 'bottle',
    'bowl', 'boy', 'bridge', 'bus', 'butterfly', 'camel', 'can', 'castle', 'caterpillar', 'cattle',
    'chair', 'chimpanzee', 'clock', 'cloud', 'cockroach', 'couch', 'crab', 'crocodile', 'cup',
    'dinosaur', 'dolphin', 'elephant', 'flatfish', 'forest', 'fox', 'girl', 'hamster', 'house',
    'kangaroo', 'keyboard', 'lamp', 'lawn_mower', 'leopard', 'lion', 'lizard', 'lobster', 'man',
    'maple_tree', 'motorcycle', 'mountain', 'mouse', 'mushroom', 'oak_tree', 'orange', 'orchid',
    'otter', 'palm_tree', 'pear', 'pickup_truck', 'pine_tree', 'plain', 'plate', 'poppy', 'porcupine',
    'possum', 'rabbit', 'raccoon', 'ray', 'road', 'rocket', 'rose', 'sea', 'seal', 'shark', 'shrew',
    'skunk', 'skyscraper', 'snail', 'snake', 'spider', 'squirrel', 'streetcar', 'sunflower',
    'sweet_pepper', 'table', 'tank', 'telephone', 'television', 'tiger', 'tractor', 'train', 'trout',
    'tulip', 'turtle', 'wardrobe', 'whale', 'willow_tree', 'wolf', 'woman', 'worm')
CIFAR100_COARSE_NAMES = (
    'aquatic_mammals', 'fish', 'flowers', 'food_containers', 'fruit_and_vegetables',
    'household_electrical_devices', 'household_furniture', 'insects', 'large_carnivores',
    'large_man-made_outdoor_things', 'large_natural_outdoor_scenes', 'large_omnivores_and_herbivores',
    'medium_mammals', 'non-insect_invertebrates', 'people', 'reptiles', 'small_mammals', 'trees',
    'vehicles_1', 'vehicles_2')
# Official fine -> coarse mapping of the first ten fine labels (the ones the generator uses).
_CIFAR_COARSE_OF_FINE = (4, 1, 14, 8, 0, 6, 7, 7, 18, 3)

# COCO area ranges (pixels) used by COCOeval: small < 32^2 <= medium < 96^2 <= large.
_SMALL, _LARGE = 32, 96

SizeSpec = Union[int, Tuple[int, int], Tuple[Tuple[int, int], Tuple[int, int]]]


# ----------------------------------------------------------------------------------------------
# Helpers: RNG, files, overwrite guard
# ----------------------------------------------------------------------------------------------
def _key(name: str) -> int:
    return zlib.crc32(name.encode())


def _rng(seed: int, *keys) -> np.random.Generator:
    ints = [int(seed) & 0xFFFFFFFF] + [_key(k) if isinstance(k, str) else int(k) for k in keys]
    return np.random.default_rng(np.random.SeedSequence(ints))


def _size_range(image_size: SizeSpec) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    """``image_size`` -> ((h_min, h_max), (w_min, w_max)); accepts an int, (h, w) or ((h0,h1),(w0,w1))."""
    if isinstance(image_size, int):
        return (image_size, image_size), (image_size, image_size)
    h, w = image_size
    h = (h, h) if isinstance(h, int) else tuple(h)
    w = (w, w) if isinstance(w, int) else tuple(w)
    if not (len(h) == 2 and len(w) == 2 and 8 <= h[0] <= h[1] and 8 <= w[0] <= w[1]):
        raise ValueError(f'image_size must be (h, w) or ((h_min, h_max), (w_min, w_max)), got {image_size!r}')
    return (int(h[0]), int(h[1])), (int(w[0]), int(w[1]))


def _sample_hw(rng, size_range) -> Tuple[int, int]:
    (h0, h1), (w0, w1) = size_range
    return int(rng.integers(h0, h1 + 1)), int(rng.integers(w0, w1 + 1))


class _Writer:
    """Creates the dataset directory, refuses to clobber non-empty ones unless ``overwrite``, records
    the files it writes in a manifest and removes the files a previous synthetic run wrote but this
    one does not (so directory-scanning datasets such as Cityscapes see no stale images)."""

    def __init__(self, kind: str, data_root: str, overwrite: bool, params: dict):
        self.kind, self.root, self.params = kind, data_root, params
        self.files: List[str] = []
        self._dirs = set()
        if osp.isdir(data_root) and any(os.scandir(data_root)):
            if not overwrite:
                raise FileExistsError(
                    f'refusing to write the synthetic {kind} dataset into non-empty {data_root!r}; pass '
                    f'overwrite=True (CLI: --overwrite) to replace the files this generator writes, or '
                    f'choose another directory')
            self._old = self._read_manifest()
        else:
            self._old = []
        os.makedirs(data_root, exist_ok=True)

    def _read_manifest(self) -> List[str]:
        path = osp.join(self.root, MANIFEST)
        if not osp.isfile(path):
            return []
        try:
            with open(path) as f:
                return list(json.load(f).get('files', []))
        except (OSError, ValueError):
            return []

    def path(self, rel: str) -> str:
        full = osp.join(self.root, rel)
        d = osp.dirname(full)
        if d not in self._dirs:
            os.makedirs(d, exist_ok=True)
            self._dirs.add(d)
        self.files.append(rel)
        return full

    def text(self, rel: str, lines: Sequence[str]) -> None:
        with open(self.path(rel), 'w') as f:
            f.write(''.join(line + '\n' for line in lines))

    def finish(self, summary: dict) -> dict:
        keep = set(self.files)
        for rel in self._old:
            full = osp.normpath(osp.join(self.root, rel))
            if rel not in keep and full.startswith(osp.normpath(self.root) + os.sep) and osp.isfile(full):
                os.remove(full)
        with open(osp.join(self.root, MANIFEST), 'w') as f:
            json.dump(dict(generator='attn_plugins.data.synthetic', kind=self.kind, params=self.params,
                           summary=summary, files=sorted(self.files)), f, indent=1)
        return summary


def _imwrite(path: str, rgb: np.ndarray, quality: int = 90) -> None:
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.lower().endswith(('.jpg', '.jpeg')) else []
    if not cv2.imwrite(path, bgr, params):
        raise OSError(f'could not write {path}')


def _to_uint8(img: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------------------------
# Drawing primitives (continuous coordinates: pixel (i, j) covers [j, j+1) x [i, i+1), as in COCO)
# ----------------------------------------------------------------------------------------------
def _background(rng, h: int, w: int, grey: Optional[float] = None, spread: float = 28.,
                noise: float = 9., lines: int = 3) -> np.ndarray:
    """Low-saturation smooth random field + pixel noise + a few thin distractor lines (float32 RGB)."""
    g = rng.uniform(70, 185) if grey is None else grey
    base = g + rng.normal(0, 12, size=3)
    gh, gw = (int(v) for v in rng.integers(2, 6, size=2))
    grid = (base + rng.normal(0, spread, size=(gh, gw, 3))).astype(np.float32)
    img = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    img += rng.normal(0, noise, size=(h, w, 3)).astype(np.float32)
    for _ in range(int(rng.integers(0, lines + 1))):
        p1 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        p2 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        col = tuple(float(c) for c in base + rng.normal(0, 45, size=3))
        cv2.line(img, p1, p2, col, int(rng.integers(1, 3)), cv2.LINE_AA)
    return img


def _rot(pts: np.ndarray, deg: float) -> np.ndarray:
    t = math.radians(deg)
    c, s = math.cos(t), math.sin(t)
    return pts @ np.array([[c, s], [-s, c]])


def _shape_polygon(shape: str, s: float, angle: float) -> np.ndarray:
    """Polygon (N x 2, centred at 0) of ``shape`` whose area is about ``s**2``."""
    if shape in ('circle', 'ring'):
        r = s / math.sqrt(math.pi)
        t = np.linspace(0, 2 * math.pi, 32, endpoint=False)
        return np.stack([r * np.cos(t), r * np.sin(t)], 1)
    if shape == 'square':
        a = s / 2
        pts = np.array([[-a, -a], [a, -a], [a, a], [-a, a]])
    elif shape == 'triangle':
        side = s * math.sqrt(4 / math.sqrt(3))
        radius = side / math.sqrt(3)
        t = np.radians([-90., 30., 150.])
        pts = np.stack([radius * np.cos(t), radius * np.sin(t)], 1)
    elif shape == 'star':  # five points, inner radius 0.45 of the outer one
        radius = s / math.sqrt(5 * 0.45 * math.sin(math.pi / 5))
        t = np.radians(-90. + 36. * np.arange(10))
        rad = np.where(np.arange(10) % 2 == 0, radius, 0.45 * radius)
        pts = np.stack([rad * np.cos(t), rad * np.sin(t)], 1)
    elif shape == 'cross':
        length = s / math.sqrt(2 * 0.36 - 0.36 ** 2)
        a, b = length / 2, 0.18 * length
        pts = np.array([[-b, -a], [b, -a], [b, -b], [a, -b], [a, b], [b, b], [b, a], [-b, a], [-b, b],
                        [-a, b], [-a, -b], [-b, -b]])
    else:
        raise ValueError(f'unknown shape {shape!r}')
    return _rot(pts, angle)


def _shape_angle(rng, shape: str) -> float:
    if shape == 'triangle':
        return float(rng.uniform(0, 120))
    if shape in ('square', 'cross'):
        return float(rng.uniform(-20, 20))
    if shape == 'star':
        return float(rng.uniform(0, 72))
    return 0.


def _cv_pts(poly: np.ndarray, off=(0., 0.)) -> np.ndarray:
    """Continuous polygon -> OpenCV fixed-point (shift=4) points; pixel centres sit at +0.5."""
    return np.rint((poly - np.asarray(off) - 0.5) * 16).astype(np.int32)


def _alpha(poly: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    a = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(a, [_cv_pts(poly, (x0, y0))], 255, cv2.LINE_AA, 4)
    return a.astype(np.float32) / 255.


def _box_of(poly: np.ndarray, h: int, w: int, pad: int = 1):
    x0 = max(int(math.floor(poly[:, 0].min())) - pad, 0)
    y0 = max(int(math.floor(poly[:, 1].min())) - pad, 0)
    x1 = min(int(math.ceil(poly[:, 0].max())) + pad, w)
    y1 = min(int(math.ceil(poly[:, 1].max())) + pad, h)
    return x0, y0, x1, y1


def _object_colour(rng, shape: str, class_colour_prob: float) -> np.ndarray:
    if shape in _SHAPE_COLOURS and rng.random() < class_colour_prob:
        return np.asarray(_SHAPE_COLOURS[shape], np.float32) + rng.normal(0, 28, size=3).astype(np.float32)
    return rng.uniform(20, 240, size=3).astype(np.float32)


def _paint(img: np.ndarray, poly: np.ndarray, colour: np.ndarray, rng, alpha=None) -> None:
    """Alpha-blend a shaded, noisy ``colour`` fill of ``poly`` into float image ``img`` (in place)."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = _box_of(poly, h, w)
    if x1 <= x0 or y1 <= y0:
        return
    a = _alpha(poly, x0, y0, x1, y1) if alpha is None else alpha
    ys, xs = np.mgrid[0:y1 - y0, 0:x1 - x0].astype(np.float32)
    gx, gy = rng.normal(0, 18, size=2) / max(x1 - x0, y1 - y0, 1)
    shade = (gx * xs + gy * ys)[..., None]
    tex = colour + shade + rng.normal(0, 7, size=(y1 - y0, x1 - x0, 3)).astype(np.float32)
    region = img[y0:y1, x0:x1]
    region += a[..., None] * (tex - region)


def _fill_label(label: np.ndarray, poly: np.ndarray, value: int) -> None:
    cv2.fillPoly(label, [_cv_pts(poly)], int(value), cv2.LINE_8, 4)


def _polygon_area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


# ----------------------------------------------------------------------------------------------
# Shape scenes (COCO and VOC)
# ----------------------------------------------------------------------------------------------
def _scene_sizes(rng, n: int, h: int, w: int, size_probs: Sequence[float],
                 object_px: Optional[Tuple[float, float]] = None) -> List[float]:
    """Square roots of object areas: small [12, 31], medium [33, 94], large [98, ~min(h, w)/1.6]
    drawn with ``size_probs``; or, with ``object_px=(lo, hi)``, log-uniform in [lo, hi] (capped at
    ~min(h, w)/1.6 so that the object fits)."""
    large_max = min(140., (min(h, w) - 6) / 1.65)
    sizes = []
    for _ in range(n):
        if object_px is not None:
            lo, hi = min(object_px[0], large_max), min(object_px[1], large_max)
            sizes.append(float(np.exp(rng.uniform(np.log(lo), np.log(max(hi, lo))))))
            continue
        cat = int(rng.choice(3, p=np.asarray(size_probs) / np.sum(size_probs)))
        if cat == 2 and large_max < 98:
            cat = 1
        lo, hi = [(12., 31.), (33., 94.), (98., large_max)][cat]
        hi = min(hi, large_max)
        sizes.append(float(np.exp(rng.uniform(np.log(lo), np.log(max(hi, lo))))))
    return sorted(sizes, reverse=True)


def _textured_background(rng, h: int, w: int) -> np.ndarray:
    """The smooth field of :func:`_background` overlaid with a random texture - oriented stripes,
    a checkerboard, or blotchy multi-scale noise - of 15-45 grey levels, plus more distractor lines
    (float32 RGB). The texture has structure at the objects' scales, unlike the default field."""
    img = _background(rng, h, w, lines=6)
    kind = int(rng.integers(3))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    amp = float(rng.uniform(15, 45))
    if kind == 0:  # stripes, period 4-24 px, any orientation
        t = float(rng.uniform(0, math.pi))
        period = float(np.exp(rng.uniform(np.log(4), np.log(24))))
        tex = np.sin((xx * math.cos(t) + yy * math.sin(t)) * 2 * math.pi / period + rng.uniform(0, 6.3))
    elif kind == 1:  # checkerboard, cell 4-20 px, slightly rotated
        t = float(rng.uniform(-0.5, 0.5))
        cell = float(rng.uniform(4, 20))
        u, v = xx * math.cos(t) + yy * math.sin(t), -xx * math.sin(t) + yy * math.cos(t)
        tex = ((np.floor(u / cell) + np.floor(v / cell)) % 2) * 2 - 1
    else:  # blotches: noise grids of 1/4 to 1/32 of the image, upsampled and summed
        tex = np.zeros((h, w), np.float32)
        for div in (4, 8, 16, 32):
            gh, gw = max(2, h // div), max(2, w // div)
            tex += cv2.resize(rng.normal(0, 1, (gh, gw)).astype(np.float32), (w, h),
                              interpolation=cv2.INTER_CUBIC)
        tex /= max(float(np.abs(tex).max()), 1e-6)
    tint = 1 + rng.normal(0, 0.25, size=3).astype(np.float32)
    return img + amp * tex.astype(np.float32)[..., None] * tint


def _grey_colour(rng, img: np.ndarray, poly: np.ndarray, min_contrast: float = 40.) -> np.ndarray:
    """A grey level (as RGB) at least ``min_contrast`` away from the mean of the (grey) background
    under the object's box, so that a colourless object is still visible."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = _box_of(poly, h, w)
    under = float(img[y0:y1, x0:x1].mean()) if x1 > x0 and y1 > y0 else 128.
    g = float(rng.uniform(20, 235))
    for _ in range(20):
        if abs(g - under) >= min_contrast:
            break
        g = float(rng.uniform(20, 235))
    else:
        g = under + min_contrast if under < 128 else under - min_contrast
    return np.full(3, g, np.float32)


def _shape_scene(rng, h: int, w: int, shapes: Sequence[str], n_objects: Tuple[int, int],
                 size_probs: Sequence[float], class_colour_prob: float = 0.75,
                 object_px: Optional[Tuple[float, float]] = None, background: str = 'smooth',
                 colour: str = 'class'):
    """Render non-overlapping shapes on a textured background.

    ``background``: ``'smooth'`` (:func:`_background`) or ``'textured'`` (:func:`_textured_background`);
    ``colour``: ``'class'`` (the class colour with probability ``class_colour_prob``, else random) or
    ``'grey'`` (grey objects on a grey background: colour carries no information).
    Returns the uint8 RGB image and a list of ``(class_index, polygon)`` with polygons in continuous
    pixel coordinates (rounded to 0.01) lying inside the image."""
    img = _textured_background(rng, h, w) if background == 'textured' else _background(rng, h, w)
    grey = colour == 'grey'
    if grey:
        img = np.repeat(img.mean(2, keepdims=True), 3, 2)
    n = int(rng.integers(n_objects[0], n_objects[1] + 1))
    objects, boxes = [], []
    for s in _scene_sizes(rng, n, h, w, size_probs, object_px):
        cls = int(rng.integers(len(shapes)))
        shape = shapes[cls]
        poly0 = _shape_polygon(shape, s, _shape_angle(rng, shape))
        lo, hi = poly0.min(0), poly0.max(0)
        placed = None
        for _ in range(30):
            cx = rng.uniform(1 - lo[0], w - 1 - hi[0]) if w - 2 > hi[0] - lo[0] else None
            cy = rng.uniform(1 - lo[1], h - 1 - hi[1]) if h - 2 > hi[1] - lo[1] else None
            if cx is None or cy is None:
                break
            poly = np.round(poly0 + [cx, cy], 2)
            box = (*poly.min(0), *poly.max(0))
            if all(box[0] > b[2] + 3 or box[2] < b[0] - 3 or box[1] > b[3] + 3 or box[3] < b[1] - 3
                   for b in boxes):
                placed = poly
                break
        if placed is None:
            continue
        boxes.append((*placed.min(0), *placed.max(0)))
        col = _grey_colour(rng, img, placed) if grey else _object_colour(rng, shape, class_colour_prob)
        _paint(img, placed, col, rng)
        objects.append((cls, placed))
    if not objects:  # cannot happen for sane sizes; keep every image annotated anyway
        s = min(h, w) / 3
        poly = np.round(_shape_polygon(shapes[0], s, 0) + [w / 2, h / 2], 2)
        col = _grey_colour(rng, img, poly) if grey else _object_colour(rng, shapes[0], class_colour_prob)
        _paint(img, poly, col, rng)
        objects.append((0, poly))
    if grey:  # the shading and pixel noise of _paint are per channel: make the image exactly grey
        img = np.repeat(img.mean(2, keepdims=True), 3, 2)
    return _to_uint8(img), objects


# ----------------------------------------------------------------------------------------------
# COCO
# ----------------------------------------------------------------------------------------------
# The built-in COCO shapes set (what ``make_coco`` writes without ``variant``) ...
COCO_DEFAULTS = dict(image_size=((160, 256), (160, 256)), shapes=COCO_CLASSES, min_objects=1, max_objects=4,
                     object_px=None, background='smooth', colour='class', class_colour_prob=0.75)
# ... and held-out variants of the same family: each entry replaces some of ``COCO_DEFAULTS`` (an
# argument given to ``make_coco`` replaces both). A variant draws its images from its own random
# stream, so none of its images is one of the built-in set's. ``object_px``: range of the square root
# of the object areas (~ the side of a square); without it sizes span COCO's small/medium/large.
COCO_VARIANTS = {
    # other image sizes: 256-384 x 320-480 px (the built-in set: 160-256 px per side)
    'large_images': dict(image_size=((256, 384), (320, 480))),
    # stripes / checkerboards / blotches of the objects' scales behind the shapes
    'textured': dict(background='textured'),
    # the set of issue 13: 3 classes, 1-3 objects of 20-60 px, other sizes, textured backgrounds
    'three_class': dict(shapes=('circle', 'square', 'triangle'), image_size=((128, 224), (192, 320)),
                        max_objects=3, object_px=(20., 60.), background='textured'),
    # 5 classes: the four shapes and a five-pointed star
    'five_class': dict(shapes=COCO_CLASSES + ('star', )),
    # small objects only (COCO "small": area < 32^2), 2-6 per image
    'small_objects': dict(object_px=(10., 32.), min_objects=2, max_objects=6),
    # no colour: grey shapes (>= 40 grey levels from the background under them) on grey backgrounds
    'grey': dict(colour='grey'),
}
_BACKGROUNDS, _COLOURS = ('smooth', 'textured'), ('class', 'grey')


def make_coco(root: str, num_train: int = 240, num_val: int = 60, image_size: Optional[SizeSpec] = None,
              seed: int = 0, names: str = 'shape', max_objects: Optional[int] = None,
              class_colour_prob: Optional[float] = None, overwrite: bool = False, *,
              variant: Optional[str] = None, shapes: Optional[Sequence[str]] = None,
              min_objects: Optional[int] = None, object_px: Optional[Tuple[float, float]] = None,
              background: Optional[str] = None, colour: Optional[str] = None) -> dict:
    """Write a COCO-2017-format instance dataset of shapes to ``root`` (= the config's ``data_root``).

    ``root/annotations/instances_{train,val}2017.json`` + ``root/{train,val}2017/<012d id>.jpg``.
    Classes: ``COCO_CLASSES`` = circle, square, triangle, cross (category ids 1-4); with
    ``names='coco'`` they are stored as the real COCO categories sports ball (37), tv (62), kite (38)
    and airplane (5), so configs keeping the 80 COCO classes also work. 1-``max_objects`` non-overlapping
    objects per image; sizes span COCO's small (<32^2 px), medium and large (>96^2 px) area ranges.
    Annotations: polygon ``segmentation``, ``bbox`` = polygon extents ``[x, y, w, h]``,
    ``area`` = polygon area, ``iscrowd`` 0. Returns a summary dict (classes and counts).

    ``variant`` (a key of ``COCO_VARIANTS``) writes a held-out set of the same family instead; the
    arguments left at ``None`` take the variant's value, else ``COCO_DEFAULTS``: ``shapes`` (the
    classes, in category-id order; any of circle, square, triangle, cross, star), ``min_objects`` /
    ``max_objects``, ``object_px`` (``(lo, hi)`` px, see ``COCO_VARIANTS``), ``background``
    (``'smooth'`` or ``'textured'``), ``colour`` (``'class'`` or ``'grey'``), ``image_size``,
    ``class_colour_prob``. Without ``variant`` and these arguments the files are those of the
    built-in set (the demo's data).
    """
    if names not in ('shape', 'coco'):
        raise ValueError(f"names must be 'shape' or 'coco', got {names!r}")
    if variant is not None and variant not in COCO_VARIANTS:
        raise ValueError(f'unknown COCO variant {variant!r}; choose one of {", ".join(COCO_VARIANTS)}')
    given = dict(image_size=image_size, shapes=shapes, min_objects=min_objects, max_objects=max_objects,
                 object_px=object_px, background=background, colour=colour,
                 class_colour_prob=class_colour_prob)
    opt = dict(COCO_DEFAULTS, **(COCO_VARIANTS[variant] if variant else {}),
               **{k: v for k, v in given.items() if v is not None})
    shapes = tuple(opt['shapes'])
    known = ('circle', 'square', 'triangle', 'cross', 'star')
    if not shapes or len(set(shapes)) != len(shapes) or not set(shapes) <= set(known):
        raise ValueError(f'shapes must be distinct names among {", ".join(known)}, got {shapes!r}')
    if names == 'coco' and not set(shapes) <= set(COCO_REAL_NAMES):
        raise ValueError(f"names='coco' maps only {', '.join(COCO_REAL_NAMES)} to COCO categories, "
                         f'got shapes {shapes!r}')
    if not 1 <= opt['min_objects'] <= opt['max_objects']:
        raise ValueError(f'need 1 <= min_objects <= max_objects, got {opt["min_objects"]}, '
                         f'{opt["max_objects"]}')
    if opt['object_px'] is not None and not 4 <= opt['object_px'][0] <= opt['object_px'][1]:
        raise ValueError(f'object_px must be (lo, hi) with 4 <= lo <= hi, got {opt["object_px"]!r}')
    if opt['background'] not in _BACKGROUNDS or opt['colour'] not in _COLOURS:
        raise ValueError(f'background must be one of {_BACKGROUNDS} and colour one of {_COLOURS}, got '
                         f'{opt["background"]!r}, {opt["colour"]!r}')
    size_range = _size_range(opt['image_size'])
    params = dict(num_train=num_train, num_val=num_val, image_size=size_range, seed=seed, names=names,
                  max_objects=opt['max_objects'], class_colour_prob=opt['class_colour_prob'],
                  variant=variant, shapes=list(shapes), min_objects=opt['min_objects'],
                  object_px=opt['object_px'], background=opt['background'], colour=opt['colour'])
    wr = _Writer('coco', root, overwrite, params)
    if names == 'coco':
        entries = sorted((COCO_REAL_NAMES[s][0], COCO_REAL_NAMES[s][1], COCO_REAL_NAMES[s][2], s)
                         for s in shapes)
    else:
        entries = [(i + 1, s, 'shape', s) for i, s in enumerate(shapes)]
    cats = [dict(supercategory=sc, id=cid, name=n) for cid, n, sc, _ in entries]
    cat_of_shape = {s: cid for cid, _, _, s in entries}
    name_of_cat = {cid: n for cid, n, _, _ in entries}
    classes = [c['name'] for c in cats]  # the order mmdet's CocoDataset(metainfo=classes) should use
    stream = 'coco' if variant is None else f'coco_{variant}'

    summary = dict(kind='coco', data_root=osp.join(root, ''), classes=classes, shapes=[e[3] for e in entries],
                   variant=variant, images={}, instances={}, instances_per_class={}, area_ranges={})
    for split, num, id0 in (('train', num_train, 0), ('val', num_val, 1_000_000)):
        images, anns = [], []
        per_class = {c: 0 for c in classes}
        areas = dict(small=0, medium=0, large=0)
        for i in range(num):
            rng = _rng(seed, stream, split, i)
            h, w = _sample_hw(rng, size_range)
            img, objects = _shape_scene(rng, h, w, shapes, (opt['min_objects'], opt['max_objects']),
                                        (0.35, 0.4, 0.25), opt['class_colour_prob'], opt['object_px'],
                                        opt['background'], opt['colour'])
            img_id = id0 + i + 1
            fname = f'{img_id:012d}.jpg'
            _imwrite(wr.path(f'{split}2017/{fname}'), img)
            images.append(dict(license=1, file_name=fname, coco_url='', height=h, width=w,
                               date_captured='2017-01-01 00:00:00', flickr_url='', id=img_id))
            for cls, poly in objects:
                x0, y0 = poly.min(0)
                x1, y1 = poly.max(0)
                area = round(_polygon_area(poly), 2)
                cat_id = cat_of_shape[shapes[cls]]
                anns.append(dict(segmentation=[[round(float(v), 2) for v in poly.reshape(-1)]], area=area,
                                 iscrowd=0, image_id=img_id,
                                 bbox=[round(float(x0), 2), round(float(y0), 2), round(float(x1 - x0), 2),
                                       round(float(y1 - y0), 2)],
                                 category_id=cat_id, id=len(anns) + 1 + id0))
                per_class[name_of_cat[cat_id]] += 1
                areas['small' if area < _SMALL ** 2 else 'medium' if area < _LARGE ** 2 else 'large'] += 1
        coco = dict(
            info=dict(description=f'attn_plugins synthetic shapes, COCO 2017 format ({split})'
                      + ('' if variant is None else f', variant {variant!r}'),
                      url='', version='1.0', year=2017, contributor='attn_plugins.data.synthetic',
                      date_created='2017/09/01'),
            licenses=[dict(url='https://creativecommons.org/publicdomain/zero/1.0/', id=1,
                           name='CC0 1.0 (synthetic data)')],
            images=images, annotations=anns, categories=cats)
        with open(wr.path(f'annotations/instances_{split}2017.json'), 'w') as f:
            json.dump(coco, f, separators=(',', ':'))
        summary['images'][split] = num
        summary['instances'][split] = len(anns)
        summary['instances_per_class'][split] = per_class
        summary['area_ranges'][split] = areas
    return wr.finish(summary)


# ----------------------------------------------------------------------------------------------
# PASCAL VOC 2012 (+ SBD aug)
# ----------------------------------------------------------------------------------------------
def voc_palette() -> List[int]:
    """The 256-entry PASCAL VOC colour map (flat RGB list), as in VOCdevkit's ``VOClabelcolormap``."""
    pal = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        pal += [r, g, b]
    return pal


def _save_png(path: str, label: np.ndarray, palette: Optional[List[int]] = None) -> None:
    label = np.ascontiguousarray(label, np.uint8)
    if palette is None:
        Image.fromarray(label).save(path)  # mode 'L'
    else:
        im = Image.frombuffer('P', (label.shape[1], label.shape[0]), label.tobytes(), 'raw', 'P', 0, 1)
        im.putpalette(palette)
        im.save(path)


def make_voc(root: str, num_train: int = 200, num_val: int = 50, num_aug: Optional[int] = None,
             image_size: SizeSpec = ((160, 256), (160, 256)), seed: int = 0, border: int = 1,
             class_colour_prob: float = 0.75, overwrite: bool = False) -> dict:
    """Write a PASCAL-VOC-2012 segmentation dataset under ``root/VOCdevkit/VOC2012`` (= ``data_root``).

    Shapes stand for four VOC classes (``VOC_SHAPE_CLASSES``): cross = aeroplane (1), triangle = boat
    (4), circle = bottle (5), square = tvmonitor (20); everything else is background (0).
    ``SegmentationClass/*.png`` are palette ('P') PNGs with the VOC colour map and 255 on a band of
    ``2 * border`` px along object borders, like VOC's "void" outlines; ``SegmentationClassAug/*.png``
    are label-index ('L') PNGs without borders, like mmseg's converted SBD. ``ImageSets/Segmentation``
    holds ``train.txt``, ``val.txt``, ``trainval.txt`` and ``aug.txt`` (train + ``num_aug`` SBD-style
    extra images, minus val), so ``pascal_voc12.py`` and ``pascal_voc12_aug.py`` run unchanged.
    Names: train ``2007_NNNNNN``, val ``2008_NNNNNN``, aug-only ``2011_NNNNNN``.
    """
    num_aug = num_train if num_aug is None else num_aug
    size_range = _size_range(image_size)
    voc_root = osp.join(root, 'VOCdevkit', 'VOC2012')
    params = dict(num_train=num_train, num_val=num_val, num_aug=num_aug, image_size=size_range, seed=seed,
                  border=border, class_colour_prob=class_colour_prob)
    wr = _Writer('voc', voc_root, overwrite, params)
    voc_names = tuple(VOC_SHAPE_CLASSES)
    shapes = tuple(VOC_SHAPE_CLASSES[c] for c in voc_names)
    ids = np.array([VOC_CLASSES.index(c) for c in voc_names], np.uint8)
    palette = voc_palette()
    kernel = np.ones((2 * border + 1, 2 * border + 1), np.uint8)
    pixels = {c: 0 for c in ('background', ) + voc_names}
    lists = {}
    for split, num, year in (('train', num_train, 2007), ('val', num_val, 2008), ('augonly', num_aug, 2011)):
        names = []
        for i in range(num):
            rng = _rng(seed, 'voc', split, i)
            h, w = _sample_hw(rng, size_range)
            img, objects = _shape_scene(rng, h, w, shapes, (1, 4), (0.15, 0.5, 0.35), class_colour_prob)
            label = np.zeros((h, w), np.uint8)
            for cls, poly in objects:
                _fill_label(label, poly, ids[cls])
            name = f'{year}_{i:06d}'
            names.append(name)
            _imwrite(wr.path(f'JPEGImages/{name}.jpg'), img)
            if split != 'augonly':
                voc_label = label.copy()
                if border > 0:
                    voc_label[cv2.morphologyEx(label, cv2.MORPH_GRADIENT, kernel) > 0] = 255
                _save_png(wr.path(f'SegmentationClass/{name}.png'), voc_label, palette)
            if split != 'val':
                _save_png(wr.path(f'SegmentationClassAug/{name}.png'), label)
            counts = np.bincount(label.ravel(), minlength=256)
            pixels['background'] += int(counts[0])
            for c, cid in zip(voc_names, ids):
                pixels[c] += int(counts[cid])
        lists[split] = names
    seg = 'ImageSets/Segmentation/'
    wr.text(seg + 'train.txt', lists['train'])
    wr.text(seg + 'val.txt', lists['val'])
    wr.text(seg + 'trainval.txt', lists['train'] + lists['val'])
    # mmseg's voc_aug converter: aug.txt = (VOC train + SBD train + SBD val) - VOC val
    wr.text(seg + 'aug.txt', sorted(set(lists['train'] + lists['augonly']) - set(lists['val'])))
    summary = dict(kind='voc', data_root=voc_root, classes=list(VOC_CLASSES),
                   used_classes={c: int(i) for c, i in zip(voc_names, ids)},
                   shapes={c: VOC_SHAPE_CLASSES[c] for c in voc_names},
                   images=dict(train=num_train, val=num_val, aug=len(set(lists['train'] + lists['augonly']))),
                   pixels=pixels)
    return wr.finish(summary)


# ----------------------------------------------------------------------------------------------
# Cityscapes
# ----------------------------------------------------------------------------------------------
_CITIES = {'train': ('aachen', 'bochum', 'bremen'), 'val': ('frankfurt', 'lindau', 'munster')}


def _city_scene(rng, h: int, w: int):
    """A street scene: sky, buildings/trees, road + sidewalks in perspective, poles, signs, cars and
    persons (nearer = larger, painted far to near), ego-vehicle hood at the bottom (ignored).
    Returns RGB uint8 image, trainId label map (255 = ignore) and instance map (-1 = none)."""
    img = np.zeros((h, w, 3), np.float32)
    lab = np.full((h, w), 255, np.uint8)
    inst = np.full((h, w), -1, np.int32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    noise = rng.standard_normal((h, w, 3), dtype=np.float32)  # one field, shared by every region

    def _noisy(rng, shape, colour, sigma=8.):
        return np.asarray(colour, np.float32) + sigma * noise

    horizon = rng.uniform(0.38, 0.5) * h
    vx = rng.uniform(0.4, 0.6) * w

    def put(mask, cls, tex):
        img[mask] = tex[mask]
        lab[mask] = cls
        inst[mask] = -1

    # sky: vertical gradient blue -> pale
    top = np.array([70, 130, 200], np.float32) + rng.normal(0, 12, 3)
    low = np.array([185, 205, 225], np.float32) + rng.normal(0, 10, 3)
    t = (yy / max(horizon, 1))[..., None].clip(0, 1)
    put(yy < horizon, _SKY, top * (1 - t) + low * t + rng.normal(0, 4, (h, w, 3)).astype(np.float32))

    # buildings and trees along the horizon
    x = -rng.uniform(0, 0.1) * w
    while x < w:
        bw = rng.uniform(0.1, 0.3) * w
        x0, x1 = int(max(x, 0)), int(min(x + bw, w))
        if rng.random() < 0.3:  # tree: round canopy of vegetation
            cy = horizon - rng.uniform(0.15, 0.3) * h
            ry, rx = rng.uniform(0.12, 0.22) * h, (x1 - x0) / 2
            m = ((xx - (x0 + x1) / 2) / max(rx, 1)) ** 2 + ((yy - cy) / ry) ** 2 < 1
            m |= (np.abs(xx - (x0 + x1) / 2) < max(rx * 0.12, 1.5)) & (yy >= cy) & (yy < horizon + 2)
            green = np.array([60, 120, 40], np.float32) + rng.normal(0, 15, 3)
            put(m, _VEG, _noisy(rng, (h, w), green, 18))
        else:  # building with a window grid
            btop = horizon - rng.uniform(0.15, 0.42) * h
            m = (yy >= btop) & (yy < horizon + 2) & (xx >= x0) & (xx < x1)
            wall = np.array([120, 110, 100], np.float32) + rng.normal(0, 25, 3)
            tex = _noisy(rng, (h, w), wall, 6)
            px, py = rng.uniform(5, 9), rng.uniform(5, 9)
            win = ((xx - x0) % px < px * 0.45) & ((yy - btop) % py < py * 0.5)
            tex[win] = tex[win] * 0.55
            put(m, _BUILDING, tex)
        x += bw

    # ground: road trapezoid converging to (vx, horizon), sidewalks on both sides
    ground = yy >= horizon
    d = (yy - horizon) / max(h - horizon, 1)  # 0 at horizon, 1 at bottom
    half_road = (0.06 + rng.uniform(0.3, 0.42) * d) * w
    sw = np.array([160, 150, 140], np.float32) + rng.normal(0, 10, 3)
    tex = _noisy(rng, (h, w), sw, 7)
    tex[((xx.astype(int) // 6 + yy.astype(int) // 4) % 2) == 0] *= 0.92  # paving
    put(ground, _SIDEWALK, tex)
    road = ground & (np.abs(xx - vx) < half_road)
    tex = _noisy(rng, (h, w), np.array([85, 85, 90], np.float32) + rng.normal(0, 8, 3), 6)
    lane = (np.abs(xx - vx) < 0.012 * w * (0.3 + d)) & ((yy.astype(int) // 5) % 2 == 0)
    tex[lane] = 215
    put(road, _ROAD, tex)

    things = []  # (base_y, kind, params)
    for _ in range(int(rng.integers(0, 3))):  # poles (+ signs) on a sidewalk
        by = horizon + rng.uniform(0.15, 0.8) * (h - horizon)
        dd = (by - horizon) / max(h - horizon, 1)
        hr = (0.06 + 0.42 * dd) * w
        side = 1 if rng.random() < 0.5 else -1
        px = vx + side * (hr + rng.uniform(0.02, 0.1) * w)
        if 2 <= px < w - 2:
            things.append((by, 'pole', (px, dd)))
    for _ in range(int(rng.integers(0, 4))):  # cars on the road
        by = horizon + rng.uniform(0.1, 0.95) * (h - horizon)
        dd = (by - horizon) / max(h - horizon, 1)
        cx = vx + rng.uniform(-0.8, 0.8) * (0.06 + 0.36 * dd) * w
        things.append((by, 'car', (cx, dd)))
    for _ in range(int(rng.integers(0, 4))):  # persons on the sidewalks
        by = horizon + rng.uniform(0.1, 0.95) * (h - horizon)
        dd = (by - horizon) / max(h - horizon, 1)
        side = 1 if rng.random() < 0.5 else -1
        cx = vx + side * ((0.06 + 0.4 * dd) * w + rng.uniform(0.02, 0.15) * w)
        things.append((by, 'person', (cx, dd)))

    n_inst = {'car': 0, 'person': 0}
    for by, kind, (cx, dd) in sorted(things, key=lambda t: t[0]):
        scale = (0.12 + 0.6 * dd) * h
        if kind == 'pole':
            ph = scale * 1.6
            pw = max(1.5, scale * 0.04)
            m = (np.abs(xx - cx) < pw) & (yy < by) & (yy >= by - ph)
            put(m, _POLE, _noisy(rng, (h, w), (110, 110, 115), 5))
            if rng.random() < 0.6:
                s = max(4., scale * 0.3)
                sy = by - ph
                m = (np.abs(xx - cx) < s / 2) & (yy >= sy) & (yy < sy + s)
                put(m, _SIGN, _noisy(rng, (h, w), (215, 205, 30) if rng.random() < 0.5 else (200, 40, 40), 8))
        elif kind == 'car':
            cw, ch = scale * rng.uniform(1.1, 1.5), scale * rng.uniform(0.55, 0.7)
            body = (np.abs(xx - cx) < cw / 2) & (yy < by - ch * 0.12) & (yy >= by - ch * 0.7)
            cabin = (np.abs(xx - cx) < cw * 0.32) & (yy < by - ch * 0.69) & (yy >= by - ch)
            wheels = np.zeros_like(body)
            for wx in (cx - cw * 0.3, cx + cw * 0.3):
                wheels |= ((xx - wx) ** 2 + (yy - (by - ch * 0.14)) ** 2) < (ch * 0.16) ** 2
            m = body | cabin | wheels
            paint = rng.uniform(20, 230, 3).astype(np.float32)
            tex = _noisy(rng, (h, w), paint, 6)
            tex[cabin] = tex[cabin] * 0.35 + 40
            tex[wheels] = 25
            put(m, _CAR, tex)
            inst[m] = int(_CS_TRAIN2ID[_CAR]) * 1000 + n_inst['car']
            n_inst['car'] += 1
        else:
            ph = scale * rng.uniform(0.9, 1.15)
            pw = ph * 0.28
            body = (((xx - cx) / (pw / 2)) ** 2 + ((yy - (by - ph * 0.45)) / (ph * 0.42)) ** 2) < 1
            head = ((xx - cx) ** 2 + (yy - (by - ph * 0.9)) ** 2) < (ph * 0.1) ** 2
            m = body | head
            tex = _noisy(rng, (h, w), rng.uniform(20, 200, 3), 8)
            tex[head] = np.array([225, 180, 150], np.float32)
            put(m, _PERSON, tex)
            inst[m] = int(_CS_TRAIN2ID[_PERSON]) * 1000 + n_inst['person']
            n_inst['person'] += 1

    # ego vehicle hood (ignored, labelId 1 'ego vehicle')
    hood = yy > h * (1 - rng.uniform(0.04, 0.08)) + 0.03 * h * ((xx - w / 2) / (w / 2)) ** 2
    put(hood, _EGO, _noisy(rng, (h, w), (30, 30, 35), 4))
    return _to_uint8(img + rng.normal(0, 3, (h, w, 3)).astype(np.float32)), lab, inst


def make_cityscapes(root: str, num_train: int = 150, num_val: int = 50, image_size: SizeSpec = (128, 256),
                    seed: int = 0, overwrite: bool = False) -> dict:
    """Write a Cityscapes-format street-scene dataset to ``root`` (= ``data_root``).

    ``leftImg8bit/{train,val}/<city>/<city>_<seq>_000019_leftImg8bit.png`` and, next to each in
    ``gtFine/...``: ``_gtFine_labelTrainIds.png`` (trainIds 0-18, 255 ignore; what
    ``CityscapesDataset`` reads), ``_gtFine_labelIds.png`` and 16-bit ``_gtFine_instanceIds.png``
    (what ``CityscapesMetric``/cityscapesscripts evaluate against). Classes drawn
    (``CITYSCAPES_USED_CLASSES``): road, sidewalk, building, pole, traffic sign, vegetation, sky,
    person, car; the ego-vehicle hood at the bottom is ignored (255). Default size 128 x 256 (1:2).
    Train cities: aachen, bochum, bremen; val: frankfurt, lindau, munster.
    """
    size_range = _size_range(image_size)
    params = dict(num_train=num_train, num_val=num_val, image_size=size_range, seed=seed)
    wr = _Writer('cityscapes', root, overwrite, params)
    pixels = np.zeros(256, np.int64)
    for split, num in (('train', num_train), ('val', num_val)):
        cities = _CITIES[split]
        for i in range(num):
            rng = _rng(seed, 'cityscapes', split, i)
            h, w = _sample_hw(rng, size_range)
            img, lab, inst = _city_scene(rng, h, w)
            city = cities[i % len(cities)]
            stem = f'{city}/{city}_{i // len(cities):06d}_000019'
            train_ids = np.where(lab == _EGO, 255, lab).astype(np.uint8)
            label_ids = np.where(lab == _EGO, 1, np.where(lab == 255, 0, _CS_TRAIN2ID[np.minimum(lab, 18)]))
            label_ids = label_ids.astype(np.uint8)
            inst_ids = np.where(inst >= 0, inst, label_ids).astype(np.uint16)
            _imwrite(wr.path(f'leftImg8bit/{split}/{stem}_leftImg8bit.png'), img)
            _save_png(wr.path(f'gtFine/{split}/{stem}_gtFine_labelTrainIds.png'), train_ids)
            _save_png(wr.path(f'gtFine/{split}/{stem}_gtFine_labelIds.png'), label_ids)
            if not cv2.imwrite(wr.path(f'gtFine/{split}/{stem}_gtFine_instanceIds.png'), inst_ids):
                raise OSError('could not write instanceIds png')
            pixels += np.bincount(train_ids.ravel(), minlength=256)
    summary = dict(kind='cityscapes', data_root=osp.join(root, ''), classes=list(CITYSCAPES_CLASSES),
                   used_classes=list(CITYSCAPES_USED_CLASSES), images=dict(train=num_train, val=num_val),
                   pixels={CITYSCAPES_CLASSES[i]: int(pixels[i]) for i in range(19) if pixels[i]} | {
                       'ignore': int(pixels[255])})
    return wr.finish(summary)


# ----------------------------------------------------------------------------------------------
# Pattern images (ImageNet, CIFAR-100)
# ----------------------------------------------------------------------------------------------
def _pattern_image(rng, cls: int, h: int, w: int) -> np.ndarray:
    """One of ``PATTERN_CLASSES``: a big shape (0-4) or a full-image texture (5-9), uint8 RGB."""
    name = PATTERN_CLASSES[cls]
    m = min(h, w)
    small = m < 48
    img = _background(rng, h, w, noise=6. if small else 9., lines=0 if small else 2)
    if cls < 5:
        s = rng.uniform(0.38, 0.6) * m
        poly = _shape_polygon(name, s, _shape_angle(rng, name))
        lo, hi = poly.min(0), poly.max(0)
        cx = rng.uniform(min(-lo[0] + 1, w / 2), max(w - 1 - hi[0], w / 2))
        cy = rng.uniform(min(-lo[1] + 1, h / 2), max(h - 1 - hi[1], h / 2))
        poly = poly + [cx, cy]
        colour = _object_colour(rng, name, 0.6)
        if name == 'ring':
            x0, y0, x1, y1 = _box_of(poly, h, w)
            inner = (poly - [cx, cy]) * rng.uniform(0.5, 0.65) + [cx, cy]
            a = np.clip(_alpha(poly, x0, y0, x1, y1) - _alpha(inner, x0, y0, x1, y1), 0, 1)
            _paint(img, poly, colour, rng, alpha=a)
        else:
            _paint(img, poly, colour, rng)
        return _to_uint8(img)
    period = rng.uniform(0.12, 0.25) * m
    dark, light = rng.uniform(20, 105), rng.uniform(150, 235)  # keep the two colours well apart
    c1 = np.clip(dark + rng.normal(0, 35, 3), 0, 255).astype(np.float32)
    c2 = np.clip(light + rng.normal(0, 35, 3), 0, 255).astype(np.float32)
    if rng.random() < 0.5:
        c1, c2 = c2, c1
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ph = rng.uniform(0, period, 2)
    if name == 'horizontal_stripes':
        on = ((yy + ph[0]) % period) < period / 2
    elif name == 'vertical_stripes':
        on = ((xx + ph[1]) % period) < period / 2
    elif name == 'diagonal_stripes':
        sgn = 1 if rng.random() < 0.5 else -1
        on = ((xx + sgn * yy + ph[0]) % (period * 1.2)) < period * 0.6
    elif name == 'checkerboard':
        on = (((xx + ph[1]) // period + (yy + ph[0]) // period) % 2) == 0
    else:  # dots
        dx = (xx + ph[1]) % period - period / 2
        dy = (yy + ph[0]) % period - period / 2
        on = dx * dx + dy * dy < (period * 0.28) ** 2
    pattern = np.where(on[..., None], c1, c2)
    img = 0.25 * img + 0.75 * pattern + rng.normal(0, 6, (h, w, 3)).astype(np.float32)
    return _to_uint8(img)


def make_imagenet(root: str, num_classes: int = 10, train_per_class: int = 40, val_per_class: int = 10,
                  image_size: SizeSpec = ((96, 128), (96, 128)), seed: int = 0,
                  overwrite: bool = False) -> dict:
    """Write an ImageNet-format classification dataset to ``root`` (= ``data_root``).

    ``train/<wnid>/<wnid>_<i>.JPEG``, ``val/<wnid>/ILSVRC2012_val_<8 digits>.JPEG`` (val sorted into
    class folders, as ILSVRC's ``valprep.sh`` does), ``meta/train.txt`` / ``meta/val.txt`` with
    "``<relative path> <label>``" lines (what mmpretrain's ``ImageNet(split=...)`` reads) and
    ``meta/classes.txt`` (class names, usable as ``classes='<data_root>/meta/classes.txt'``).
    wnids are ``n00000000``... (fake, real format); label i = i-th wnid in sorted order = i-th name of
    ``PATTERN_CLASSES`` (circle, square, triangle, cross, ring, horizontal_stripes, vertical_stripes,
    checkerboard, dots, diagonal_stripes). Image sizes vary (default 96-128 px per side).
    """
    if not 1 <= num_classes <= len(PATTERN_CLASSES):
        raise ValueError(f'num_classes must be in [1, {len(PATTERN_CLASSES)}], got {num_classes}')
    size_range = _size_range(image_size)
    params = dict(num_classes=num_classes, train_per_class=train_per_class, val_per_class=val_per_class,
                  image_size=size_range, seed=seed)
    wr = _Writer('imagenet', root, overwrite, params)
    wnids = [f'n{i:08d}' for i in range(num_classes)]
    val_k = 0
    lines = {'train': [], 'val': []}
    for split, per_class in (('train', train_per_class), ('val', val_per_class)):
        for c, wnid in enumerate(wnids):
            for i in range(per_class):
                rng = _rng(seed, 'imagenet', split, c, i)
                h, w = _sample_hw(rng, size_range)
                img = _pattern_image(rng, c, h, w)
                if split == 'train':
                    rel = f'{wnid}/{wnid}_{i}.JPEG'
                else:
                    val_k += 1
                    rel = f'{wnid}/ILSVRC2012_val_{val_k:08d}.JPEG'
                _imwrite(wr.path(f'{split}/{rel}'), img)
                lines[split].append(f'{rel} {c}')
    wr.text('meta/train.txt', lines['train'])
    wr.text('meta/val.txt', lines['val'])
    wr.text('meta/classes.txt', PATTERN_CLASSES[:num_classes])
    summary = dict(kind='imagenet', data_root=root, classes=list(PATTERN_CLASSES[:num_classes]), wnids=wnids,
                   images=dict(train=num_classes * train_per_class, val=num_classes * val_per_class))
    return wr.finish(summary)


# ----------------------------------------------------------------------------------------------
# CIFAR-100 (python version pickles, written with Python-2 protocol-2 opcodes like the originals)
# ----------------------------------------------------------------------------------------------
def _p2_str(v: Union[str, bytes], out: bytearray) -> None:
    """A Python-2 ``str``: loads as ``str`` with encoding='latin1' and as ``bytes`` with 'bytes'."""
    b = v.encode('latin1') if isinstance(v, str) else bytes(v)
    out += (b'U' + bytes([len(b)])) if len(b) < 256 else (b'T' + struct.pack('<i', len(b)))
    out += b


def _p2_int(v: int, out: bytearray) -> None:
    if 0 <= v < 256:
        out += b'K' + bytes([v])
    elif 0 <= v < 65536:
        out += b'M' + struct.pack('<H', v)
    else:
        out += b'J' + struct.pack('<i', v)


def _p2_save(v, out: bytearray) -> None:
    if isinstance(v, (str, bytes)):
        _p2_str(v, out)
    elif isinstance(v, (bool, np.bool_)):
        out += b'\x88' if v else b'\x89'
    elif isinstance(v, (int, np.integer)):
        _p2_int(int(v), out)
    elif isinstance(v, list):
        out += b']'
        if v:
            out += b'('
            for x in v:
                _p2_save(x, out)
            out += b'e'
    elif isinstance(v, dict):
        out += b'}'
        if v:
            out += b'('
            for k, x in v.items():
                _p2_save(k, out)
                _p2_save(x, out)
            out += b'u'
    elif isinstance(v, np.ndarray):
        if v.dtype != np.uint8:
            raise TypeError('only uint8 arrays are supported')
        v = np.ascontiguousarray(v)
        out += b'cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n'
        _p2_int(0, out)
        out += b'\x85'
        _p2_str('b', out)
        out += b'\x87R('
        _p2_int(1, out)
        out += b'('
        for d in v.shape:
            _p2_int(int(d), out)
        out += b't'
        out += b'cnumpy\ndtype\n'
        _p2_str('u1', out)
        _p2_int(0, out)
        _p2_int(1, out)
        out += b'\x87R('
        _p2_int(3, out)
        _p2_str('|', out)
        out += b'NNN'
        _p2_int(-1, out)
        _p2_int(-1, out)
        _p2_int(0, out)
        out += b'tb\x89'
        _p2_str(v.tobytes(), out)
        out += b'tb'
    else:
        raise TypeError(f'cannot pickle {type(v)}')


def _p2_dumps(obj) -> bytes:
    out = bytearray(b'\x80\x02')
    _p2_save(obj, out)
    out += b'.'
    return bytes(out)


def make_cifar100(root: str, num_train: int = 2000, num_test: int = 500, seed: int = 0, num_classes: int = 10,
                  overwrite: bool = False) -> dict:
    """Write CIFAR-100 "python version" pickles to ``root/cifar-100-python/{train,test,meta}``
    (``data_root = root``).

    ``train``/``test``: dict with ``data`` (N x 3072 uint8, R, G, B planes of 32 x 32 row-major),
    ``fine_labels``, ``coarse_labels``, ``filenames``, ``batch_label``; ``meta``: ``fine_label_names``
    (all 100) and ``coarse_label_names`` (all 20). Only the first ``num_classes`` (<= 10) fine labels
    are used - apple, aquarium_fish, baby, bear, beaver, bed, bee, beetle, bicycle, bottle - drawn as
    the 10 ``PATTERN_CLASSES``, balanced and shuffled; coarse labels follow the official mapping.
    Load with ``CIFAR100Local`` (no md5 check, never downloads).
    """
    if not 1 <= num_classes <= len(PATTERN_CLASSES):
        raise ValueError(f'num_classes must be in [1, {len(PATTERN_CLASSES)}], got {num_classes}')
    params = dict(num_train=num_train, num_test=num_test, seed=seed, num_classes=num_classes)
    wr = _Writer('cifar100', root, overwrite, params)
    for split, num in (('train', num_train), ('test', num_test)):
        order = _rng(seed, 'cifar100', split, 'order').permutation(num)
        labels = [int(order[i] % num_classes) for i in range(num)]
        data = np.empty((num, 3072), np.uint8)
        for i, lab in enumerate(labels):
            img = _pattern_image(_rng(seed, 'cifar100', split, i), lab, 32, 32)
            data[i] = img.transpose(2, 0, 1).reshape(-1)
        entry = {
            'filenames': [f'{CIFAR100_FINE_NAMES[lab]}_s_{i:06d}.png' for i, lab in enumerate(labels)],
            'batch_label': f'{"training" if split == "train" else "testing"} batch 1 of 1',
            'fine_labels': labels,
            'coarse_labels': [_CIFAR_COARSE_OF_FINE[lab] for lab in labels],
            'data': data,
        }
        with open(wr.path(f'cifar-100-python/{split}'), 'wb') as f:
            f.write(_p2_dumps(entry))
    with open(wr.path('cifar-100-python/meta'), 'wb') as f:
        f.write(_p2_dumps({'fine_label_names': list(CIFAR100_FINE_NAMES),
                           'coarse_label_names': list(CIFAR100_COARSE_NAMES)}))
    summary = dict(kind='cifar100', data_root=root, classes=list(CIFAR100_FINE_NAMES[:num_classes]),
                   patterns=dict(zip(CIFAR100_FINE_NAMES[:num_classes], PATTERN_CLASSES)),
                   images=dict(train=num_train, test=num_test))
    return wr.finish(summary)


# ----------------------------------------------------------------------------------------------
# All of them
# ----------------------------------------------------------------------------------------------
SMALL_SIZES = dict(coco=dict(num_train=16, num_val=8), voc=dict(num_train=12, num_val=6, num_aug=6),
                   cityscapes=dict(num_train=8, num_val=4), imagenet=dict(train_per_class=4, val_per_class=2),
                   cifar100=dict(num_train=100, num_test=50))


def make_all(root: str = 'data', seed: int = 0, small: bool = False, overwrite: bool = False,
             kinds: Sequence[str] = ('coco', 'voc', 'cityscapes', 'imagenet', 'cifar100')) -> Dict[str, dict]:
    """Write every dataset under the ``root`` parent, at OpenMMLab's default places:
    ``root/coco``, ``root/VOCdevkit/VOC2012``, ``root/cityscapes``, ``root/imagenet``, ``root/cifar100``.
    ``small=True`` writes a handful of images each (for smoke tests). Returns ``{kind: summary}``."""
    makers = dict(coco=make_coco, voc=make_voc, cityscapes=make_cityscapes, imagenet=make_imagenet,
                  cifar100=make_cifar100)
    out = {}
    for kind in kinds:
        kw = dict(SMALL_SIZES[kind]) if small else {}
        target = root if kind == 'voc' else osp.join(root, DEFAULT_DATA_ROOTS[kind].rstrip('/'))
        out[kind] = makers[kind](target, seed=seed, overwrite=overwrite, **kw)
    return out
