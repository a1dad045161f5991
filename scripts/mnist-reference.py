# scikit-learn's reference accuracies for the MNIST built-in (data/README.md, src/data/catalog.ts), on descent's
# split: test = rows whose index is divisible by 5; pixels byte/255 in [0, 1] as float32, not standardized.
# Run with scikit-learn 1.2.1 (Debian: apt-get install python3-sklearn):
#   OMP_NUM_THREADS=1 /usr/bin/python3 scripts/mnist-reference.py data/mnist.u8.gz [logistic sgd mlp64 mlp128]
import gzip, sys, time, warnings
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.neural_network import MLPClassifier

raw = gzip.open(sys.argv[1]).read()
assert raw[:8] == b'MNIST-U8', 'not an MNIST-U8 file'
rows = int.from_bytes(raw[8:12], 'little'); d = raw[12] * raw[13] * raw[14]
a = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(rows, d + 1)
X = a[:, :d].astype(np.float32) / np.float32(255); y = a[:, d].astype(int)
test = np.arange(rows) % 5 == 0
Xtr, ytr, Xte, yte = X[~test], y[~test], X[test], y[test]
print('scikit-learn', sklearn.__version__, 'train', Xtr.shape, 'test', Xte.shape, flush=True)
models = {
    'logistic': lambda: LogisticRegression(solver='lbfgs', max_iter=5000),
    'sgd': lambda: SGDClassifier(random_state=0),
    'mlp64': lambda: MLPClassifier(hidden_layer_sizes=(64,), random_state=0),
    'mlp128': lambda: MLPClassifier(hidden_layer_sizes=(128,), random_state=0),
}
for name in sys.argv[2:] or list(models):
    m = models[name]()
    t = time.time()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        m.fit(Xtr, ytr)
    print(f'{name}: test accuracy {m.score(Xte, yte):.4f}, train {m.score(Xtr, ytr):.4f}, n_iter {getattr(m, "n_iter_", "")}, '
          f'{time.time() - t:.1f} s, warnings {[str(x.message)[:60] for x in w]}', flush=True)
