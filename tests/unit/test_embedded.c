/* The data compiled into the binary is current: the embedded API models are
 * the contract beside the project, and every migration file is embedded in order. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineaged/embedded.h"

/* Reads a whole file into malloc'd memory; NULL if it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static const char *source_dir(void)
{
    const char *dir = getenv("LINEAGED_SOURCE_DIR");
    cr_assert_not_null(dir, "ctest sets LINEAGED_SOURCE_DIR");
    return dir;
}

static void assert_embedded_equals(const struct embedded_file *f, const char *path)
{
    size_t len;
    char *data = read_file(path, &len);
    cr_assert_not_null(data, "cannot read %s", path);
    cr_assert_eq(len, f->len, "%s: %zu bytes on disk, %zu embedded", path, len, f->len);
    cr_assert_eq(memcmp(data, f->data, len), 0, "%s differs from its embedded copy", path);
    free(data);
}

Test(embedded, models_are_the_project_copies)
{
    cr_assert_eq(embedded_models_count, 2);
    for (unsigned i = 0; i < embedded_models_count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/service/model/%s", source_dir(), embedded_models[i].name);
        assert_embedded_equals(&embedded_models[i], path);
    }
}

Test(embedded, project_copies_are_the_shared_contract)
{
    for (unsigned i = 0; i < embedded_models_count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/../shared/api/%s", source_dir(), embedded_models[i].name);
        FILE *f = fopen(path, "rb");
        if (!f)
            cr_skip_test("no shared contract beside this checkout");
        fclose(f);
        assert_embedded_equals(&embedded_models[i], path);
    }
}

static int migration_file(const struct dirent *d)
{
    return d->d_name[0] >= '0' && d->d_name[0] <= '9';
}

Test(embedded, every_migration_is_embedded_in_order)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/sql", source_dir());
    struct dirent **names;
    int n = scandir(dir, &names, migration_file, alphasort);
    cr_assert_gt(n, 0);
    cr_assert_eq((unsigned)n, embedded_migrations_count);
    for (int i = 0; i < n; i++) {
        cr_assert_str_eq(embedded_migrations[i].name, names[i]->d_name);
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        assert_embedded_equals(&embedded_migrations[i], path);
        free(names[i]);
    }
    free(names);
}
