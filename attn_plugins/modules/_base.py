"""The base class every attention plugin of attn_plugins derives from."""
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

    def reset_parameters(self) -> None:
        """Apply the reference initialisation (override in every subclass)."""
        raise NotImplementedError

    def init_weights(self) -> None:
        if self.init_cfg is not None:
            super().init_weights()
        else:
            self.reset_parameters()
            self._is_init = True
