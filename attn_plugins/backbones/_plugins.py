"""Plugin specification, selection and building shared by the attn_plugins backbones.

A backbone's ``plugins`` argument is a list of entries in mmdet's form, extended:

.. code-block:: python

    dict(cfg=dict(type='SE', reduction=16, postfix=''),   # what to build (mmcv build_plugin_layer)
         position='after_conv3',                          # where inside the block (or backbone)
         stages=(False, True, True, True),                # optional: which stages/layers
         blocks=(-1,))                                    # optional: which blocks of those stages

- ``cfg_by_channels`` may replace ``cfg`` when the module's arguments depend on the width it
  receives (ECA-MobileNetV2's ``k=1 if C<96 else 3``): a list of ``(min_channels, cfg)`` pairs;
  the pair with the largest ``min_channels <= C`` is used. Plain data, so it survives config
  dumping: ``cfg_by_channels=[(0, dict(type='ECA', kernel_size=1)),
  (96, dict(type='ECA', kernel_size=3))]``.
- ``blocks``: ``None`` = every block; a tuple of ints applied in every selected stage (negative
  indices count from the end, ``-1`` = last block); or one entry per stage, each ``None`` (all) or a
  tuple of ints.
- ``postfix`` works as in mmdet: the layer is named ``<abbr><postfix>``; two plugins of one type in
  one block need distinct postfixes. Positions with several insertion points append a suffix
  (``before_conv``: ``<abbr>1``, ``<abbr>2``, ``<abbr>3``, ``<abbr>_downsample``).
- ``position='replace_conv2'`` (Bottleneck): the module *is* the block's 3×3 conv (SK, EPSA: a
  class with ``replaces_conv = True``), built with the conv's ``in_channels``, ``out_channels``,
  ``stride``, ``dilation`` and ``groups`` (and the backbone's ``norm_cfg`` when it brings its own
  norm), and named ``conv2``. It is part of the block, not an add-on plugin: ``frozen_stages``
  freezes it, ``norm_eval`` applies to its norms, ``train_plugins`` leaves it alone, and it is not
  in ``plugin_names``.

Every problem is reported when the model is built, as a ``ValueError`` (``TypeError``/``KeyError``
for unknown arguments/types) that names the backbone, the plugin, the block and the position.
"""
import copy
import inspect
from types import MappingProxyType
from typing import Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import torch.nn as nn
from mmcv.cnn import build_plugin_layer

from ..catalog import check_known

PLUGIN_KEYS = ('cfg', 'cfg_by_channels', 'position', 'stages', 'blocks')


# ----------------------------------------------------------------------------------------------
# specification
# ----------------------------------------------------------------------------------------------
class PluginSpec:
    """One validated entry of ``plugins`` (selection resolved separately, per block)."""

    def __init__(self, index: int, position: str, cfg: Optional[dict],
                 cfg_by_channels: Optional[List[Tuple[int, dict]]]):
        self.index = index
        self.position = position
        self.cfg = cfg
        self.cfg_by_channels = cfg_by_channels

    @property
    def type_name(self) -> str:
        cfg = self.cfg if self.cfg is not None else self.cfg_by_channels[0][1]
        t = cfg['type']
        return t.__name__ if inspect.isclass(t) else str(t)

    def resolve(self, in_channels: int) -> dict:
        """The plugin cfg to build for a layer that receives ``in_channels`` channels."""
        if self.cfg is not None:
            return copy.deepcopy(dict(self.cfg))
        chosen = None
        for min_c, cfg in self.cfg_by_channels:
            if in_channels >= min_c:
                chosen = cfg
        if chosen is None:
            raise ValueError(f'cfg_by_channels has no entry for {in_channels} channels (smallest '
                             f'min_channels is {self.cfg_by_channels[0][0]})')
        return copy.deepcopy(dict(chosen))

    def __repr__(self):
        return f'plugins[{self.index}] ({self.type_name}, {self.position})'


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _parse_entry(owner: str, index: int, entry) -> PluginSpec:
    if not isinstance(entry, dict):
        raise TypeError(f'{owner}: plugins[{index}] must be a dict, got {type(entry).__name__}')
    unknown = sorted(set(entry) - set(PLUGIN_KEYS))
    if unknown:
        raise ValueError(f'{owner}: plugins[{index}] has unknown keys {unknown}; '
                         f'allowed: {list(PLUGIN_KEYS)}')
    if 'position' not in entry:
        raise ValueError(f'{owner}: plugins[{index}] needs a "position"')
    cfg, rules = entry.get('cfg'), entry.get('cfg_by_channels')
    if (cfg is None) == (rules is None):
        raise ValueError(f'{owner}: plugins[{index}] needs exactly one of "cfg" and '
                         f'"cfg_by_channels"')
    if cfg is not None:
        if not isinstance(cfg, dict) or 'type' not in cfg:
            raise ValueError(f'{owner}: plugins[{index}].cfg must be a dict with a "type"')
        if 'in_channels' in cfg:
            raise ValueError(f'{owner}: plugins[{index}].cfg must not set in_channels: the '
                             f'backbone passes the width of the insertion point')
        parsed_rules = None
    else:
        if not isinstance(rules, (list, tuple)) or not rules:
            raise ValueError(f'{owner}: plugins[{index}].cfg_by_channels must be a non-empty list '
                             f'of (min_channels, cfg) pairs')
        parsed_rules = []
        for rule in rules:
            if (not isinstance(rule, (list, tuple)) or len(rule) != 2 or not _is_int(rule[0])
                    or not isinstance(rule[1], dict) or 'type' not in rule[1]):
                raise ValueError(f'{owner}: plugins[{index}].cfg_by_channels entries must be '
                                 f'(min_channels: int, cfg: dict with "type") pairs, got {rule!r}')
            parsed_rules.append((int(rule[0]), rule[1]))
        parsed_rules.sort(key=lambda r: r[0])
    return PluginSpec(index, entry['position'], cfg, parsed_rules)


def _select_blocks(owner: str, spec: PluginSpec, blocks, stage: int, num_blocks: int,
                   num_stages: int, stage_label: str) -> List[int]:
    if blocks is None:
        return list(range(num_blocks))
    if _is_int(blocks):
        blocks = (blocks, )
    if not isinstance(blocks, (list, tuple)):
        raise ValueError(f'{owner}: {spec}: blocks must be None, a tuple of ints or one entry per '
                         f'stage, got {blocks!r}')
    if all(_is_int(b) for b in blocks):
        chosen = blocks
    elif all(b is None or _is_int(b) or isinstance(b, (list, tuple)) for b in blocks):
        if len(blocks) != num_stages:
            raise ValueError(f'{owner}: {spec}: per-stage blocks has {len(blocks)} entries, '
                             f'expected one per stage (num_stages={num_stages})')
        chosen = blocks[stage]
        if chosen is None:
            return list(range(num_blocks))
        if _is_int(chosen):
            chosen = (chosen, )
        if not all(_is_int(b) for b in chosen):
            raise ValueError(f'{owner}: {spec}: blocks for {stage_label} must be ints, '
                             f'got {chosen!r}')
    else:
        raise ValueError(f'{owner}: {spec}: blocks must be None, a tuple of ints or one entry per '
                         f'stage, got {blocks!r}')
    out = []
    for b in chosen:
        i = b + num_blocks if b < 0 else b
        if not 0 <= i < num_blocks:
            raise ValueError(f'{owner}: {spec}: block index {b} is out of range for '
                             f'{stage_label}, which has {num_blocks} blocks '
                             f'(valid: {-num_blocks}..{num_blocks - 1})')
        if i not in out:
            out.append(i)
    return sorted(out)


class PluginTable:
    """``plugins`` resolved onto a backbone: per-block specs and backbone-level specs.

    Args:
        owner: the backbone's class name, for messages.
        plugins: the user's list (or None).
        stage_blocks: number of blocks in each stage/layer.
        block_positions: ``f(stage) -> positions`` the blocks of that stage offer.
        block_desc: ``f(stage) -> str`` describing the block type (for messages).
        stage_label: ``f(stage) -> str`` e.g. ``'layer1'``.
        backbone_positions: positions handled by the backbone itself, mapped to whether they
            select stages (``'after_stage'``) or nothing (``'before_stem_conv'``).
    """

    def __init__(self, owner: str, plugins: Optional[Sequence[dict]], stage_blocks: Sequence[int],
                 block_positions: Callable[[int], Sequence[str]], block_desc: Callable[[int], str],
                 stage_label: Callable[[int], str], backbone_positions: Dict[str, bool]):
        num_stages = len(stage_blocks)
        self.per_block: List[List[List[PluginSpec]]] = [[[] for _ in range(n)]
                                                        for n in stage_blocks]
        self.backbone: List[Tuple[PluginSpec, Optional[int]]] = []
        if plugins is None:
            return
        if isinstance(plugins, dict) or not isinstance(plugins, (list, tuple)):
            raise TypeError(f'{owner}: plugins must be a list of dicts, got '
                            f'{type(plugins).__name__}')
        all_block_positions = []
        for s in range(num_stages):
            for p in block_positions(s):
                if p not in all_block_positions:
                    all_block_positions.append(p)
        valid = all_block_positions + list(backbone_positions)

        for index, entry in enumerate(plugins):
            spec = _parse_entry(owner, index, entry)
            stages = entry.get('stages')
            if stages is not None:
                if not isinstance(stages, (list, tuple)) or len(stages) != num_stages:
                    n = len(stages) if isinstance(stages, (list, tuple)) else stages
                    raise ValueError(f'{owner}: {spec}: stages must have one entry per stage '
                                     f'(num_stages={num_stages}), got {n!r} '
                                     f'(stages={stages!r})')
            blocks = entry.get('blocks')
            if spec.position in backbone_positions:
                if blocks is not None:
                    raise ValueError(f'{owner}: {spec}: position {spec.position!r} is placed by '
                                     f'the backbone, not inside blocks; remove "blocks"')
                if backbone_positions[spec.position]:
                    for s in range(num_stages):
                        if stages is None or stages[s]:
                            self.backbone.append((spec, s))
                else:
                    if stages is not None:
                        raise ValueError(f'{owner}: {spec}: position {spec.position!r} is a '
                                         f'single plugin at the stem; remove "stages"')
                    self.backbone.append((spec, None))
                continue
            for s in range(num_stages):
                if stages is not None and not stages[s]:
                    continue
                chosen = _select_blocks(owner, spec, blocks, s, stage_blocks[s], num_stages,
                                        stage_label(s))
                if chosen and spec.position not in block_positions(s):
                    raise ValueError(
                        f'{owner}: {spec} at {stage_label(s)}.{chosen[0]}: position '
                        f'{spec.position!r} does not exist in {block_desc(s)}; valid positions '
                        f'there: {", ".join(map(repr, block_positions(s)))} (in the block), '
                        f'{", ".join(map(repr, backbone_positions))} (backbone)')
                for b in chosen:
                    self.per_block[s][b].append(spec)
            if spec.position not in valid:  # selected no block at all, but still a typo
                raise ValueError(f'{owner}: {spec}: unknown position {spec.position!r}; valid '
                                 f'positions: {", ".join(map(repr, valid))}')


# ----------------------------------------------------------------------------------------------
# building and running
# ----------------------------------------------------------------------------------------------
def _reraise(exc: Exception, prefix: str):
    msg = exc.args[0] if (isinstance(exc, KeyError) and exc.args) else str(exc)
    if isinstance(exc, AssertionError):
        raise ValueError(f'{prefix}: {msg or "assertion failed in the plugin constructor"}') \
            from exc
    raise type(exc)(f'{prefix}: {msg}') from exc


class PluginHostMixin:
    """Builds plugins into a module (block or backbone) and runs them in config order.

    The host keeps the names of its plugins in ``plugin_names`` (all) and ``plugin_slots``
    (slot -> names, e.g. ``'after_conv3'``, ``'before_conv2'``). A host must also be an mmengine
    ``BaseModule``: its ``init_weights`` re-applies the reference initialisation of plugins that are
    plain ``nn.Module``\\ s without an ``init_weights`` of their own (mmcv's ``ContextBlock`` has
    only ``reset_parameters``), because mmengine's recursion skips those and the parent's Kaiming
    pass would otherwise be their final state. It does so only on the first call and never when the
    host's own ``init_cfg`` loads a checkpoint (that load runs after the children).
    """

    plugin_owner = ''
    # Read-only defaults until ``_init_plugin_slots`` runs (a backbone's parent constructor may
    # call ``_freeze_stages`` before the backbone-level plugins exist).
    plugin_names: Sequence[str] = ()
    plugin_slots: Mapping[str, List[str]] = MappingProxyType({})

    def _init_plugin_slots(self):
        self.plugin_names: List[str] = []
        self.plugin_slots: Dict[str, List[str]] = {}

    def build_plugin(self, spec: PluginSpec, in_channels: int, slot: str, where: str,
                     suffix: str = '') -> str:
        """Build ``spec`` for ``in_channels`` and register it as a child; returns its name."""
        prefix = (f'{self.plugin_owner}: plugin {spec.type_name} at {where} ({spec.position}, '
                  f'in_channels={in_channels})')
        try:
            cfg = spec.resolve(in_channels)
        except ValueError as e:
            _reraise(e, prefix)
        postfix = cfg.pop('postfix', '')
        if not isinstance(postfix, (int, str)):
            raise ValueError(f'{prefix}: postfix must be an int or str, got {postfix!r}')
        try:
            check_known(cfg.get('type'))   # mmcv's own message for this is "Cannot find None"
            name, layer = build_plugin_layer(cfg, postfix=f'{postfix}{suffix}',
                                             in_channels=in_channels)
        except (ValueError, TypeError, KeyError, AssertionError) as e:
            _reraise(e, prefix)
        if name in self.plugin_names or hasattr(self, name):
            raise ValueError(f'{prefix}: duplicate name {name!r} in {where}; give one of the '
                             f'plugins a distinct "postfix" in its cfg')
        self.add_module(name, layer)
        self.plugin_names.append(name)
        self.plugin_slots.setdefault(slot, []).append(name)
        return name

    def build_replacement(self, spec: PluginSpec, where: str, norm_cfg: Optional[dict] = None,
                          **conv_args) -> nn.Module:
        """Build ``spec`` (position ``replace_conv2``) as the conv it replaces, with that conv's
        arguments ``conv_args`` (in_channels, out_channels, stride, dilation, groups)."""
        from mmengine.registry import MODELS
        in_channels = conv_args['in_channels']
        prefix = (f'{self.plugin_owner}: plugin {spec.type_name} at {where} ({spec.position}, '
                  f'in_channels={in_channels})')
        try:
            cfg = spec.resolve(in_channels)
            cfg.pop('postfix', None)
            check_known(cfg.get('type'))
            cls = cfg['type'] if inspect.isclass(cfg['type']) else MODELS.get(cfg['type'])
            if not getattr(cls, 'replaces_conv', False):
                raise ValueError(f'{spec.type_name} does not replace a convolution (position '
                                 f"'replace_conv2' takes a module with replaces_conv=True: SK, "
                                 f'EPSA); insert it at another position, e.g. after_last_bn')
            given = sorted(set(cfg) & set(conv_args))
            if given:
                raise ValueError(f'cfg must not set {given}: the block passes the replaced '
                                 f"conv's {', '.join(conv_args)}")
            if getattr(cls, 'includes_norm_act', False) and norm_cfg is not None:
                cfg.setdefault('norm_cfg', norm_cfg)
            return MODELS.build(dict(cfg, **conv_args))
        except (ValueError, TypeError, KeyError, AssertionError) as e:
            _reraise(e, prefix)

    def build_plugins(self, specs: Sequence[PluginSpec], slots: Dict[str, list], where: str):
        """Build ``specs`` in config order.

        ``slots`` maps each position to its insertion points ``[(slot, in_channels, suffix)]``
        (one for most positions; ``before_conv`` has one per convolution).
        """
        for spec in specs:
            if spec.position == 'replace_conv2':
                continue  # built by the block as its conv2 (build_replacement)
            for slot, in_channels, suffix in slots[spec.position]:
                self.build_plugin(spec, in_channels, slot, where, suffix)

    def run_slot(self, slot: str, x):
        for name in self.plugin_slots.get(slot, ()):
            x = getattr(self, name)(x)
        return x

    def has_slot(self, slot: str) -> bool:
        return bool(self.plugin_slots.get(slot))

    def init_weights(self):
        first = not getattr(self, '_is_init', False)
        super().init_weights()
        if first and not _loads_checkpoint(getattr(self, 'init_cfg', None)):
            for name in self.plugin_names:
                m = getattr(self, name)
                if not hasattr(m, 'init_weights') and hasattr(m, 'reset_parameters'):
                    m.reset_parameters()


def _loads_checkpoint(init_cfg) -> bool:
    cfgs = init_cfg if isinstance(init_cfg, (list, tuple)) else [init_cfg]
    return any(isinstance(c, dict) and c.get('type') in ('Pretrained', 'PretrainedInit')
               for c in cfgs)


def named_plugins(root: nn.Module) -> Iterator[Tuple[str, nn.Module]]:
    """``(qualified name, module)`` of every plugin under ``root`` (including root's own)."""
    for host_name, host in root.named_modules():
        if isinstance(host, PluginHostMixin):
            for n in host.plugin_names:
                yield (f'{host_name}.{n}' if host_name else n), getattr(host, n)


def set_plugins_trainable(root: nn.Module, names: Sequence[str], trainable: bool):
    """Freeze (eval + no grad) or unfreeze (train mode follows root + grad) the named plugins."""
    for name in names:
        m = root.get_submodule(name)
        if trainable:
            m.train(root.training)
        else:
            m.eval()
        for p in m.parameters():
            p.requires_grad = trainable
