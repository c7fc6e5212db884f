"""Command line: ``python -m attn_plugins list [--json]``."""
import argparse
import json
import sys


def _fmt_defaults(d):
    return ', '.join(f'{k}={v!r}' for k, v in d.items()) or '-'


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m attn_plugins',
                                     description='attn_plugins: CNN attention modules for OpenMMLab')
    sub = parser.add_subparsers(dest='cmd', required=True)
    p_list = sub.add_parser('list', help='list every available attention module')
    p_list.add_argument('--json', action='store_true', help='machine-readable output')
    args = parser.parse_args(argv)

    import attn_plugins  # noqa: F401  (registers the modules)
    from attn_plugins.catalog import list_modules
    entries = list_modules()
    if args.json:
        json.dump(entries, sys.stdout, indent=2, default=repr)
        print()
        return 0
    for e in entries:
        tag = ' [baseline, mmcv]' if e['baseline'] else (' [re-implementation]' if e['reimplementation'] else '')
        print(f"{e['type']}{tag}")
        print(f"  paper:     {e['paper']} ({e['venue']}, arXiv {e['arxiv']})")
        print(f"  defaults:  {_fmt_defaults(e['defaults'])}")
        print(f"  placement: {e['placement']}")
        print(f"  matches:   {e['reference']}")
        if e.get('disambiguation'):
            print(f"  not:       {e['disambiguation']}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
