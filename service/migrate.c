/* Start-up database work: the forward-only migration chain embedded in the
 * binary, and the shared key that signs pagination tokens. */
#include <libpq-fe.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineaged/embedded.h"
#include "lineaged/store.h"
#include "lineaged/token.h"

/* Any constant shared by every lineaged process; serialises concurrent starts. */
#define MIGRATION_LOCK "4242001"

static int fail(PGconn *c, char **err, const char *what, PGresult *res)
{
    const char *detail = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
    size_t n = strlen(what) + strlen(detail) + 3;
    *err = malloc(n);
    if (*err)
        snprintf(*err, n, "%s: %s", what, detail);
    PQclear(res);
    PQfinish(c);
    return -1;
}

static int exec_ok(PGconn *c, const char *sql, int n, const char *const *vals, PGresult **out)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(res);
    *out = res;
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static int apply_one(PGconn *c, const struct embedded_file *f, char **err)
{
    char version[16];
    snprintf(version, sizeof version, "%d", atoi(f->name));
    const char *vals[] = {version, f->name};
    PGresult *res;
    if (!exec_ok(c, "select 1 from schema_migrations where version = $1", 1, vals, &res))
        return fail(c, err, "reading schema_migrations", res);
    int done = PQntuples(res) > 0;
    PQclear(res);
    if (done)
        return 0;
    /* The file is ours, not client input: a multi-statement script. */
    res = PQexec(c, "begin");
    PQclear(res);
    res = PQexec(c, f->data);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        return fail(c, err, f->name, res);
    PQclear(res);
    if (!exec_ok(c, "insert into schema_migrations (version, name) values ($1, $2)", 2, vals, &res))
        return fail(c, err, "recording migration", res);
    PQclear(res);
    res = PQexec(c, "commit");
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        return fail(c, err, "committing migration", res);
    PQclear(res);
    fprintf(stderr, "lineaged: applied migration %s\n", f->name);
    return 0;
}

int store_migrate(const char *conninfo, char **err)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK)
        return fail(c, err, "connecting", NULL);
    PGresult *res;
    if (!exec_ok(c, "set client_min_messages = warning", 0, NULL, &res))
        return fail(c, err, "configuring session", res);
    PQclear(res);
    if (!exec_ok(c, "select pg_advisory_lock(" MIGRATION_LOCK ")", 0, NULL, &res))
        return fail(c, err, "locking", res);
    PQclear(res);
    if (!exec_ok(c,
                 "create table if not exists schema_migrations (version integer primary key, "
                 "name text not null, applied_at timestamptz not null default now())",
                 0, NULL, &res))
        return fail(c, err, "creating schema_migrations", res);
    PQclear(res);
    for (unsigned i = 0; i < embedded_migrations_count; i++)
        if (apply_one(c, &embedded_migrations[i], err) != 0)
            return -1;
    PQfinish(c); /* also releases the advisory lock */
    return 0;
}

int store_load_token_key(const char *conninfo, char **err)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK)
        return fail(c, err, "connecting", NULL);
    unsigned char key[32];
    char hex[2 * sizeof key + 1];
    if (RAND_bytes(key, sizeof key) != 1)
        return fail(c, err, "generating the token key", NULL);
    for (size_t i = 0; i < sizeof key; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    const char *vals[] = {hex};
    PGresult *res;
    if (!exec_ok(c,
                 "insert into service_secret (id, token_key) values (1, decode($1, 'hex')) "
                 "on conflict (id) do nothing",
                 1, vals, &res))
        return fail(c, err, "storing the token key", res);
    PQclear(res);
    if (!exec_ok(c, "select encode(token_key, 'hex') from service_secret where id = 1", 0, NULL, &res) ||
        PQntuples(res) != 1 || PQgetlength(res, 0, 0) != 2 * (int)sizeof key)
        return fail(c, err, "reading the token key", res);
    const char *stored = PQgetvalue(res, 0, 0);
    for (size_t i = 0; i < sizeof key; i++) {
        unsigned v;
        sscanf(stored + 2 * i, "%2x", &v);
        key[i] = (unsigned char)v;
    }
    PQclear(res);
    PQfinish(c);
    token_set_key(key, sizeof key);
    return 0;
}
