#ifndef SPCS_COST_CZLIB_SHIM_H
#define SPCS_COST_CZLIB_SHIM_H
#include <zlib.h>
#endif
