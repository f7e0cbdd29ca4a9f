/* The explorer's static files from the binary, with their content types, an
 * ETag for revalidation, and a Content-Security-Policy that lets the page
 * load nothing and talk to no one but this server. */
#include "web_routes.h"

#include <stdint.h>
#include <string.h>

#include "lineaged/embedded.h"

/* Scripts and styles only from this server, no inline ones, no plugins, no
 * framing; no images but its own. */
static const char CSP[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                          "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static const struct {
    const char *suffix, *type;
} TYPES[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
};

static const char *type_of(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
        size_t k = strlen(TYPES[i].suffix);
        if (n > k && strcmp(name + n - k, TYPES[i].suffix) == 0)
            return TYPES[i].type;
    }
    return "application/octet-stream";
}

static const struct embedded_file *find_file(const char *name)
{
    for (unsigned i = 0; i < embedded_web_count; i++)
        if (strcmp(embedded_web[i].name, name) == 0)
            return &embedded_web[i];
    return NULL;
}

/* A strong ETag from the bytes (FNV-1a, 64 bits): the files are small and
 * fixed for the binary's life, so hashing per request costs microseconds. */
static const char *etag_of(struct request *r, const struct embedded_file *f)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < f->len; i++)
        h = (h ^ (unsigned char)f->data[i]) * 1099511628211ULL;
    return arena_printf(r->arena, "\"%016llx\"", (unsigned long long)h);
}

int web_routes_serve(struct request *r, const char *path, const char *if_none_match, struct reply *out,
                     const char **content_type)
{
    const char *name;
    if (strcmp(path, "/") == 0)
        name = "index.html";
    else if (strncmp(path, "/web/", 5) == 0)
        name = path + 5;
    else
        return 0;
    /* Only flat names from the table: no folders, so no traversal to guard. */
    const struct embedded_file *f = strchr(name, '/') ? NULL : find_file(name);
    if (!f) {
        *content_type = "text/plain; charset=utf-8";
        out->status = 404;
        out->body = "Not found.\n";
        out->len = strlen(out->body);
        return 1;
    }
    const char *etag = etag_of(r, f);
    const char **h = arena_alloc(r->arena, 11 * sizeof *h);
    /* Revalidate every time: a rebuilt daemon serves new files at once. */
    const char *pairs[] = {"ETag",
                           etag,
                           "Cache-Control",
                           "no-cache",
                           "Content-Security-Policy",
                           CSP,
                           "X-Content-Type-Options",
                           "nosniff",
                           "Referrer-Policy",
                           "no-referrer",
                           NULL};
    memcpy(h, pairs, sizeof pairs);
    out->headers = h;
    *content_type = type_of(f->name);
    if (if_none_match && strstr(if_none_match, etag)) {
        out->status = 304;
        out->body = "";
        out->len = 0;
        return 1;
    }
    out->status = 200;
    out->body = f->data;
    out->len = f->len;
    return 1;
}
