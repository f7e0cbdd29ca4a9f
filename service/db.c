/* The worker's PostgreSQL connection: reconnects, the per-connection
 * prepared-statement cache, transactions, tenants, SQLSTATE mapping. */
#include "db.h"

#include <math.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineaged/store.h"
#include "lineaged/timefmt.h"

enum { STMT_SLOTS = 512, TENANT_SLOTS = 64, WRITER_SLOTS = 4096, WRITE_KEYS = 4 };
#define RECONNECT_PAUSE_S 0.1

struct stmt_slot {
    char *sql;
    uint64_t hash;
};

struct tenant_slot {
    char account[13];
    char region[64];
    int32_t id;
    bool has_lineage_group;
};

struct store {
    char *conninfo;
    PGconn *conn;
    int tx_depth;  /* nested begins; only the outermost reaches the database */
    bool conflict; /* the request failed on a deadlock or serialisation failure */
    unsigned long connects;
    bool down;       /* the last attempt to connect failed */
    double retry_at; /* no new attempt before this ldtime_monotonic() time */
    struct stmt_slot stmts[STMT_SLOTS];
    struct tenant_slot tenants[TENANT_SLOTS];
    unsigned tenant_count;
    int32_t pending_tenant; /* a tenant row the open transaction inserted: not cached until it commits */
    char audit_request[96]; /* the request whose caller the session's lineaged.* settings name */
    bool audit_pending;     /* db_audit asked for them: the next statement carries them */
    /* The caller whose tenant the session setting lineaged.tenant names: the
     * key of the row-level security of sql/004_isolation.sql. Kept so that
     * it is set only when the caller changes; a rollback may take a set
     * back, so any failure forgets it. */
    bool scope_set;
    bool scoping; /* db_tenant is setting it: its statements run unscoped */
    char scope_account[13];
    char scope_region[64];
    struct store *reader;            /* the --db-read replica's connection, or NULL */
    uint64_t replayed;               /* (a reader) the WAL position it last said it had replayed */
    unsigned write_keys[WRITE_KEYS]; /* the writer_slot of each tenant the request wrote */
    unsigned write_key_count;
};

/* Read-your-writes over a replica: the primary's WAL position after the last
 * write this instance made for each tenant, by writer_slot, shared by every
 * worker. Tenants sharing a slot only make each other's reads wait longer. */
static _Atomic uint64_t last_write_lsn[WRITER_SLOTS];

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void forget_connection(struct store *st)
{
    if (st->conn)
        PQfinish(st->conn);
    st->conn = NULL;
    st->tx_depth = 0;
    st->pending_tenant = 0;
    st->audit_request[0] = '\0';
    st->audit_pending = false;
    st->scope_set = false;
    st->replayed = 0;
    for (unsigned i = 0; i < STMT_SLOTS; i++) {
        free(st->stmts[i].sql);
        st->stmts[i].sql = NULL;
    }
}

/* Whether the idle connection was closed by the server (a restart, an
 * administrator, an idle timeout). An idle session is sent nothing we wait
 * for (no LISTEN), so anything waiting on the socket is the server's farewell
 * or end of file. Checked before a request's first statement, so that a
 * restarted database costs no request a 503. */
static bool closed_while_idle(struct store *st)
{
    struct pollfd p = {.fd = PQsocket(st->conn), .events = POLLIN};
    return st->tx_depth == 0 && poll(&p, 1, 0) != 0;
}

static bool connect_now(struct store *st)
{
    if (st->conn && PQstatus(st->conn) == CONNECTION_OK && !closed_while_idle(st))
        return true;
    forget_connection(st);
    /* While the database is away a worker tries again at most every
     * RECONNECT_PAUSE_S: requests meanwhile fail at once, and the log gets a
     * line when an outage starts and one when it ends, not one per request. */
    double now = ldtime_monotonic();
    if (now < st->retry_at)
        return false;
    /* A default the conninfo may override: an unreachable host must not hold
     * a worker for the kernel's connect timeout (minutes). */
    static const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const vals[] = {"2", st->conninfo, NULL};
    st->conn = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(st->conn) != CONNECTION_OK) {
        if (!st->down)
            fprintf(stderr, "lineaged: database connection failed: %s", PQerrorMessage(st->conn));
        st->down = true;
        st->retry_at = now + RECONNECT_PAUSE_S;
        forget_connection(st);
        return false;
    }
    if (st->down)
        fputs("lineaged: database connection restored\n", stderr);
    st->down = false;
    st->connects++;
    /* A runaway statement must not hold a worker forever. JIT compilation
     * costs tens of milliseconds where the service's statements take one. The
     * service role of sql/004_isolation.sql is bound by row-level security,
     * which the owner that connected is not. */
    PGresult *res =
        PQexec(st->conn, "set statement_timeout = '30s'; set jit = off; set role lineaged_service");
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "lineaged: cannot take the service role: %s", PQresultErrorMessage(res));
    PQclear(res);
    if (!ok)
        forget_connection(st);
    return ok;
}

struct store *store_open(const char *conninfo)
{
    struct store *st = calloc(1, sizeof *st);
    if (!st || !(st->conninfo = strdup(conninfo))) {
        fputs("lineaged: out of memory\n", stderr);
        abort();
    }
    connect_now(st);
    return st;
}

bool store_connected(const struct store *st)
{
    return st->conn != NULL;
}

unsigned long store_connects(const struct store *st)
{
    return st->connects;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    store_close(st->reader);
    forget_connection(st);
    free(st->conninfo);
    free(st);
}

void store_add_reader(struct store *st, const char *conninfo)
{
    st->reader = store_open(conninfo);
}

static unsigned writer_slot(const struct request *r)
{
    return (unsigned)((fnv1a(r->account) * 31 + fnv1a(r->region)) % WRITER_SLOTS);
}

/* A pg_lsn's text ("16/B374D848") as a number; 0 when it is not one. */
static uint64_t parse_lsn(const char *s)
{
    unsigned hi, lo;
    return sscanf(s, "%X/%X", &hi, &lo) == 2 ? (uint64_t)hi << 32 | lo : 0;
}

/* The single value of `sql` run on `st`'s connection, or NULL (cleared by the caller). */
static PGresult *query_one(struct store *st, const char *sql)
{
    PGresult *res = PQexec(st->conn, sql);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        return res;
    PQclear(res);
    forget_connection(st);
    return NULL;
}

/* After a write request: the WAL position its commit lies before, for the
 * tenants it wrote (the insert position also covers commits not yet flushed). */
static void remember_writes(struct store *st)
{
    PGresult *res = st->conn ? query_one(st, "select pg_current_wal_insert_lsn()") : NULL;
    uint64_t lsn = res ? parse_lsn(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    for (unsigned i = 0; lsn && i < st->write_key_count; i++) {
        _Atomic uint64_t *slot = &last_write_lsn[st->write_keys[i]];
        uint64_t seen = atomic_load(slot);
        while (seen < lsn && !atomic_compare_exchange_weak(slot, &seen, lsn))
            ;
    }
    st->write_key_count = 0;
}

/* Whether the wire operation only reads (the API's naming holds for every
 * operation lineaged serves). */
static bool reads_only(const char *op)
{
    static const char *const verbs[] = {"Describe", "List", "Search", "Query", "BatchGet", "Get"};
    for (size_t i = 0; op && i < sizeof verbs / sizeof *verbs; i++)
        if (strncmp(op, verbs[i], strlen(verbs[i])) == 0)
            return true;
    return false;
}

struct store *store_route(struct store *st, const struct request *r)
{
    struct store *rd = st->reader;
    if (!rd || !reads_only(r->operation) || !connect_now(rd))
        return st;
    uint64_t need = atomic_load(&last_write_lsn[writer_slot(r)]);
    if (need > rd->replayed) {
        /* NULL: not in recovery, so a server that has every write it serves. */
        PGresult *res = query_one(rd, "select pg_last_wal_replay_lsn()");
        if (!res)
            return st;
        rd->replayed = PQgetisnull(res, 0, 0) ? UINT64_MAX : parse_lsn(PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    return need > rd->replayed ? st : rd; /* behind the caller's write: the primary answers */
}

bool store_healthy(struct store *st)
{
    if (!connect_now(st))
        return false;
    PGresult *res = PQexec(st->conn, "select 1");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    if (!ok)
        forget_connection(st);
    return ok;
}

bool store_end_request(struct store *st)
{
    if (st->tx_depth > 0 && st->conn) {
        PGresult *res = PQexec(st->conn, "rollback");
        PQclear(res);
        /* Settings made in the transaction went with it. */
        st->scope_set = false;
        st->audit_request[0] = '\0';
    }
    st->audit_pending = false;
    st->tx_depth = 0;
    st->pending_tenant = 0;
    if (st->reader && st->write_key_count)
        remember_writes(st);
    st->write_key_count = 0;
    bool conflict = st->conflict;
    st->conflict = false;
    return conflict;
}

static void clear_result(void *p)
{
    PQclear(p);
}

static enum ld_err fail_unavailable(struct request *r)
{
    return req_fail(r, LD_ERR_UNAVAILABLE, "The service is unavailable: its database cannot be reached.");
}

/* Maps a failed result to the request's error; internal detail goes to the log. */
static void fail_from_result(struct request *r, const PGresult *res)
{
    struct store *st = r->store;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    st->scope_set = false;
    fprintf(stderr, "lineaged: request %s: database error %s: %s", r->id, state ? state : "-",
            res ? PQresultErrorMessage(res) : PQerrorMessage(st->conn));
    if (PQstatus(st->conn) != CONNECTION_OK ||
        (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0))) {
        forget_connection(st);
        fail_unavailable(r);
        return;
    }
    /* Data the model allows but the database cannot hold (text it cannot
     * encode, a value too large for an index) is the client's to change. */
    if (state && (strncmp(state, "22", 2) == 0 || strcmp(state, "54000") == 0)) {
        req_fail(r, LD_ERR_VALIDATION, "A value in the request cannot be stored: %s",
                 strncmp(state, "22", 2) == 0 ? "it is not valid text or not in range."
                                              : "it is too large to index.");
        return;
    }
    if (state && (strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0)) {
        st->conflict = true;
        req_fail(r, LD_ERR_UNAVAILABLE, "The request conflicted with concurrent ones; retry it.");
        return;
    }
    if (state && strcmp(state, "57014") == 0) {
        req_fail(r, LD_ERR_UNAVAILABLE, "The request took too long and was cancelled.");
        return;
    }
    /* A deadlock or serialization failure: the same request succeeds when retried. */
    if (state && strncmp(state, "40", 2) == 0) {
        req_fail(r, LD_ERR_UNAVAILABLE, "The request collided with a concurrent one; retry it.");
        return;
    }
    req_fail(r, LD_ERR_INTERNAL, "An internal error occurred (request %s).", r->id);
}

/* The name of the prepared statement for `sql`, preparing it on first use. */
static const char *prepared_name(struct request *r, const char *sql, int n, char name[24])
{
    struct store *st = r->store;
    uint64_t h = fnv1a(sql);
    unsigned i = (unsigned)(h % STMT_SLOTS);
    for (unsigned probe = 0; probe < STMT_SLOTS; probe++, i = (i + 1) % STMT_SLOTS) {
        struct stmt_slot *s = &st->stmts[i];
        snprintf(name, 24, "s%u", i);
        if (s->sql && s->hash == h && strcmp(s->sql, sql) == 0)
            return name;
        if (s->sql)
            continue;
        PGresult *res = PQprepare(st->conn, name, sql, n, NULL);
        bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
            fail_from_result(r, res);
        PQclear(res);
        if (!ok)
            return NULL;
        s->sql = strdup(sql);
        s->hash = h;
        return s->sql ? name : NULL;
    }
    /* The cache is full of distinct texts: run this one unprepared. */
    return "";
}

/* Whether the session's lineaged.tenant names the caller's tenant. */
static bool scoped_to(const struct store *st, const struct request *r)
{
    return st->scope_set && strcmp(st->scope_account, r->account) == 0 &&
           strcmp(st->scope_region, r->region) == 0;
}

/* The caller's names for the history triggers; session-wide (not
 * transaction-local), so a request sets them once however many statements
 * and transactions it runs. */
#define AUDIT_SQL                                                                                            \
    "select set_config('lineaged.request_id', $1, false), set_config('lineaged.access_key', $2, false),"     \
    " set_config('lineaged.operation', $3, false)"
#define SET_LOCAL_SQL "select set_config($1, $2, true)"

/* One statement of a pipeline: its text, parameters and prepared name. */
struct piped {
    const char *sql;
    int n;
    const char *const *vals;
    const int *lengths, *formats; /* NULL when every parameter is text */
    const char *stmt;             /* "" to run it unprepared */
    char name[24];
};

static int send_piped(PGconn *c, const struct piped *q)
{
    return *q->stmt ? PQsendQueryPrepared(c, q->stmt, q->n, q->vals, q->lengths, q->formats, 0)
                    : PQsendQueryParams(c, q->sql, q->n, NULL, q->vals, q->lengths, q->formats, 0);
}

/* Runs the statements in one round trip (a libpq pipeline: one implicit
 * transaction outside an open one, so a failure takes back them all) and
 * returns the first failed result, else the last one's; with `kept`, the
 * others' results go into kept[i] rather than being cleared (the caller's to
 * clear). NULL after req_fail when the connection broke. */
static PGresult *exec_piped(struct request *r, const struct piped *q, int count, PGresult **kept)
{
    struct store *st = r->store;
    PGconn *c = st->conn;
    if (count == 1) {
        PGresult *res = *q->stmt ? PQexecPrepared(c, q->stmt, q->n, q->vals, q->lengths, q->formats, 0)
                                 : PQexecParams(c, q->sql, q->n, NULL, q->vals, q->lengths, q->formats, 0);
        if (!res) /* out of memory, or the link broke */
            fail_from_result(r, NULL);
        return res;
    }
    bool sent = PQenterPipelineMode(c);
    for (int i = 0; sent && i < count; i++)
        sent = send_piped(c, &q[i]);
    PGresult *last = NULL, *failed = NULL, *x;
    if (sent && PQpipelineSync(c))
        for (int i = 0; i < count; i++)
            while ((x = PQgetResult(c)) != NULL) { /* each statement's results end with a NULL */
                ExecStatusType status = PQresultStatus(x);
                if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && !failed)
                    failed = x;
                else if (i == count - 1 && !last)
                    last = x;
                else if (kept && !kept[i])
                    kept[i] = x;
                else
                    PQclear(x);
            }
    PGresult *res = failed ? failed : last;
    PQclear(failed ? last : NULL);
    x = sent ? PQgetResult(c) : NULL; /* the sync */
    bool synced = x && PQresultStatus(x) == PGRES_PIPELINE_SYNC;
    PQclear(x);
    if (!synced || !PQexitPipelineMode(c) || !res) { /* results unread or a broken link: unusable */
        PQclear(res);
        forget_connection(st);
        fail_unavailable(r);
        return NULL;
    }
    return res;
}

/* Runs the `count` statements `s` in one round trip, with `setting` =
 * `value` (when given) in force for their transaction; the caller's audit
 * settings, when db_audit asked for them, and the setting travel with them.
 * Each statement's result goes into out[i] (cleared with the arena); false
 * after req_fail, or with `v` filled for a constraint violation. */
static bool run_with(struct request *r, const char *setting, const char *value, const struct db_stmt *s,
                     int count, PGresult **out, struct db_violation *v)
{
    struct store *st = r->store;
    if (!connect_now(st)) {
        fail_unavailable(r);
        return false;
    }
    int32_t tenant;
    if (!st->scoping && !scoped_to(st, r) && db_tenant(r, false, &tenant) != LD_OK)
        return false;
    const char *audit_vals[] = {r->id, r->access_key, r->operation ? r->operation : ""};
    const char *set_vals[] = {setting, value};
    struct piped q[2 + DB_MAX_PIPED];
    PGresult *kept[2 + DB_MAX_PIPED] = {0};
    int total = 0;
    bool audit = st->audit_pending;
    if (audit)
        q[total++] = (struct piped){.sql = AUDIT_SQL, .n = 3, .vals = audit_vals};
    if (setting)
        q[total++] = (struct piped){.sql = SET_LOCAL_SQL, .n = 2, .vals = set_vals};
    int first = total;
    for (int i = 0; i < count; i++)
        q[total++] = (struct piped){.sql = s[i].sql,
                                    .n = s[i].n,
                                    .vals = s[i].vals,
                                    .lengths = s[i].lengths,
                                    .formats = s[i].formats};
    for (int i = 0; i < total; i++)
        if (!(q[i].stmt = prepared_name(r, q[i].sql, q[i].n, q[i].name)))
            return false;
    PGresult *res = exec_piped(r, q, total, count > 1 ? kept : NULL);
    if (!res)
        return false;
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        if (audit) {
            st->audit_pending = false;
            snprintf(st->audit_request, sizeof st->audit_request, "%s", r->id);
        }
        kept[total - 1] = res;
        for (int i = 0; i < first; i++)
            PQclear(kept[i]); /* the settings' */
        for (int i = 0; i < count; i++)
            arena_defer(r->arena, clear_result, out[i] = kept[first + i]);
        return true;
    }
    for (int i = 0; i < total; i++)
        PQclear(kept[i]);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (v && state && strncmp(state, "23", 2) == 0) {
        const char *c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        memcpy(v->sqlstate, state, 5);
        v->sqlstate[5] = '\0';
        v->constraint = arena_strdup(r->arena, c ? c : "");
        st->scope_set = false; /* its transaction is lost, and a set made in it */
        PQclear(res);
        return false;
    }
    fail_from_result(r, res);
    PQclear(res);
    return false;
}

PGresult *db_run(struct request *r, const char *sql, int n, const char *const *vals, struct db_violation *v)
{
    PGresult *res;
    return run_with(r, NULL, NULL, &(struct db_stmt){.sql = sql, .n = n, .vals = vals}, 1, &res, v) ? res
                                                                                                    : NULL;
}

PGresult *db_run_binary(struct request *r, const char *sql, int n, const char *const *vals,
                        const int *lengths, const int *formats)
{
    PGresult *res;
    const struct db_stmt s = {.sql = sql, .n = n, .vals = vals, .lengths = lengths, .formats = formats};
    return run_with(r, NULL, NULL, &s, 1, &res, NULL) ? res : NULL;
}

PGresult *db_run_set(struct request *r, const char *setting, const char *value, const char *sql, int n,
                     const char *const *vals)
{
    PGresult *res;
    return run_with(r, setting, value, &(struct db_stmt){.sql = sql, .n = n, .vals = vals}, 1, &res, NULL)
               ? res
               : NULL;
}

bool db_run_each(struct request *r, const struct db_stmt *s, int count, PGresult **out)
{
    if (count > DB_MAX_PIPED) { /* a caller's mistake, never the client's */
        req_fail(r, LD_ERR_INTERNAL, "An internal error occurred (request %s).", r->id);
        return false;
    }
    return run_with(r, NULL, NULL, s, count, out, NULL);
}

enum ld_err db_begin(struct request *r)
{
    if (r->store->tx_depth++ > 0)
        return LD_OK;
    if (!db_run(r, "begin", 0, NULL, NULL)) {
        r->store->tx_depth = 0;
        return r->error;
    }
    return LD_OK;
}

enum ld_err db_commit(struct request *r)
{
    if (--r->store->tx_depth > 0)
        return LD_OK;
    r->store->tx_depth = 0;
    r->store->pending_tenant = 0;
    return db_run(r, "commit", 0, NULL, NULL) ? LD_OK : r->error;
}

enum ld_err store_begin(struct request *r)
{
    /* Outside the transaction: the tenant and group caches must never hold
     * rows a rollback took back. */
    if (r->store->tx_depth == 0) {
        int32_t tenant = 0;
        enum ld_err e = db_tenant(r, true, &tenant);
        if (e == LD_OK)
            e = db_lineage_group(r, tenant);
        if (e != LD_OK)
            return e;
    }
    return db_begin(r);
}

enum ld_err store_commit(struct request *r)
{
    return db_commit(r);
}

/* Runs a statement of db_tenant's, which sets lineaged.tenant itself. */
static PGresult *run_unscoped(struct request *r, const char *sql, int n, const char *const *vals)
{
    r->store->scoping = true;
    PGresult *res = db_run(r, sql, n, vals, NULL);
    r->store->scoping = false;
    return res;
}

/* Notes that lineaged.tenant now names `tenant`, the caller's. A caller
 * without a tenant yet (0) is not noted: another connection may create it. */
static void scope_note(struct store *st, const struct request *r, int32_t tenant)
{
    st->scope_set = tenant != 0;
    snprintf(st->scope_account, sizeof st->scope_account, "%s", r->account);
    snprintf(st->scope_region, sizeof st->scope_region, "%s", r->region);
}

enum ld_err db_tenant(struct request *r, bool create, int32_t *id_out)
{
    struct store *st = r->store;
    for (unsigned i = 0; i < st->tenant_count; i++) {
        struct tenant_slot *t = &st->tenants[i];
        if (strcmp(t->account, r->account) == 0 && strcmp(t->region, r->region) == 0) {
            *id_out = t->id;
            if (scoped_to(st, r))
                return LD_OK;
            /* The round trip a connection pays when its caller changes tenant. */
            const char *val[] = {db_param_int(r, t->id)};
            if (!run_unscoped(r, "select set_config('lineaged.tenant', $1, false)", 1, val))
                return r->error;
            scope_note(st, r, *id_out);
            return LD_OK;
        }
    }
    /* The lookup names the tenant it finds (0: none) in the same round trip. */
    const char *vals[] = {r->account, r->region};
    PGresult *res = run_unscoped(r,
                                 "select t.id, set_config('lineaged.tenant', coalesce(t.id, 0)::text, false) "
                                 "from (values (1)) v left join tenant t on t.account = $1 and t.region = $2",
                                 2, vals);
    if (!res)
        return r->error;
    /* A row the open transaction inserted may yet be rolled back: it is
     * cached by the next request to find it outside such a transaction. */
    bool inserted = false;
    if (PQgetisnull(res, 0, 0) && create) {
        res = run_unscoped(r,
                           "insert into tenant (account, region) values ($1, $2) "
                           "on conflict (account, region) do update set account = excluded.account "
                           "returning id, set_config('lineaged.tenant', id::text, false)",
                           2, vals);
        if (!res)
            return r->error;
        inserted = true;
    }
    *id_out = PQgetisnull(res, 0, 0) ? 0 : (int32_t)db_int64(res, 0, 0);
    scope_note(st, r, *id_out);
    bool committed = st->tx_depth == 0 || (!inserted && *id_out != st->pending_tenant);
    if (inserted && st->tx_depth > 0)
        st->pending_tenant = *id_out;
    if (*id_out && committed && st->tenant_count < TENANT_SLOTS) {
        struct tenant_slot *t = &st->tenants[st->tenant_count++];
        snprintf(t->account, sizeof t->account, "%s", r->account);
        snprintf(t->region, sizeof t->region, "%s", r->region);
        t->id = *id_out;
    }
    return LD_OK;
}

enum ld_err db_audit(struct request *r)
{
    struct store *st = r->store;
    unsigned slot = writer_slot(r), k = 0;
    while (k < st->write_key_count && st->write_keys[k] != slot)
        k++;
    if (k == st->write_key_count && k < WRITE_KEYS) /* more tenants than that in one request: none */
        st->write_keys[st->write_key_count++] = slot;
    if (strcmp(st->audit_request, r->id) != 0)
        st->audit_pending = true;
    return LD_OK;
}

const char *db_lineage_group_arn(struct request *r)
{
    return arena_printf(r->arena, "arn:aws:sagemaker:%s:%s:lineage-group/" LD_LINEAGE_GROUP, r->region,
                        r->account);
}

enum ld_err db_lineage_group(struct request *r, int32_t tenant)
{
    struct store *st = r->store;
    struct tenant_slot *slot = NULL;
    for (unsigned i = 0; i < st->tenant_count; i++)
        if (st->tenants[i].id == tenant)
            slot = &st->tenants[i];
    if (slot && slot->has_lineage_group)
        return LD_OK;
    const char *vals[] = {db_param_int(r, tenant), db_lineage_group_arn(r)};
    if (!db_run(
            r,
            "insert into lineage_group (tenant_id, name, arn, display_name) values ($1, '" LD_LINEAGE_GROUP
            "', $2, '" LD_LINEAGE_GROUP "') on conflict (tenant_id, name) do nothing",
            2, vals, NULL))
        return r->error;
    if (slot && st->tx_depth == 0) /* else it may yet be rolled back */
        slot->has_lineage_group = true;
    return LD_OK;
}

const char *db_text(struct request *r, const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return arena_strndup(r->arena, PQgetvalue(res, row, col), (size_t)PQgetlength(res, row, col));
}

int64_t db_int64(const PGresult *res, int row, int col)
{
    /* PostgreSQL prints an integer as an optional '-' and digits: read them
     * without strtoll's locale and base machinery (a page of metric
     * summaries reads thousands). */
    const char *p = PQgetvalue(res, row, col);
    bool negative = *p == '-';
    uint64_t v = 0;
    for (p += negative; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    return negative ? (int64_t)(0 - v) : (int64_t)v;
}

double db_float8(const PGresult *res, int row, int col)
{
    const char *p = PQgetvalue(res, row, col);
    uint64_t bits = 0;
    if (p[0] == '\\' && p[1] == 'x')
        for (p += 2; *p; p++)
            bits = bits << 4 | (uint64_t)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* Writes `v` in decimal at `p`; returns the end. A metrics batch formats
 * hundreds of numbers, where printf's machinery cost more than the rest. */
static char *put_decimal(char *p, int64_t v)
{
    char digits[20];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        digits[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = digits[--n];
    return p;
}

const char *db_param_int(struct request *r, int64_t v)
{
    char *out = arena_alloc(r->arena, 21);
    *put_decimal(out, v) = '\0';
    return out;
}

const char *db_param_double(struct request *r, double v)
{
    if (!isfinite(v))
        return arena_printf(r->arena, "%g", v); /* inf, -inf, nan: float8in reads them */
    /* C99 hexadecimal notation (0x1.<52 bits>p<exponent>), which float8in
     * reads with strtod: exact by construction, and several times cheaper to
     * write than 17 significant decimal digits. */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    char *out = arena_alloc(r->arena, 32), *p = out;
    if (bits >> 63)
        *p++ = '-';
    memcpy(p, biased ? "0x1." : "0x0.", 4);
    p += 4;
    for (int shift = 48; shift >= 0; shift -= 4)
        *p++ = "0123456789abcdef"[bits >> shift & 0xf];
    *p++ = 'p';
    *put_decimal(p, biased ? biased - 1023 : -1022) = '\0';
    return out;
}

const char *db_param_array(struct request *r, const char *const *items, size_t n, bool quote)
{
    size_t cap = 3;
    for (size_t i = 0; i < n; i++)
        cap += (items[i] ? 2 * strlen(items[i]) + 3 : 5);
    char *out = arena_alloc(r->arena, cap), *p = out;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        if (!items[i]) {
            memcpy(p, "NULL", 4);
            p += 4;
            continue;
        }
        if (quote)
            *p++ = '"';
        for (const char *c = items[i]; *c; c++) {
            if (quote && (*c == '"' || *c == '\\'))
                *p++ = '\\';
            *p++ = *c;
        }
        if (quote)
            *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    return out;
}

/* PostgreSQL's binary array layout (array_recv): dimensions, a has-NULLs
 * flag, the element type, then per dimension its size and lower bound; then
 * each element's length (-1 for NULL) and bytes, all integers big-endian. */
enum { ARRAY_HEADER = 20 };

static unsigned char *put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int k = bytes - 1; k >= 0; k--)
        *p++ = (unsigned char)(v >> (8 * k));
    return p;
}

void db_array_begin(struct request *r, struct db_array *a, enum db_elem type, size_t n)
{
    static const uint32_t oids[] = {[DB_INT4] = 23, [DB_INT8] = 20, [DB_FLOAT8] = 701};
    a->type = type;
    a->data = arena_alloc(r->arena, ARRAY_HEADER + n * 12);
    a->end = put_be(a->data, 1, 4);
    a->end = put_be(a->end, 0, 4);
    a->end = put_be(a->end, oids[type], 4);
    a->end = put_be(a->end, n, 4);
    a->end = put_be(a->end, 1, 4);
}

void db_array_int(struct db_array *a, int64_t v, bool null)
{
    if (null) {
        a->data[7] = 1; /* the has-NULLs flag's low byte */
        a->end = put_be(a->end, UINT32_MAX, 4);
        return;
    }
    int bytes = a->type == DB_INT4 ? 4 : 8;
    a->end = put_be(a->end, (uint64_t)bytes, 4);
    a->end = put_be(a->end, (uint64_t)v, bytes);
}

void db_array_double(struct db_array *a, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    a->end = put_be(a->end, 8, 4);
    a->end = put_be(a->end, bits, 8);
}

int db_array_length(const struct db_array *a)
{
    return (int)(a->end - a->data);
}
