"""The base class every attention plugin of attn_plugins derives from."""
import torch
from mmengine.model import BaseModule


class AttentionModule(BaseModule):
    """An attention plugin: ``(B, C, H, W) -> (B, C, H, W)``, built as ``Module(in_channels, ...)``.

    Subclasses set the catalogue attributes below (shown by ``python -m attn_plugins list``), build
    their layers in ``__init__`` and end it with ``self.reset_parameters()``, which applies the
    reference implementation's initialisation. :meth:`init_weights` re-applies it, so a backbone's own
    initialisation pass (mmengine runs the parent's ``init_cfg`` first, then the children's
    ``init_weights``) never leaves a plugin in a state its paper did not start from. An explicit
    ``init_cfg`` (e.g. ``Pretrained``) takes precedence over the reference initialisation.
    """

    _abbr_ = None          # state-dict name inside a block, e.g. ``layer2.0.se``
    paper = ''             # title
    venue = ''             # venue and year, e.g. 'CVPR 2018'
    arxiv = ''             # arXiv id
    year = 0
    placement = ''         # where the paper puts the module
    reference = ''         # the reference implementation this module matches
    reimplementation = False  # True where no reference code exists (STEAM)
    disambiguation = ''    # the other papers (or library types) that use the same short name
    # A module that *replaces* a block's 3x3 convolution (SK, EPSA; position 'replace_conv2') is
    # built with ``(in_channels, out_channels, stride, dilation, groups)`` and its output has
    # ``out_channels`` channels at the conv's stride. ``includes_norm_act``: it ends with its own
    # BN + ReLU, so the block drops the norm and ReLU that followed the conv (SK's paths).
    replaces_conv = False
    includes_norm_act = False

    def _check_input(self, x: torch.Tensor) -> None:
        """One clear error for an input this module was not built for (instead of the matmul /
        conv shape error of an inner layer): the number of channels must be ``in_channels``."""
        if torch.jit.is_tracing():  # shapes are traced values there; the export fixes them
            return
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            got = (f'{x.shape[1]} channels' if x.dim() == 4 else
                   f'a {x.dim()}-d tensor of shape {tuple(x.shape)}')
            raise ValueError(f'{type(self).__name__}: built for in_channels={self.in_channels} '
                             f'(B, {self.in_channels}, H, W), got {got}; build it with '
                             f'in_channels equal to the width of the map it receives')

    def reset_parameters(self) -> None:
        """Apply the reference initialisation (override in every subclass)."""
        raise NotImplementedError

    def init_weights(self) -> None:
        if self.init_cfg is not None:
            super().init_weights()
        else:
            self.reset_parameters()
            self._is_init = True
