#ifndef SVG_H
#define SVG_H
#endif
