"""configs/ is exactly what tools/misc/generate_configs.py writes (README.md included): editing a
generated file by hand, or the generator without regenerating, fails here. Fix with
``python tools/misc/generate_configs.py``."""
import importlib.util
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _generator():
    path = osp.join(REPO, 'tools', 'misc', 'generate_configs.py')
    spec = importlib.util.spec_from_file_location('generate_configs', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_committed_configs_equal_generator_output():
    problems = _generator().diff(osp.join(REPO, 'configs'))
    assert not problems, ('configs/ differs from tools/misc/generate_configs.py output (run it '
                          'to regenerate):\n' + '\n'.join(problems[:10]))


def test_readme_lists_every_experiment_config():
    gen = _generator()
    with open(osp.join(REPO, 'configs', 'README.md'), encoding='utf-8') as f:
        readme = f.read()
    rows = gen.rows()
    assert len(rows) > 300
    for path in rows:
        assert f'[`{path}`]({path})' in readme
