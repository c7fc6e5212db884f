"""``tools/model_converters/convert.py`` (``attn_plugins.converters.cli.main``, in process): the
listing, and every refusal as one line on stderr with a non-zero exit code and no DST written: a
key removed, a tensor of the wrong shape, another module's checkpoint, an existing DST without
``--overwrite``, an unknown SOURCE, a release that no backbone here computes exactly."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _run(capsys, *argv):
    from attn_plugins.converters.cli import main
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, [line for line in err.splitlines() if line.strip()]


def _refused(capsys, *argv):
    rc, _, err = _run(capsys, *argv)
    assert rc != 0 and len(err) == 1, err
    assert err[0].startswith('convert.py: error: ')
    return err[0]


def test_list_json_names_every_source_and_its_config(capsys, layouts):
    rc, out, err = _run(capsys, '--list', '--json')
    assert rc == 0, err
    entries = json.loads(out)
    assert sorted(e['source'] for e in entries) == sorted(layouts)
    for e in entries:
        assert e['config'].startswith('configs/') and osp.isfile(osp.join(REPO, e['config']))
        assert e['published_top1'] == layouts[e['source']]['published_top1']
        assert e['description'] and e['origin']
    triplet = next(e for e in entries if e['source'] == 'triplet-resnet50')
    assert triplet['variant'] == 'kernel_size' and set(triplet['configs']) == {'7', '3'}


def test_list_text_shows_sources_and_what_cannot_be_converted(capsys):
    from attn_plugins.converters import SOURCES, UNSUPPORTED
    rc, out, _ = _run(capsys, '--list')
    assert rc == 0
    for name in list(SOURCES) + [u.name for u in UNSUPPORTED]:
        assert name in out
    assert 'cannot be converted exactly' in out and 'ReLU after bn2' in out


@pytest.fixture
def sa_file(layouts, fabricated, tmp_path):
    """A fabricated sanet-sa_resnet50 release (the released wrapping) and its layout."""
    def make(name='sa.pth.tar', **kw):
        path = tmp_path / name
        torch.save(fabricated(layouts['sanet-sa_resnet50'], **kw), path)
        return path
    return make


def test_converts_and_prints_the_test_command(capsys, sa_file, tmp_path):
    dst = tmp_path / 'out' / 'sanet-sa_resnet50.pth'
    rc, out, err = _run(capsys, 'sanet-sa_resnet50', sa_file(), dst)
    assert rc == 0, err
    assert 'loads strictly into configs/sa/sa-resnet50_sanet_in1k.py' in out
    assert f'python tools/test.py configs/sa/sa-resnet50_sanet_in1k.py {dst}' in out
    assert torch.load(dst, weights_only=True)['meta']['source'] == 'sanet-sa_resnet50'


def test_a_removed_key_is_refused(capsys, sa_file, tmp_path):
    dst = tmp_path / 'dst.pth'
    line = _refused(capsys, 'sanet-sa_resnet50', sa_file(drop={'layer3.4.sa.sweight'}), dst)
    assert "'backbone.layer3.4.sa.sweight' [1, 8, 1, 1]" in line and '1 missing' in line
    assert not dst.exists() and not [p for p in os.listdir(tmp_path) if 'dst' in p]


def test_a_tensor_of_the_wrong_shape_is_refused(capsys, layouts, state_dict_of, tmp_path):
    sd = state_dict_of(layouts['ecanet-eca_resnet50_k3557'])
    sd['layer2.1.eca.conv.weight'] = torch.zeros(1, 1, 3)  # k3557: layer2 has k=5
    src, dst = tmp_path / 'eca.pth.tar', tmp_path / 'dst.pth'
    torch.save(dict(state_dict={f'module.{k}': v for k, v in sd.items()}), src)
    line = _refused(capsys, 'ecanet-eca_resnet50_k3557', src, dst)
    assert "'layer2.1.eca.conv.weight' has shape [1, 1, 3]" in line and '[1, 1, 5]' in line
    assert not dst.exists()


def test_another_modules_checkpoint_is_refused(capsys, layouts, fabricated, tmp_path):
    src, dst = tmp_path / 'cbam.pth.tar', tmp_path / 'dst.pth'
    torch.save(fabricated(layouts['attention-module-cbam_resnet50']), src)
    line = _refused(capsys, 'sanet-sa_resnet50', src, dst)
    assert ("key 'layer1.0.cbam.ChannelGate.mlp.1.weight' [16, 256] has no place in the model "
            'of configs/sa/sa-resnet50_sanet_in1k.py') in line
    assert not dst.exists()
    # the same module, another depth: ResNet-101 for a ResNet-50 source
    torch.save(fabricated(layouts['sanet-sa_resnet101']), src)
    line = _refused(capsys, 'sanet-sa_resnet50', src, dst)
    assert "key 'layer3.6.conv1.weight' [256, 1024, 1, 1] has no place" in line
    assert not dst.exists()


def test_an_existing_dst_is_kept_without_overwrite(capsys, sa_file, tmp_path):
    dst = tmp_path / 'mine.pth'
    dst.write_bytes(b'user data')
    line = _refused(capsys, 'sanet-sa_resnet50', sa_file(), dst)
    assert '--overwrite' in line and dst.read_bytes() == b'user data'
    rc, _, err = _run(capsys, 'sanet-sa_resnet50', sa_file(), dst, '--overwrite')
    assert rc == 0, err
    meta = torch.load(dst, weights_only=True)['meta']
    assert meta['config'].endswith('sa-resnet50_sanet_in1k.py')
    assert sorted(os.listdir(tmp_path)) == ['mine.pth', 'sa.pth.tar']  # no temporary left


def test_unknown_and_unsupported_sources_are_refused(capsys, sa_file, tmp_path):
    dst = tmp_path / 'dst.pth'
    line = _refused(capsys, 'sanet-sa_resnet5', sa_file(), dst)
    assert "unknown SOURCE 'sanet-sa_resnet5'" in line and 'sanet-sa_resnet50' in line
    line = _refused(capsys, 'timm-legacy_seresnet18', sa_file(), dst)
    assert 'cannot be converted exactly' in line and 'ReLU' in line
    line = _refused(capsys, 'sanet-sa_resnet50', tmp_path / 'nothing.pth', dst)
    assert 'not found' in line
    (tmp_path / 'junk.pth').write_text('not a checkpoint')
    line = _refused(capsys, 'sanet-sa_resnet50', tmp_path / 'junk.pth', dst)
    assert 'cannot read SRC' in line
    torch.save([1, 2], tmp_path / 'list.pth')
    assert 'holds no state dict' in _refused(capsys, 'sanet-sa_resnet50', tmp_path / 'list.pth',
                                             dst)
    assert 'SOURCE SRC DST are required' in _refused(capsys, 'sanet-sa_resnet50')
    assert not dst.exists()


@pytest.mark.slow
def test_the_tool_script(tmp_path, layouts, fabricated):
    """The entry point itself, as users run it (a subprocess)."""
    src, dst = tmp_path / 'gct.pth.tar', tmp_path / 'gct.pth'
    torch.save(fabricated(layouts['gct-resnet50']), src)
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    tool = [sys.executable, 'tools/model_converters/convert.py']
    proc = subprocess.run(tool + ['gct-resnet50', str(src), str(dst)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert 'configs/gct/gct-resnet50_gct_in1k.py' in proc.stdout and dst.exists()
    proc = subprocess.run(tool + ['sanet-sa_resnet50', str(src), str(tmp_path / 'x.pth')],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and 'Warning' not in ln
             and 'import pkg_resources' not in ln and '_bootstrap' not in ln]
    assert proc.returncode == 1 and len(lines) == 1 and "'stem.conv1.0.alpha'" in lines[0], \
        proc.stderr
    assert not (tmp_path / 'x.pth').exists()
