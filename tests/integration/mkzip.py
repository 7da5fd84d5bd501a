#!/usr/bin/env python3
"""Writes the .zip packages and layers the integration tests deploy, with python's zipfile.

  mkzip.py OUT.zip [DIR] [--file NAME=TEXT] [--link NAME=TARGET] [--zeros NAME=BYTES] [--mode NAME=OCTAL]

DIR's files, folders and symbolic links go in under their paths relative to DIR, with their
modes (the executable bit) and links kept as links, as `zip -y` stores them. --file, --link
and --zeros add entries of any name, "../x" and "/abs" included (the refusals are tested with
them); --zeros NAME=BYTES is a deflated run of zero bytes (a zip bomb). --mode sets an added
entry's permission bits (default 0644).
"""
import os
import stat
import sys
import zipfile


def info(name, mode):
    zi = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    zi.create_system = 3  # unix: the mode in the high half of external_attr is read
    zi.external_attr = mode << 16
    zi.compress_type = zipfile.ZIP_DEFLATED
    return zi


def add_dir(z, top):
    for root, dirs, files in os.walk(top, followlinks=False):
        for d in sorted(dirs):
            path = os.path.join(root, d)
            rel = os.path.relpath(path, top)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                z.writestr(info(rel, st.st_mode), os.readlink(path))
            else:
                z.writestr(info(rel + "/", st.st_mode), b"")
        for f in sorted(files):
            path = os.path.join(root, f)
            rel = os.path.relpath(path, top)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                z.writestr(info(rel, st.st_mode), os.readlink(path))
            else:
                with open(path, "rb") as fh:
                    z.writestr(info(rel, st.st_mode), fh.read())


def zeros(z, name, n):
    with z.open(info(name, stat.S_IFREG | 0o644), "w", force_zip64=n >= 1 << 31) as out:
        chunk = bytes(1 << 20)
        while n > 0:
            out.write(chunk[: min(n, len(chunk))])
            n -= len(chunk)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out, rest = argv[1], argv[2:]
    modes = {}
    for i, a in enumerate(rest):
        if a == "--mode":
            k, v = rest[i + 1].split("=", 1)
            modes[k] = int(v, 8)
    with zipfile.ZipFile(out, "w") as z:
        i = 0
        while i < len(rest):
            a = rest[i]
            if a in ("--file", "--link", "--zeros", "--mode"):
                name, val = rest[i + 1].split("=", 1)
                i += 2
                if a == "--file":
                    z.writestr(info(name, stat.S_IFREG | modes.get(name, 0o644)), val)
                elif a == "--link":
                    z.writestr(info(name, stat.S_IFLNK | 0o777), val)
                elif a == "--zeros":
                    zeros(z, name, int(val))
            else:
                add_dir(z, a)
                i += 1


if __name__ == "__main__":
    main(sys.argv)
