"""Feature scores for scenario discovery (orgsim.feature_scores): which swept parameters matter
for an outcome, by the impurity importance of extremely randomized trees (Geurts, Ernst &
Wehenkel 2006) as EMA Workbench's feature_scoring does, with scikit-learn. PRIM boxes are
`orgsim discover` on the command line."""

import numpy as np

# /runs columns that describe the run, not an input that was varied.
_NOT_INPUTS = {"design_point", "replication", "seed", "sample", "block", "ticks_run", "rows",
               "snapshots", "status"}


def _condition(text):
    for op in ("<=", ">=", "<", ">"):
        if op in text:
            metric, number = text.split(op, 1)
            return metric.strip(), op, float(number)
    raise ValueError("where: expected METRIC OP NUMBER with OP one of <, <=, >, >=, e.g. "
                     "'profit < 0', not %r" % text)


def feature_scores(ds, metric=None, where=None, tick=-1, n_estimators=500, min_samples_leaf=5,
                   random_state=0):
    """Importance of each swept parameter (and option and uncertain event) for `metric` at
    `tick` (index into the tick axis; -1 = each run's last recorded tick), or for the runs
    meeting `where` ("profit < 0": a classification), as a pandas Series that sums to 1, largest
    first. Leaves hold at least `min_samples_leaf` runs, so that trees do not split on noise (an
    input without effect then scores near 1/k of what it would by chance alone, not 0). `ds` is orgsim.open's Dataset or a results file's path. Needs scikit-learn (Debian
    python3-sklearn)."""
    import pandas as pd
    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
    if not hasattr(ds, "data_vars"):
        from . import open as _open
        ds = _open(ds)
    if (metric is None) == (where is None):
        raise ValueError("feature_scores: give metric= or where=, one of them")
    if where is not None:
        metric, op, value = _condition(where)
    if metric not in ds.data_vars:
        raise ValueError("feature_scores: no metric %r in the file" % metric)
    complete = ds["status"].values == 1
    series = ds[metric].values[complete]
    if tick == -1:  # each run's last recorded row
        last = ds["rows"].values[complete].astype(int) - 1
        y = series[np.arange(len(series)), last]
    else:
        y = series[:, tick]
    inputs = {}
    for name, coord in ds.coords.items():
        if name in ("run", "tick") or name in _NOT_INPUTS or coord.dims != ("run",):
            continue
        values = coord.values[complete]
        if values.dtype.kind in "OUS":  # choices and options: codes (trees split on them)
            values = pd.Categorical(values).codes
        if len(np.unique(values)) > 1:
            inputs[name] = values.astype(float)
    if not inputs:
        raise ValueError("feature_scores: the sweep varies nothing")
    x = np.column_stack(list(inputs.values()))
    keep = ~np.isnan(y)
    if where is not None:
        target = {"<": y < value, "<=": y <= value, ">": y > value, ">=": y >= value}[op]
        model = ExtraTreesClassifier(n_estimators=n_estimators, random_state=random_state,
                                     max_features="sqrt", min_samples_leaf=min_samples_leaf)
        model.fit(x[keep], target[keep])
    else:
        model = ExtraTreesRegressor(n_estimators=n_estimators, random_state=random_state,
                                    max_features=None, min_samples_leaf=min_samples_leaf)
        model.fit(x[keep], y[keep])
    scores = pd.Series(model.feature_importances_, index=list(inputs), name="feature score")
    return scores.sort_values(ascending=False)
