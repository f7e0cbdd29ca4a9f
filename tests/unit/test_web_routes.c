/* The explorer's static routes: which paths they serve, content types, the
 * ETag and 304, the security headers, and 404 for anything else under /web/. */
#include <criterion/criterion.h>
#include <string.h>

#include "lineaged/embedded.h"
#include "web_routes.h"

static struct arena *a;
static struct request r;

static void setup(void)
{
    a = arena_create();
    r = (struct request){.arena = a};
}

static void teardown(void)
{
    arena_destroy(a);
}

/* The value of header `name` in a reply, or NULL. */
static const char *header(const struct reply *rep, const char *name)
{
    for (const char *const *h = rep->headers; h && h[0]; h += 2)
        if (strcmp(h[0], name) == 0)
            return h[1];
    return NULL;
}

TestSuite(web_routes, .init = setup, .fini = teardown);

Test(web_routes, root_is_the_page)
{
    struct reply rep = {0};
    const char *type = NULL;
    cr_assert_eq(web_routes_serve(&r, "/", NULL, &rep, &type), 1);
    cr_assert_eq(rep.status, 200);
    cr_assert_str_eq(type, "text/html; charset=utf-8");
    cr_assert(rep.len > 0 && memmem(rep.body, rep.len, "/web/app.js", 11));
    cr_assert_str_eq(header(&rep, "Cache-Control"), "no-cache");
    cr_assert(strstr(header(&rep, "Content-Security-Policy"), "default-src 'none'; script-src 'self'"));
    cr_assert_str_eq(header(&rep, "X-Content-Type-Options"), "nosniff");
}

Test(web_routes, every_embedded_file_with_its_type)
{
    cr_assert(embedded_web_count >= 5, "index.html, style.css and the modules are embedded");
    for (unsigned i = 0; i < embedded_web_count; i++) {
        struct reply rep = {0};
        const char *type = NULL;
        const char *path = arena_printf(a, "/web/%s", embedded_web[i].name);
        cr_assert_eq(web_routes_serve(&r, path, NULL, &rep, &type), 1, "%s", path);
        cr_assert_eq(rep.status, 200);
        cr_assert_eq(rep.len, embedded_web[i].len);
        const char *dot = strrchr(embedded_web[i].name, '.');
        const char *want = strcmp(dot, ".js") == 0     ? "text/javascript; charset=utf-8"
                           : strcmp(dot, ".css") == 0  ? "text/css; charset=utf-8"
                           : strcmp(dot, ".html") == 0 ? "text/html; charset=utf-8"
                                                       : "image/svg+xml";
        cr_assert_str_eq(type, want, "%s", path);
    }
}

Test(web_routes, etag_revalidates)
{
    struct reply rep = {0}, again = {0}, changed = {0};
    const char *type = NULL;
    web_routes_serve(&r, "/web/app.js", NULL, &rep, &type);
    const char *etag = header(&rep, "ETag");
    cr_assert(etag && etag[0] == '"' && strlen(etag) == 18);
    cr_assert_eq(web_routes_serve(&r, "/web/app.js", etag, &again, &type), 1);
    cr_assert_eq(again.status, 304);
    cr_assert_eq(again.len, 0);
    cr_assert_str_eq(header(&again, "ETag"), etag);
    web_routes_serve(&r, "/web/app.js", "\"0000000000000000\"", &changed, &type);
    cr_assert_eq(changed.status, 200);
}

Test(web_routes, unknown_files_and_folders_are_404)
{
    const char *paths[] = {"/web/nope.js", "/web/", "/web/sub/app.js", "/web/../index.html", "/web//app.js"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct reply rep = {0};
        const char *type = NULL;
        cr_assert_eq(web_routes_serve(&r, paths[i], NULL, &rep, &type), 1, "%s", paths[i]);
        cr_assert_eq(rep.status, 404, "%s", paths[i]);
    }
}

Test(web_routes, other_paths_are_not_these_routes)
{
    const char *paths[] = {"/health", "/api/v1/lineage", "/index.html", "/webx", "/BatchGetMetrics"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct reply rep = {0};
        const char *type = NULL;
        cr_assert_eq(web_routes_serve(&r, paths[i], NULL, &rep, &type), 0, "%s", paths[i]);
    }
}
