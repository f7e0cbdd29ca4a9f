/* One API request as handlers see it: its arena, its caller's scope, the
 * worker's database connection, and the error it ends with. */
#ifndef LINEAGED_REQUEST_H
#define LINEAGED_REQUEST_H

#include <cJSON.h>

#include "lineaged/arena.h"
#include "lineaged/error.h"

struct store;

/* Caps on manually created entities per (account, region), off (0) unless
 * configured: per entity kind (indexed by enum entity_kind), and associations. */
struct limits {
    long per_kind[7];
    long associations;
};

struct request {
    struct arena *arena;
    struct store *store;         /* the worker's connection; never NULL in a handler */
    const struct limits *limits; /* configured quotas, read-only */
    const char *id;              /* x-amzn-RequestId */
    const char *account;         /* 12 digits */
    const char *region;
    const char *access_key; /* as signed, or "" when the request was unsigned */
    const char *operation;  /* the API operation's name, or NULL outside one */
    enum ld_err error;      /* set by req_fail */
    const char *message;    /* set by req_fail */
};

/* Records the error the request ends with (message formatted into the arena)
 * and returns `code`, so a layer can write `return req_fail(r, ...)`. */
enum ld_err req_fail(struct request *r, enum ld_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The handler of one operation: reads validated `in`, fills the response
 * object `out`, and returns LD_OK or the error recorded with req_fail. */
typedef enum ld_err (*op_handler)(struct request *r, const cJSON *in, cJSON *out);

#endif
