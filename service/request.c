/* Recording the error a request ends with. */
#include "lineaged/request.h"

#include <stdarg.h>

enum ld_err req_fail(struct request *r, enum ld_err code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    r->message = arena_vprintf(r->arena, fmt, ap);
    va_end(ap);
    r->error = code;
    return code;
}
