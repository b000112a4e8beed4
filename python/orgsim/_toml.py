"""Experiments given as Python dicts, written as TOML text for orgsim's parser.

Only what experiment files use: tables (nested dicts, or dotted keys such as
``{"scenario": {"learning.socialization_rate": 0.3}}``), arrays of tables (lists of dicts, e.g.
``events``), strings, booleans, integers, reals and arrays of them.
"""

import math
import numbers


def _key(key):
    key = str(key)
    parts = key.split(".")
    if all(part and all(c.isalnum() or c in "_-" for c in part) for part in parts):
        return key
    return _string(key)


def _string(text):
    out = ['"']
    for c in text:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def value(v):
    """A Python value as a TOML value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(item) for item in v) + "]"
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        return value(v.tolist())
    raise TypeError("a %s cannot be written to an experiment file" % type(v).__name__)


def _is_table_array(v):
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(i, dict) for i in v)


def _table(path, table, lines):
    scalars = [(k, v) for k, v in table.items() if not isinstance(v, dict) and not _is_table_array(v)]
    if scalars and path:
        lines.append("[%s]" % ".".join(_key(p) for p in path))
    for k, v in scalars:
        lines.append("%s = %s" % (_key(k), value(v)))
    if scalars:
        lines.append("")
    for k, v in table.items():
        if isinstance(v, dict):
            _table(path + [k], v, lines)
        elif _is_table_array(v):
            for item in v:
                lines.append("[[%s]]" % ".".join(_key(p) for p in path + [k]))
                for ik, iv in item.items():
                    lines.append("%s = %s" % (_key(ik), value(iv)))
                lines.append("")


def dumps(experiment):
    """The TOML text of an experiment given as a dict of tables."""
    lines = []
    top = {k: v for k, v in experiment.items() if not isinstance(v, dict) and not _is_table_array(v)}
    if top:
        raise ValueError(
            "experiment dict: top-level keys must be tables such as 'experiment' or 'scenario', "
            "not values (%s)" % ", ".join(map(str, top)))
    _table([], experiment, lines)
    return "\n".join(lines) + "\n"
