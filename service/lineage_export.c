/* lineage-export: the lineage graph around start vertices, live or as of a
 * past moment, written as DOT, SVG or JSON with a manifest (query, time,
 * counts, SHA-256) beside it, for audits. Same walk as GET /api/v1/lineage. */
#include <getopt.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_write.h"
#include "lineaged/export.h"
#include "lineaged/store.h"
#include "lineaged/timefmt.h"

/* Exit codes scripts can rely on (documented in --help and the README). */
enum {
    EXIT_OK = 0,
    EXIT_FAILURE_OTHER = 1, /* an unexpected failure (Graphviz, the database answering an error) */
    EXIT_USAGE = 2,         /* bad arguments, e.g. an unreadable --as-of time */
    EXIT_DATABASE = 3,      /* the database cannot be reached */
    EXIT_NOT_FOUND = 4,     /* a --start ARN is not in the account and region (then) */
    EXIT_OUTPUT = 5,        /* the output or manifest cannot be written */
};

enum { MAX_STARTS = 100 };

static void usage(FILE *to)
{
    fputs("usage: lineage-export --start ARN [--start ARN...] [options]\n"
          "\n"
          "Writes the lineage graph around the start entities (walked upstream and\n"
          "downstream) as DOT, SVG or JSON, live or as it was at a past moment, and\n"
          "beside the output FILE a manifest FILE.manifest.json with the query, the\n"
          "time it ran, the counts and the SHA-256 of the output.\n"
          "\n"
          "  --start ARN        a start entity (repeatable, up to 100)\n"
          "  --up N             associations to follow upstream (default 2)\n"
          "  --down N           associations to follow downstream (default 2)\n"
          "  --budget N         most vertices per walk (per start and direction;\n"
          "                     default 10000); where it stops, \"N more\" markers\n"
          "  --as-of TIME       the graph as it was then: ISO-8601\n"
          "                     (2024-01-02T03:04:05Z) or epoch seconds\n"
          "  --format F         dot, svg or json (default: from -o's extension, else json)\n"
          "  -o FILE            output file (default: standard output, no manifest)\n"
          "  --history          add the audit history of every exported vertex and of\n"
          "                     the associations touching it (json: a \"history\" member;\n"
          "                     dot/svg: FILE.history.json, listed in the manifest)\n"
          "  --db URL           the database (libpq conninfo or postgresql:// URL)\n"
          "  --home DIR         the private cluster scripts/run keeps (default .lineaged,\n"
          "                     its socket in DIR/run, database lineaged)\n"
          "  --account ID       the 12-digit account (default 123456789012)\n"
          "  --region NAME      the region (default us-east-1)\n"
          "  -h, --help         this text\n"
          "\n"
          "Exit codes: 0 written; 1 unexpected failure; 2 bad arguments or time;\n"
          "3 database unreachable; 4 unknown start ARN; 5 output not writable.\n",
          to);
}

static int fail(int code, const char *fmt, const char *arg)
{
    fputs("lineage-export: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return code;
}

/* A whole number in [lo, hi] from `s`, or -1. */
static long number(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    return (*s && !*end && v >= lo && v <= hi) ? v : -1;
}

/* Epoch ms as ISO-8601 UTC with milliseconds. */
static const char *iso(struct arena *a, int64_t ms)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    char buf[32];
    gmtime_r(&s, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return arena_printf(a, "%s.%03dZ", buf, (int)(ms % 1000));
}

static const char *sha256_hex(struct arena *a, const char *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char *hex = arena_alloc(a, 2 * EVP_MAX_MD_SIZE + 1);
    if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1)
        return "";
    for (unsigned int i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return hex;
}

static bool write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static void delete_tree(void *p)
{
    cJSON_Delete(p);
}

static const char *print_owned(struct arena *a, cJSON *v)
{
    size_t len;
    return json_write(a, v, true, &len);
}

struct options {
    const char *starts[MAX_STARTS];
    size_t start_count;
    long up, down, budget;
    bool has_as_of, history;
    int64_t as_of_ms;
    const char *format, *output, *db, *home, *account, *region;
};

static int parse(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {{"start", required_argument, NULL, 's'},
                                          {"up", required_argument, NULL, 'u'},
                                          {"down", required_argument, NULL, 'd'},
                                          {"budget", required_argument, NULL, 'b'},
                                          {"as-of", required_argument, NULL, 't'},
                                          {"format", required_argument, NULL, 'f'},
                                          {"db", required_argument, NULL, 'D'},
                                          {"home", required_argument, NULL, 'H'},
                                          {"account", required_argument, NULL, 'a'},
                                          {"region", required_argument, NULL, 'r'},
                                          {"history", no_argument, NULL, 'y'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    *o = (struct options){.up = 2,
                          .down = 2,
                          .budget = 10000,
                          .home = ".lineaged",
                          .account = "123456789012",
                          .region = "us-east-1"};
    int c;
    while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        switch (c) {
        case 's':
            if (o->start_count == MAX_STARTS)
                return fail(EXIT_USAGE, "at most %s --start options", "100");
            o->starts[o->start_count++] = optarg;
            break;
        case 'u':
        case 'd':
            if ((*(c == 'u' ? &o->up : &o->down) = number(optarg, 0, 1000)) < 0)
                return fail(EXIT_USAGE, "--up and --down take a number from 0 to 1000, not '%s'", optarg);
            break;
        case 'b':
            if ((o->budget = number(optarg, 1, 10000000)) < 0)
                return fail(EXIT_USAGE, "--budget takes a number from 1 to 10000000, not '%s'", optarg);
            break;
        case 't':
            o->has_as_of = true;
            if (!ldtime_parse_text(optarg, &o->as_of_ms))
                return fail(
                    EXIT_USAGE,
                    "--as-of '%s' is not a time: give ISO-8601 (2024-01-02T03:04:05Z) or epoch seconds",
                    optarg);
            break;
        case 'f':
            o->format = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'D':
            o->db = optarg;
            break;
        case 'H':
            o->home = optarg;
            break;
        case 'a':
            if (number(optarg, 0, 999999999999L) < 0 || strlen(optarg) != 12)
                return fail(EXIT_USAGE, "--account takes 12 digits, not '%s'", optarg);
            o->account = optarg;
            break;
        case 'r':
            o->region = optarg;
            break;
        case 'y':
            o->history = true;
            break;
        case 'h':
            usage(stdout);
            exit(EXIT_OK);
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return fail(EXIT_USAGE, "unexpected argument '%s' (see --help)", argv[optind]);
    if (!o->start_count)
        return fail(EXIT_USAGE, "%s", "give at least one --start ARN (see --help)");
    if (!o->format) {
        const char *dot = o->output ? strrchr(o->output, '.') : NULL;
        o->format = dot && (strcmp(dot, ".dot") == 0 || strcmp(dot, ".gv") == 0) ? "dot"
                    : dot && strcmp(dot, ".svg") == 0                            ? "svg"
                                                                                 : "json";
    }
    if (strcmp(o->format, "dot") != 0 && strcmp(o->format, "svg") != 0 && strcmp(o->format, "json") != 0)
        return fail(EXIT_USAGE, "--format is dot, svg or json, not '%s'", o->format);
    return EXIT_OK;
}

/* The request's error as an exit code, with its message. */
static int request_failure(const struct request *r)
{
    int code = r->error == LD_ERR_NOT_FOUND     ? EXIT_NOT_FOUND
               : r->error == LD_ERR_UNAVAILABLE ? EXIT_DATABASE
               : r->error == LD_ERR_VALIDATION  ? EXIT_USAGE
                                                : EXIT_FAILURE_OTHER;
    return fail(code, "%s", r->message ? r->message : "failed");
}

/* The history of every vertex in the view, keyed by ARN; NULL on failure. */
static cJSON *view_history(struct request *r, const struct lineage_view *view)
{
    const char **arns = arena_alloc(r->arena, (view->vertex_count + 1) * sizeof *arns);
    for (size_t i = 0; i < view->vertex_count; i++)
        arns[i] = view->vertices[i].v->arn;
    cJSON *out = cJSON_CreateObject();
    arena_defer(r->arena, delete_tree, out);
    return store_history(r, arns, view->vertex_count, out) == LD_OK ? out : NULL;
}

static size_t history_rows(const cJSON *history)
{
    size_t n = 0;
    for (const cJSON *rows = history ? history->child : NULL; rows; rows = rows->next)
        n += (size_t)cJSON_GetArraySize(rows);
    return n;
}

static int run(struct request *r, const struct options *o)
{
    struct view_query q = {.starts = o->starts,
                           .start_count = o->start_count,
                           .up = (int)o->up,
                           .down = (int)o->down,
                           .budget = (size_t)o->budget,
                           .has_as_of = o->has_as_of,
                           .as_of_ms = o->as_of_ms};
    int64_t ran_at = ldtime_now_ms();
    struct lineage_view view;
    if (graph_lineage_view(r, &q, &view) != LD_OK)
        return request_failure(r);
    cJSON *history = o->history ? view_history(r, &view) : NULL;
    if (o->history && !history)
        return request_failure(r);

    const char *text = NULL;
    size_t len = 0;
    if (strcmp(o->format, "json") == 0)
        text = export_json(r->arena, &view, true, history, &len);
    else
        text = strcmp(o->format, "dot") == 0 ? export_dot(r->arena, &view, &len)
                                             : export_svg(r->arena, &view, &len);
    if (!text)
        return fail(EXIT_FAILURE_OTHER, "cannot render the %s output", o->format);
    if (!o->output)
        return fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0
                   ? EXIT_OK
                   : fail(EXIT_OUTPUT, "%s", "cannot write to standard output");
    if (!write_file(o->output, text, len))
        return fail(EXIT_OUTPUT, "cannot write %s", o->output);

    cJSON *m = cJSON_CreateObject();
    arena_defer(r->arena, delete_tree, m);
    cJSON_AddStringToObject(m, "tool", "lineage-export " LINEAGED_VERSION);
    cJSON *query = cJSON_AddObjectToObject(m, "query");
    cJSON *starts = cJSON_AddArrayToObject(query, "starts");
    for (size_t i = 0; i < o->start_count; i++)
        cJSON_AddItemToArray(starts, cJSON_CreateString(o->starts[i]));
    cJSON_AddNumberToObject(query, "up", (double)o->up);
    cJSON_AddNumberToObject(query, "down", (double)o->down);
    cJSON_AddNumberToObject(query, "budget", (double)o->budget);
    if (o->has_as_of)
        cJSON_AddStringToObject(query, "asOf", iso(r->arena, o->as_of_ms));
    else
        cJSON_AddNullToObject(query, "asOf");
    cJSON_AddStringToObject(query, "account", o->account);
    cJSON_AddStringToObject(query, "region", o->region);
    cJSON_AddStringToObject(query, "format", o->format);
    cJSON_AddBoolToObject(query, "history", o->history);
    cJSON_AddStringToObject(m, "ranAt", iso(r->arena, ran_at));
    cJSON *counts = cJSON_AddObjectToObject(m, "counts");
    cJSON_AddNumberToObject(counts, "vertices", (double)view.vertex_count);
    cJSON_AddNumberToObject(counts, "edges", (double)view.edge_count);
    cJSON_AddNumberToObject(counts, "truncated", (double)view.marker_count);
    if (history)
        cJSON_AddNumberToObject(counts, "historyRows", (double)history_rows(history));
    cJSON *output = cJSON_AddObjectToObject(m, "output");
    cJSON_AddStringToObject(output, "file", o->output);
    cJSON_AddNumberToObject(output, "bytes", (double)len);
    cJSON_AddStringToObject(output, "sha256", sha256_hex(r->arena, text, len));
    if (history && strcmp(o->format, "json") != 0) {
        const char *path = arena_printf(r->arena, "%s.history.json", o->output);
        const char *h = print_owned(r->arena, history);
        if (!h || !write_file(path, h, strlen(h)))
            return fail(EXIT_OUTPUT, "cannot write %s", path);
        cJSON *hf = cJSON_AddObjectToObject(m, "historyFile");
        cJSON_AddStringToObject(hf, "file", path);
        cJSON_AddNumberToObject(hf, "bytes", (double)strlen(h));
        cJSON_AddStringToObject(hf, "sha256", sha256_hex(r->arena, h, strlen(h)));
    }
    const char *manifest_path = arena_printf(r->arena, "%s.manifest.json", o->output);
    const char *manifest = print_owned(r->arena, m);
    if (!manifest || !write_file(manifest_path, manifest, strlen(manifest)))
        return fail(EXIT_OUTPUT, "cannot write %s", manifest_path);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    struct options o;
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    /* libpq takes a host that starts with '/' as a socket folder. */
    char *home = o.db ? NULL : realpath(o.home, NULL);
    if (!o.db && !home)
        return fail(EXIT_DATABASE, "no cluster under %s: start one with scripts/run, or give --home or --db",
                    o.home);
    struct arena *a = arena_create();
    const char *conninfo =
        o.db ? o.db : arena_printf(a, "host=%s/run dbname=lineaged user=postgres connect_timeout=5", home);
    free(home);
    struct store *st = store_open(conninfo);
    if (!store_healthy(st)) {
        rc = fail(EXIT_DATABASE, "cannot reach the database (%s); start it with scripts/run or give --db",
                  conninfo);
    } else {
        struct request r = {.arena = a,
                            .store = st,
                            .id = "lineage-export",
                            .account = o.account,
                            .region = o.region,
                            .access_key = ""};
        rc = run(&r, &o);
        store_end_request(st);
    }
    store_close(st);
    arena_destroy(a);
    return rc;
}
