#!/usr/bin/env python3
"""Embed a text file as a C string: embed_text.py INPUT OUTPUT SYMBOL."""
import sys

src, dst, sym = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, 'rb').read()
lines = []
for line in data.decode('utf-8').splitlines(keepends=True):
    esc = ''.join('\\%03o' % b if (b < 0x20 or b >= 0x7f or b in (0x22, 0x5c, 0x3f))
                  else chr(b) for b in line.encode('utf-8'))
    lines.append('    "%s"' % esc)
with open(dst, 'w') as f:
    f.write('/* \\summary: generated from %s by embed_text.py */\n' % src.split('/')[-1])
    f.write('#include <stddef.h>\n\n')
    f.write('#pragma GCC diagnostic ignored "-Woverlength-strings"\n')
    f.write('extern const char %s_text[];\n' % sym)
    f.write('extern const size_t %s_len;\n' % sym)
    f.write('const char %s_text[] =\n%s;\n' % (sym, '\n'.join(lines) or '    ""'))
    f.write('const size_t %s_len = sizeof(%s_text) - 1;\n' % (sym, sym))
