"""The command line of ``tools/model_converters/convert.py``::

    python tools/model_converters/convert.py SOURCE SRC DST [--overwrite]
    python tools/model_converters/convert.py --list [--json]

Errors are one line and a non-zero exit code (``--debug`` shows the traceback); nothing is written
then, and an existing DST is replaced only with ``--overwrite``.
"""
import argparse
import json
from typing import List, Optional, Sequence

from ..runtime.common import ToolError
from ..runtime.errors import run_tool

EPILOG = """\
SOURCE is one of the names --list prints (the authors', timm's or torchvision's file it names).
The output is an mmengine checkpoint {'state_dict', 'meta': {source, sha256 of SRC, config, ...}}
that loads with strict=True into the model of the source's classification config:
    python tools/test.py CONFIG DST        # top-1 on ImageNet val vs the published number
and the detection/segmentation configs that name the source read it from
checkpoints/<SOURCE>.pth (their backbone_checkpoint). A file that does not fit SOURCE (a key
missing, unused or of another shape: another module's or another depth's checkpoint) is refused
with one line naming the first offending key and its shape. --list also names the known releases
that no backbone here computes exactly; they are refused too.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='tools/model_converters/convert.py',
        description='Convert a released ImageNet checkpoint of an attention backbone into an '
                    'attn_plugins (mmengine) checkpoint.',
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('source', nargs='?', metavar='SOURCE', help='which release SRC is')
    parser.add_argument('src', nargs='?', metavar='SRC', help='the downloaded file')
    parser.add_argument('dst', nargs='?', metavar='DST', help='the converted checkpoint to write')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing DST')
    parser.add_argument('--list', action='store_true', help='list every SOURCE and exit')
    parser.add_argument('--json', action='store_true', help='with --list: machine-readable')
    parser.add_argument('--debug', action='store_true', help='show the traceback of errors')
    return parser


def listing() -> List[dict]:
    """Every SOURCE as a JSON-able dict (``source``, ``config`` relative to the repository root,
    description, origin, published top-1, ...)."""
    from . import SOURCES
    out = []
    for s in SOURCES.values():
        entry = dict(source=s.name, module=s.module, family=s.family, description=s.description,
                     origin=s.origin, url=s.url, published_top1=s.published_top1,
                     top1_note=s.top1_note, num_parameters=s.num_parameters, file=s.wrapping,
                     config=s.config(), exact=True, caveats=list(s.caveats),
                     downstream=s.downstream)
        if s.variant is not None:
            entry['variant'] = s.variant.name
            entry['configs'] = {str(v): c for v, c in s.configs().items()}
        out.append(entry)
    return out


def _print_listing() -> None:
    from . import UNSUPPORTED
    for e in listing():
        top1 = (f'published top-1 {e["published_top1"]}' if e['published_top1'] is not None
                else 'no published top-1')
        print(f'{e["source"]}  ({e["module"]}; {top1}: {e["top1_note"]})')
        print(f'    {e["description"]}')
        print(f'    from:   {e["origin"]}' + (f'  {e["url"]}' if e['url'] else ''))
        print(f'    file:   {e["file"]}')
        if 'configs' in e:
            for v, c in e['configs'].items():
                print(f'    config: {c}  ({e["variant"]}={v}, read from the weights)')
        else:
            print(f'    config: {e["config"]}')
        for c in e['caveats']:
            print(f'    note:   {c}')
    print('\nKnown releases that cannot be converted exactly (refused):')
    for u in UNSUPPORTED:
        top1 = f', top-1 {u.published_top1}' if u.published_top1 is not None else ''
        print(f'{u.name}  ({u.description}{top1})\n    why:    {u.reason}')


def _main(argv: Sequence[str], ctx) -> None:
    args = build_parser().parse_args(argv)
    if args.list:
        if args.source:
            raise ToolError('--list takes no SOURCE/SRC/DST')
        if args.json:
            print(json.dumps(listing(), indent=2))
        else:
            _print_listing()
        return
    if args.json:
        raise ToolError('--json goes with --list')
    if not (args.source and args.src and args.dst):
        raise ToolError('SOURCE SRC DST are required (or --list to see the SOURCE names)')
    from . import convert
    info = convert(args.source, args.src, args.dst, overwrite=args.overwrite)
    for note in info['notes']:
        print(f'convert.py: note: {note}')
    meta = info['meta']
    variant = ''.join(f', {k}={meta[k]}' for k in ('kernel_size', ) if k in meta)
    print(f'convert.py: {args.src} (sha256 {meta["sha256"][:12]}...) -> {args.dst}: '
          f'{info["num_tensors"]} tensors for {info["source"]}{variant}; loads strictly into '
          f'{info["config"]}')
    print(f'check it: python tools/test.py {info["config"]} {args.dst}')


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run_tool(_main, argv, 'convert.py')
