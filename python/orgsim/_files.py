"""Results files as lazily read xarray Datasets (orgsim.open)."""

import h5py
import numpy as np
import xarray as xr
from xarray.backends import BackendArray, CachingFileManager
from xarray.backends.locks import SerializableLock
from xarray.core import indexing


_RUNS_PER_READ = 256


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "OS":
        return [_text(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _open_h5(path):
    """Opens a results file for reading, in SWMR mode when it allows it (a sweep may still be
    writing it), else plainly."""
    try:
        return h5py.File(path, "r", libver="latest", swmr=True)
    except (OSError, ValueError):
        return h5py.File(path, "r")


class _MetricColumn(BackendArray):
    """One metric of /metrics, [run, tick]: reads only the selected runs and ticks."""

    def __init__(self, manager, lock, column, shape):
        self.manager = manager
        self.lock = lock
        self.column = column
        self.shape = shape
        self.dtype = np.dtype("float64")

    def __getitem__(self, key):
        return indexing.explicit_indexing_adapter(
            key, self.shape, indexing.IndexingSupport.OUTER_1VECTOR, self._read)

    def _read(self, key):
        runs_key, ticks_key = key
        with self.lock:
            metrics = self.manager.acquire()["metrics"]
            try:
                metrics.refresh()  # SWMR: rows a running sweep wrote since the file opened
            except Exception:  # not opened in SWMR mode
                pass
            if isinstance(runs_key, (int, np.integer)):
                return np.asarray(metrics[runs_key, ticks_key, self.column])
            runs = (np.arange(*runs_key.indices(self.shape[0])) if isinstance(runs_key, slice)
                    else np.asarray(runs_key, dtype=np.int64))
            if len(runs) == 0:
                return np.asarray(metrics[0:0, ticks_key, self.column])
            # A few hundred runs at a time: HDF5 keeps bookkeeping for every chunk a read
            # touches (one run per chunk), which for one read of 10,000 runs is larger than
            # the values themselves.
            parts = []
            for start in range(0, len(runs), _RUNS_PER_READ):
                block = runs[start:start + _RUNS_PER_READ]
                if np.all(np.diff(block) == 1):
                    parts.append(metrics[int(block[0]):int(block[-1]) + 1, ticks_key, self.column])
                else:  # h5py wants increasing indices
                    unique, back = np.unique(block, return_inverse=True)
                    parts.append(metrics[unique, ticks_key, self.column][back])
            return np.concatenate(parts)


def _metric_info(f, names):
    """Each metric's unit, label, definition, category and better direction, by name."""
    info = {}
    if "metric_info" in f:
        table = f["metric_info"][:]
        for row in table:
            name = _text(row["name"])
            info[name] = {field: _text(row[field]) for field in table.dtype.names}
    else:  # files written before 2026-12-05: the /metrics attributes
        attrs = f["metrics"].attrs
        units = _text(attrs.get("units", np.array([])))
        help_ = _text(attrs.get("help", np.array([])))
        categories = _text(attrs.get("categories", np.array([])))
        for i, name in enumerate(names):
            info[name] = {"unit": units[i] if i < len(units) else "",
                          "help": help_[i] if i < len(help_) else "",
                          "category": categories[i] if i < len(categories) else "",
                          "label": name, "better": "none"}
    return info


def _run_coordinates(f, metric_names):
    """/runs as coordinates along run: design parameters, replication, seed, status, ..."""
    runs = f["runs"][:]
    coords = {}
    for column in runs.dtype.names:
        if column == "run_id":
            continue
        values = runs[column]
        if values.dtype.kind == "S":
            values = np.array([v.decode("utf-8", "replace") for v in values], dtype=object)
        elif values.dtype.kind == "u":  # counts and ids: int64, so that arithmetic cannot wrap
            values = values.astype(np.int64)
        name = column if column not in metric_names else "run." + column
        coords[name] = ("run", values)
    if "option" in coords:  # the options in the file's order (groupby sorts by name)
        order = list(dict.fromkeys(coords["option"][1].tolist()))
        coords["option"] = ("run", coords["option"][1], {"order": order})
    return runs["run_id"].astype(np.int64), coords


def open_results(path):
    """The results file `path` as an xarray.Dataset, read lazily.

    One variable per metric with dimensions (run, tick); coordinates run (the run id), tick (the
    tick of each recorded row) and, along run, every /runs column: the design's parameters,
    replication, seed, design_point, option, status, ticks_run, rows. Variables carry units,
    long_name (the metric's label), description, category and better; the Dataset carries the
    file's provenance (experiment, overrides, orgsim_version, ...). Values are read when used,
    in slices: ``ds["lead_time"].sel(tick=52)`` reads one column of one row per run.
    """
    path = str(path)
    manager = CachingFileManager(_open_h5, path)
    lock = SerializableLock()  # a Dataset can be copied, pickled and sent to other processes
    f = manager.acquire()
    metrics = f["metrics"]
    names = _text(metrics.attrs["names"])
    runs, rows = int(metrics.shape[0]), int(metrics.shape[1])
    if "tick_of_row" in metrics.attrs:
        ticks = np.asarray(metrics.attrs["tick_of_row"], dtype=np.int64)
    else:
        ticks = np.arange(rows, dtype=np.int64)
    run_ids, run_coords = _run_coordinates(f, set(names))
    info = _metric_info(f, names)
    variables = {}
    for column, name in enumerate(names):
        meta = info.get(name, {})
        attrs = {"units": meta.get("unit", ""), "long_name": meta.get("label", name),
                 "description": meta.get("help", ""), "category": meta.get("category", ""),
                 "better": meta.get("better", "none")}
        array = indexing.LazilyIndexedArray(_MetricColumn(manager, lock, column, (runs, rows)))
        variables[name] = xr.Variable(("run", "tick"), array, attrs)
    coords = {"run": ("run", run_ids, {"long_name": "run (row of /runs)"}),
              "tick": ("tick", ticks, {"long_name": "tick (weeks since the start)",
                                       "units": "week"})}
    coords.update(run_coords)
    attrs = {key: _text(value) for key, value in f.attrs.items()}
    attrs["source_file"] = path
    dataset = xr.Dataset(variables, coords=coords, attrs=attrs)
    dataset.set_close(manager.close)
    return dataset


def last_values(ds, metrics=None):
    """Each run's value at its last recorded row (a run that stopped early ends before the last
    tick: ``isel(tick=-1)`` gives NaN there): a Dataset of `metrics` (default: all) over run."""
    rows = ds["rows"].values.astype(np.int64) - 1
    names = list(ds.data_vars) if metrics is None else list(metrics)
    out = {}
    for name in names:
        values = ds[name].values
        picked = np.full(values.shape[0], np.nan)
        ok = rows >= 0
        picked[ok] = values[np.nonzero(ok)[0], rows[ok]]
        out[name] = xr.Variable(("run",), picked, ds[name].attrs)
    coords = {k: v for k, v in ds.coords.items() if v.dims == ("run",)}
    return xr.Dataset(out, coords=coords, attrs=ds.attrs)
