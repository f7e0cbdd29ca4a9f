/* Lookups into the error table. */
#include "lineaged/error.h"

struct err_row {
    const char *wire;
    int status;
    int has_message;
};

static const struct err_row err_rows[] = {
#define LD_ERROR(code, wire, status, has_message) [code] = {wire, status, has_message},
#include "lineaged/errors.def"
#undef LD_ERROR
};

const char *ld_err_type(enum ld_err e)
{
    return err_rows[e].wire;
}

int ld_err_status(enum ld_err e)
{
    return err_rows[e].status;
}

int ld_err_has_message_member(enum ld_err e)
{
    return err_rows[e].has_message;
}
