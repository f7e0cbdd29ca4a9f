/* Error codes shared by every module; wire names and statuses come from errors.def. */
#ifndef LINEAGED_ERROR_H
#define LINEAGED_ERROR_H

enum ld_err {
#define LD_ERROR(code, wire, status, has_message) code,
#include "lineaged/errors.def"
#undef LD_ERROR
};

/* The wire `__type` of `e` (static string). */
const char *ld_err_type(enum ld_err e);

/* The HTTP status that carries `e`. */
int ld_err_status(enum ld_err e);

/* Whether the model's error shape for `e` has a `Message` member. */
int ld_err_has_message_member(enum ld_err e);

#endif
