#!/usr/bin/env python3
"""Minimal PNG reader (zlib only, no PIL) for the browser test.

  png.py info FILE [RRGGBB ...]    -> "WIDTH HEIGHT DISTINCT_COLOURS NONWHITE_FRACTION [N ...]",
                                      N = pixels of exactly that colour
  png.py crop FILE OUT X Y W H     -> writes the region as a new PNG (for looking at it)

Reads 8-bit RGB/RGBA/grey/grey+alpha, non-interlaced (what Chromium writes).
"""
import struct
import sys
import zlib


def read_png(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG file')
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) & 0xffffffff != struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0]:
            raise ValueError('bad CRC in chunk %r' % kind)
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
        pos += 12 + n
    if hdr is None:
        raise ValueError('no IHDR')
    w, h, depth, ctype, _, _, interlace = hdr
    chans = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or chans is None or interlace:
        raise ValueError('unsupported PNG (depth %d, colour type %d, interlace %d)' % (depth, ctype, interlace))
    raw = zlib.decompress(b''.join(idat))
    stride = w * chans
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - chans] if i >= chans else 0
            b = prev[i]
            c = prev[i - chans] if i >= chans else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, chans, rows


def rgb_rows(w, chans, rows):
    out = []
    for r in rows:
        if chans == 3:
            out.append(r)
        elif chans == 4:
            out.append(bytes(b for i in range(w) for b in r[4 * i:4 * i + 3]))
        else:
            out.append(bytes(r[chans * i] for i in range(w) for _ in range(3)))
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    w, h, chans, rows = read_png(path)
    rgb = rgb_rows(w, chans, rows)
    if cmd == 'info':
        hist = {}
        for r in rgb:
            for i in range(0, len(r), 3):
                px = r[i:i + 3]
                hist[px] = hist.get(px, 0) + 1
        nonwhite = w * h - hist.get(b'\xff\xff\xff', 0)
        want = [hist.get(bytes.fromhex(c), 0) for c in sys.argv[3:]]
        print(w, h, len(hist), '%.4f' % (nonwhite / float(w * h)), *want)
    elif cmd == 'crop':
        out, x, y, cw, ch = sys.argv[3], *map(int, sys.argv[4:8])
        body = b''.join(b'\0' + r[3 * x:3 * (x + cw)] for r in rgb[y:y + ch])
        def chunk(k, d):
            return struct.pack('>I', len(d)) + k + d + struct.pack('>I', zlib.crc32(k + d) & 0xffffffff)
        with open(out, 'wb') as f:
            f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', cw, ch, 8, 2, 0, 0, 0))
                    + chunk(b'IDAT', zlib.compress(body)) + chunk(b'IEND', b''))
    else:
        sys.exit('usage: png.py info FILE | crop FILE OUT X Y W H')


if __name__ == '__main__':
    main()
