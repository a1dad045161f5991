"""descent -> PyTorch: PyTorch's predictions for safetensors files descent wrote (toSafetensors).

For every DIR/NAME.safetensors with its DIR/NAME.json ({"x": rows}), builds the torch module tree of the spec
descent put in the file's __metadata__ (scripts/fixtures/torch_sequential.py: descent layer i is module i, a
residual block's layer j is `i.layers.j`), loads the file's tensors with load_state_dict(strict=True), and runs
the rows in inference mode (eval()). Prints one JSON object on stdout:
  {"torch": version, "reader": ..., "cases": {NAME: {"tensors": n, "outputs": [[...], ...]}}}
test/interchange.torch-save.test.ts compares the outputs with descent's own. Works with PyTorch 1.13 (Debian's
python3-torch) and 2.x, with or without the `safetensors` package (the numpy reader is used without it).

Run: python3 scripts/torch-check.py DIR
"""
import glob
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures'))
from torch_sequential import build, read_safetensors  # noqa: E402

try:
    from safetensors import safe_open
    from safetensors.torch import load_file
except ImportError:
    load_file = None


def read(path):
    """The file's tensors and metadata, through the reference reader when it is installed."""
    if load_file is None:
        return read_safetensors(path)
    with safe_open(path, framework='pt') as f:
        meta = f.metadata() or {}
    return load_file(path), meta


folder = sys.argv[1]
cases = {}
for path in sorted(glob.glob(os.path.join(folder, '*.safetensors'))):
    name = os.path.basename(path)[:-len('.safetensors')]
    tensors, meta = read(path)
    spec = json.loads(meta['descent'])
    model = build(spec['inputShape'], spec['layers'])
    model.load_state_dict(tensors, strict=True)
    model.eval()
    rows = json.load(open(os.path.join(folder, name + '.json')))['x']
    x = torch.tensor(np.array(rows, dtype=np.float32).reshape([len(rows)] + list(spec['inputShape'])))
    with torch.no_grad():
        out = model(x).reshape(len(rows), -1).double().numpy()
    cases[name] = {'tensors': len(tensors), 'outputs': out.tolist()}
json.dump({'torch': torch.__version__, 'reader': 'safetensors' if load_file else 'numpy', 'cases': cases}, sys.stdout)
