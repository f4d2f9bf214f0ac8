#!/usr/bin/env python3
"""A network's StructureReps embedding (and, with a probe, its predicted performance) through the C ABI, by ctypes.

    python3 samples/python/embed.py [--bytes] [--probe probe.json] ENCODER CHECKPOINT...

Prints what samples/c/embed prints: per checkpoint its path, the embedding (%.9g) and, with --probe,
"train=<p> test=<p>". The library is artifacts/native/<level>/libstructurereps.so (bash scripts/publish-native.sh),
the level picked from this CPU's flags, or the file STRUCTUREREPS_LIBRARY names. Standard library only.
"""
import ctypes
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OK = 0


def library_path():
    if os.environ.get("STRUCTUREREPS_LIBRARY"):
        return os.environ["STRUCTUREREPS_LIBRARY"]
    with open("/proc/cpuinfo") as f:
        flags = f.read().split()
    # A library built for a level above the CPU stops the process when loaded: pick the one this CPU runs.
    level = "x86-64-v4" if {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"} <= set(flags) else "x86-64-v3"
    return os.path.join(ROOT, "artifacts", "native", level, "libstructurereps.so")


class StructureReps:
    """The library's calls with their C types (include/structurereps.h), and its errors as exceptions."""

    def __init__(self, path):
        self.lib = lib = ctypes.CDLL(path)
        handle, p_handle = ctypes.c_ssize_t, ctypes.POINTER(ctypes.c_ssize_t)
        bytes_p, float_p, int_p, double_p = ctypes.c_char_p, ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_double)
        for name, args in {
            "sr_encoder_open": [ctypes.c_char_p, p_handle],
            "sr_encoder_open_bytes": [bytes_p, ctypes.c_size_t, p_handle],
            "sr_encoder_dimensions": [handle, int_p],
            "sr_encoder_close": [handle],
            "sr_probe_open": [handle, ctypes.c_char_p, p_handle],
            "sr_probe_close": [handle],
            "sr_embed": [handle, ctypes.c_char_p, float_p, ctypes.c_int32, int_p],
            "sr_embed_bytes": [handle, bytes_p, ctypes.c_size_t, float_p, ctypes.c_int32, int_p],
            "sr_predict": [handle, float_p, ctypes.c_int32, double_p, double_p],
        }.items():
            getattr(lib, name).argtypes, getattr(lib, name).restype = args, ctypes.c_int
        for name in ("sr_last_error", "sr_engine_info"):
            getattr(lib, name).argtypes, getattr(lib, name).restype = [ctypes.c_char_p, ctypes.c_size_t], ctypes.c_size_t

    def text(self, name):
        n = getattr(self.lib, name)(None, 0)
        buffer = ctypes.create_string_buffer(n + 1)
        getattr(self.lib, name)(buffer, n + 1)
        return buffer.value.decode("utf-8")

    def check(self, status):
        if status != OK:
            raise RuntimeError(self.text("sr_last_error"))

    def open_encoder(self, path, from_bytes=False):
        h = ctypes.c_ssize_t()
        if from_bytes:
            data = open(path, "rb").read()
            self.check(self.lib.sr_encoder_open_bytes(data, len(data), ctypes.byref(h)))
        else:
            self.check(self.lib.sr_encoder_open(path.encode(), ctypes.byref(h)))
        d = ctypes.c_int32()
        self.check(self.lib.sr_encoder_dimensions(h, ctypes.byref(d)))
        return h.value, d.value

    def open_probe(self, encoder, path):
        h = ctypes.c_ssize_t()
        self.check(self.lib.sr_probe_open(encoder, path.encode(), ctypes.byref(h)))
        return h.value

    def embed(self, encoder, dimensions, path, from_bytes=False):
        z, written = (ctypes.c_float * dimensions)(), ctypes.c_int32()
        if from_bytes:
            data = open(path, "rb").read()
            self.check(self.lib.sr_embed_bytes(encoder, data, len(data), z, dimensions, ctypes.byref(written)))
        else:
            self.check(self.lib.sr_embed(encoder, path.encode(), z, dimensions, ctypes.byref(written)))
        return list(z)[: written.value]

    def predict(self, probe, z):
        train, test = ctypes.c_double(), ctypes.c_double()
        self.check(self.lib.sr_predict(probe, (ctypes.c_float * len(z))(*z), len(z), ctypes.byref(train), ctypes.byref(test)))
        return train.value, test.value


def main(argv):
    from_bytes, probe_path, args = False, None, list(argv)
    while args and args[0].startswith("--"):
        option = args.pop(0)
        if option == "--bytes":
            from_bytes = True
        elif option == "--probe" and args:
            probe_path = args.pop(0)
        else:
            print(f"embed.py: unknown option {option}", file=sys.stderr)
            return 2
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    path = library_path()
    try:
        sr = StructureReps(path)
    except OSError as e:
        print(f"embed.py: cannot load {path} ({e}); publish it with: bash scripts/publish-native.sh", file=sys.stderr)
        return 1
    try:
        encoder, dimensions = sr.open_encoder(args[0], from_bytes)
        probe = sr.open_probe(encoder, probe_path) if probe_path else None
        for path in args[1:]:
            z = sr.embed(encoder, dimensions, path, from_bytes)
            line = path + "".join(" %.9g" % v for v in z)
            if probe:
                line += " train=%.9g test=%.9g" % sr.predict(probe, z)
            print(line)
    except (RuntimeError, OSError) as e:  # the library's message, or a file the sample could not read
        print(f"embed.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
