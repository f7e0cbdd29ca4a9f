/* Files compiled into the binary at build time: the API models, the SQL
 * migrations in order, and the explorer's static files (web/). Each array ends with a row whose name is NULL. */
#ifndef LINEAGED_EMBEDDED_H
#define LINEAGED_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* file name without folders, e.g. "001_schema.sql" */
    const char *data; /* the bytes, NUL-terminated */
    size_t len;       /* without the NUL */
};

extern const struct embedded_file embedded_models[];
extern const unsigned embedded_models_count;
extern const struct embedded_file embedded_migrations[];
extern const unsigned embedded_migrations_count;
extern const struct embedded_file embedded_web[];
extern const unsigned embedded_web_count;

#endif
