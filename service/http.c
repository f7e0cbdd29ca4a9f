/* The only evhttp user: routes, request ids, body limits, replies, workers,
 * and the graceful stop. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lineaged/scope.h"
#include "lineaged/sigv4.h"
#include "lineaged/store.h"
#include "ingest.h"
#include "json_io.h"
#include "lineaged/timefmt.h"
#include "metrics.h"
#include "native_api.h"
#include "ops.h"
#include "web_routes.h"

/* The API's limit; larger bodies (up to the hard cap) get a JSON 413, and
 * evhttp itself refuses anything beyond the hard cap before reading it. */
enum { BODY_LIMIT = 6 * 1024 * 1024, BODY_HARD_CAP = 16 * 1024 * 1024, IDLE_TIMEOUT_S = 60 };

struct worker {
    pthread_t thread;
    const struct service *svc;
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *listener;
    struct event *stop;
    struct store *store;
    struct arena *arena;
    struct metrics *metrics; /* shared; this worker writes shard `index` only */
    int index;
    bool log_requests;
    struct deferred_put *deferred; /* BatchPutMetrics calls not yet answered */
    unsigned long long served;
    unsigned char id_seed[8];
};

static const char JSON_TYPE[] = "application/x-amz-json-1.1";

/* A fresh request id in the UUID layout clients expect. */
static const char *new_request_id(struct worker *w)
{
    unsigned long long n = ++w->served;
    const unsigned char *s = w->id_seed;
    return arena_printf(w->arena, "%02x%02x%02x%02x-%02x%02x-%04x-%04x-%012llx", s[0], s[1], s[2], s[3], s[4],
                        s[5], (unsigned)(pthread_self() & 0xffff), (unsigned)(s[6] << 8 | s[7]),
                        n & 0xffffffffffffULL);
}

static void send_reply(struct evhttp_request *req, const char *request_id, const char *content_type,
                       const struct reply *rep)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", content_type);
    evhttp_add_header(h, "x-amzn-RequestId", request_id);
    if (rep->error_type)
        evhttp_add_header(h, "X-Amzn-ErrorType", rep->error_type);
    for (const char *const *x = rep->headers; x && x[0]; x += 2)
        evhttp_add_header(h, x[0], x[1]);
    struct evbuffer *buf = evbuffer_new();
    evbuffer_add(buf, rep->body, rep->len);
    evhttp_send_reply(req, rep->status, NULL, buf);
    evbuffer_free(buf);
}

static void serve_health(struct worker *w, struct request *r, struct reply *rep)
{
    int up = store_healthy(w->store);
    rep->body = arena_printf(r->arena, "{\"status\":\"%s\",\"version\":\"%s\",\"database\":\"%s\"}",
                             up ? "ok" : "unavailable", LINEAGED_VERSION, up ? "up" : "down");
    rep->len = strlen(rep->body);
    rep->status = up ? 200 : 503;
}

/* Decodes the query string for the native API; the explorer has no SigV4
 * signer, so `account` and `region` parameters choose the scope when the
 * request carries no Authorization header. */
static int serve_native(struct worker *w, struct request *r, const char *uri, const char *path,
                        struct reply *rep)
{
    struct evkeyvalq q;
    const char *query = strchr(uri, '?');
    if (evhttp_parse_query_str(query ? query + 1 : "", &q) != 0) {
        req_fail(r, LD_ERR_VALIDATION, "The query string cannot be read.");
        reply_error(r, rep);
        return 1;
    }
    size_t n = 0, i = 0;
    for (struct evkeyval *kv = q.tqh_first; kv; kv = kv->next.tqe_next)
        n++;
    struct query_param *params = arena_alloc(w->arena, (n ? n : 1) * sizeof *params);
    for (struct evkeyval *kv = q.tqh_first; kv; kv = kv->next.tqe_next, i++)
        params[i] = (struct query_param){arena_strdup(w->arena, kv->key), arena_strdup(w->arena, kv->value)};
    evhttp_clear_headers(&q);
    if (!r->access_key[0])
        for (i = 0; i < n; i++) {
            if (strcmp(params[i].key, "account") == 0)
                r->account = params[i].value;
            if (strcmp(params[i].key, "region") == 0)
                r->region = params[i].value;
        }
    return native_api_serve(r, path, params, n, rep);
}

static void fail_route(struct request *r, struct reply *rep, enum ld_err e, const char *fmt, const char *arg)
{
    req_fail(r, e, fmt, arg);
    reply_error(r, rep);
}

static const char *input_header(void *ctx, const char *name)
{
    return evhttp_find_header(ctx, name);
}

static const char *method_name(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    case EVHTTP_REQ_HEAD:
        return "HEAD";
    default:
        return "OTHER";
    }
}

/* With `--auth sigv4`: false, with the error recorded, unless the request
 * carries a valid signature by a key of the credentials file. */
static bool authentic(const struct service *svc, struct evhttp_request *req, struct request *r, const char *path,
                      const char *body, size_t len)
{
    static const enum ld_err errors[] = {
        [SIGV4_MISSING] = LD_ERR_MISSING_AUTH,
        [SIGV4_INCOMPLETE] = LD_ERR_INCOMPLETE_SIGNATURE,
        [SIGV4_UNKNOWN_KEY] = LD_ERR_UNKNOWN_CLIENT,
        [SIGV4_EXPIRED] = LD_ERR_BAD_SIGNATURE,
        [SIGV4_BAD_SIGNATURE] = LD_ERR_BAD_SIGNATURE,
    };
    if (!svc->keys)
        return true;
    const char *uri = evhttp_request_get_uri(req), *q = strchr(uri, '?');
    struct sigv4_request s = {
        .method = method_name(evhttp_request_get_command(req)),
        .path = path,
        .query = q ? q + 1 : NULL,
        .header = input_header,
        .ctx = evhttp_request_get_input_headers(req),
        .body = body,
        .body_len = len,
    };
    char msg[512];
    enum sigv4_outcome o = sigv4_verify(svc->keys, &s, time(NULL), msg, sizeof msg);
    if (o == SIGV4_OK)
        return true;
    req_fail(r, errors[o], "%s", msg);
    return false;
}

/* Counts the request in the worker's metrics and logs it: one key=value line
 * per request with --log-requests, and every 5xx reply regardless. */
static void account_request(struct worker *w, const struct request *r, const struct reply *rep,
                            double started)
{
    double seconds = ldtime_monotonic() - started;
    metrics_record(w->metrics, w->index, rep->operation, r->error, seconds);
    metrics_set_database(w->metrics, w->index, store_connected(w->store), store_connects(w->store));
    if (!w->log_requests && rep->status < 500)
        return;
    fprintf(stderr,
            "level=%s msg=request request_id=%s operation=%s status=%d duration_ms=%.3f account=%s region=%s"
            "%s%s\n",
            rep->status >= 500 ? "error" : "info", r->id, rep->operation ? rep->operation : "-", rep->status,
            seconds * 1e3, r->account, r->region, rep->error_type ? " error=" : "",
            rep->error_type ? rep->error_type : "");
}

/* Whether a request to / declares a JSON body (or nothing): the SDKs send
 * application/x-amz-json-1.1, hand-made requests often application/json. */
static bool json_content_type(const char *ctype)
{
    static const char *const accepted[] = {"application/x-amz-json-1.1", "application/x-amz-json-1.0",
                                           "application/json"};
    if (!ctype)
        return true;
    size_t n = strcspn(ctype, "; \t");
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
        if (strlen(accepted[i]) == n && strncasecmp(ctype, accepted[i], n) == 0)
            return true;
    return false;
}

/* A BatchPutMetrics call waiting for its batch to commit while its worker
 * serves other requests; answered on its own worker's loop, as evhttp asks. */
struct deferred_put {
    struct worker *w;
    struct evhttp_request *req;
    double started;
    struct request r; /* in an arena of its own */
    struct put_call *call;
    struct deferred_put **prev, *next; /* in w->deferred */
};

static void delete_json(void *p)
{
    cJSON_Delete(p);
}

static void answer_put(struct deferred_put *d, enum ld_err e)
{
    struct reply rep = {.operation = d->r.operation};
    if (e == LD_OK) {
        cJSON *out = cJSON_CreateObject();
        arena_defer(d->r.arena, delete_json, out);
        op_put_metrics_reply(d->call, out);
        reply_json(&d->r, out, 200, &rep);
    } else {
        reply_error(&d->r, &rep);
    }
    send_reply(d->req, d->r.id, "application/json", &rep);
    account_request(d->w, &d->r, &rep, d->started);
    if ((*d->prev = d->next))
        d->next->prev = d->prev;
    arena_destroy(d->r.arena);
}

static void on_put_woken(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct deferred_put *d = arg;
    enum ld_err e = op_put_metrics_resume(&d->r, d->call);
    store_end_request(d->w->store);
    answer_put(d, e);
}

/* Called from the thread that settled the call or handed it a write. */
static void wake_put(struct metrics_put *put)
{
    struct deferred_put *d = put->owner;
    if (event_base_once(d->w->base, -1, EV_TIMEOUT, on_put_woken, d, NULL) != 0)
        fprintf(stderr, "lineaged: request %s: cannot wake its worker\n", d->r.id);
}

/* PUT /BatchPutMetrics with valid input: started, and answered now or once
 * its batch has committed. False for other routes and for input errors,
 * which dispatch_metrics answers. */
static bool defer_put_metrics(struct worker *w, struct evhttp_request *req, const struct request *r,
                              const char *path, const char *data, size_t len, double started)
{
    const struct api_op *op = model_find_route(w->svc->metrics, "PUT", path);
    if (!op || strcmp(model_op_name(op), "BatchPutMetrics") != 0)
        return false;
    struct arena *a = arena_create();
    struct deferred_put *d = arena_alloc(a, sizeof *d);
    *d = (struct deferred_put){.w = w, .req = req, .started = started, .r = *r};
    d->r.arena = a;
    d->r.id = arena_strdup(a, r->id);
    d->r.account = arena_strdup(a, r->account);
    d->r.region = arena_strdup(a, r->region);
    d->r.access_key = arena_strdup(a, r->access_key);
    d->r.operation = model_op_name(op);
    cJSON *in;
    /* Its tree in its own arena, as run_operation does: a malloc and a free
     * per node were a quarter of the daemon's instructions per call. */
    json_trees_in(a);
    enum ld_err read = dispatch_read_input(&d->r, op, data, len, &in);
    json_trees_in(NULL);
    if (read != LD_OK) {
        arena_destroy(a);
        return false;
    }
    if ((d->next = w->deferred))
        d->next->prev = &d->next;
    d->prev = &w->deferred;
    w->deferred = d;
    enum ld_err e;
    d->call = op_put_metrics_begin(&d->r, in, wake_put, d, &e);
    if (!op_put_metrics_waking(d->call)) {
        store_end_request(w->store);
        answer_put(d, e);
    }
    return true;
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct worker *w = arg;
    double started = ldtime_monotonic();
    arena_reset(w->arena);
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct caller_scope scope;
    scope_from_authorization(evhttp_find_header(in, "Authorization"), w->svc->default_region, &scope);
    struct request r = {
        .arena = w->arena,
        .store = w->store,
        .limits = &w->svc->limits,
        .id = new_request_id(w),
        .account = scope.account,
        .region = scope.region,
        .access_key = scope.access_key,
    };
    struct reply rep = {0};
    const char *content_type = JSON_TYPE;
    enum evhttp_cmd_type method = evhttp_request_get_command(req);
    const char *uri = evhttp_request_get_uri(req);
    const char *path = arena_strndup(w->arena, uri, strcspn(uri, "?"));
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(body);
    const char *data = len ? (const char *)evbuffer_pullup(body, -1) : "";

    if (len > BODY_LIMIT) {
        fail_route(&r, &rep, LD_ERR_TOO_LARGE, "The request body is larger than %s.", "6 MiB");
    } else if (strcmp(path, "/health") == 0 && method == EVHTTP_REQ_GET) {
        content_type = "application/json";
        rep.operation = "Health";
        serve_health(w, &r, &rep);
    } else if (strcmp(path, "/metrics") == 0 && method == EVHTTP_REQ_GET) {
        content_type = "text/plain; version=0.0.4";
        rep.operation = "Metrics";
        rep.status = 200;
        rep.body = metrics_render(w->metrics, w->arena, &rep.len);
    } else if ((method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD) &&
               web_routes_serve(&r, path, evhttp_find_header(in, "If-None-Match"), &rep, &content_type)) {
        /* the explorer's page and files, open like /health: they hold no data */
    } else if (!authentic(w->svc, req, &r, path, data, len)) {
        reply_error(&r, &rep);
    } else if (method == EVHTTP_REQ_GET && strncmp(path, "/api/", 5) == 0) {
        content_type = "application/json";
        rep.operation = "NativeAPI";
        if (!serve_native(w, &r, uri, path, &rep))
            fail_route(&r, &rep, LD_ERR_UNKNOWN_OPERATION, "No operation is served at %s.", path);
    } else if (method == EVHTTP_REQ_POST && ingest_serve(&r, uri, data, len, &rep)) {
        content_type = "application/json";
        rep.operation = r.operation;
    } else if (strcmp(path, "/") == 0) {
        const char *ctype = evhttp_find_header(in, "Content-Type");
        if (method != EVHTTP_REQ_POST)
            fail_route(&r, &rep, LD_ERR_UNKNOWN_OPERATION, "%s", "Only POST is served on /.");
        else if (!json_content_type(ctype))
            fail_route(&r, &rep, LD_ERR_SERIALIZATION,
                       "The Content-Type %s is not accepted: send application/x-amz-json-1.1.", ctype);
        else
            dispatch_sagemaker(w->svc, &r, evhttp_find_header(in, "X-Amz-Target"), data, len, &rep);
    } else if (method == EVHTTP_REQ_PUT && defer_put_metrics(w, req, &r, path, data, len, started)) {
        return; /* answered by defer_put_metrics or once its batch has committed */
    } else {
        const char *verb = method == EVHTTP_REQ_PUT ? "PUT" : method == EVHTTP_REQ_POST ? "POST" : "";
        content_type = "application/json";
        if (!dispatch_metrics(w->svc, &r, verb, path, data, len, &rep))
            fail_route(&r, &rep, LD_ERR_UNKNOWN_OPERATION, "No operation is served at %s.", path);
    }
    send_reply(req, r.id, rep.content_type ? rep.content_type : content_type, &rep);
    account_request(w, &r, &rep, started);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct worker *w = arg;
    struct timeval grace = {0, 200 * 1000};
    if (w->listener)
        evhttp_del_accept_socket(w->http, w->listener);
    w->listener = NULL;
    /* Requests already being read get a moment to arrive and be answered. */
    event_base_loopexit(w->base, &grace);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    event_base_dispatch(w->base);
    return NULL;
}

/* A listening socket on the configured address. With `shared`, it joins a
 * SO_REUSEPORT group: each worker listens on its own socket and the kernel
 * spreads new connections across them, where one shared socket lets whichever
 * thread wakes first take them all. */
static int listen_socket(const struct http_config *cfg, bool shared)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (inet_pton(AF_INET, cfg->listen, &addr.sin_addr) != 1) {
        fprintf(stderr, "lineaged: --listen %s is not an IPv4 address\n", cfg->listen);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (shared)
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    /* Accepted sockets inherit it: a reply larger than one segment must not
     * wait for the client's delayed acknowledgement (about 40 ms). */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 1024) != 0 ||
        evutil_make_socket_nonblocking(fd) != 0) {
        fprintf(stderr, "lineaged: cannot listen on %s:%d: %s\n", cfg->listen, cfg->port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int worker_setup(struct worker *w, const struct service *svc, const struct http_config *cfg,
                        struct metrics *metrics, int index)
{
    w->svc = svc;
    w->metrics = metrics;
    w->index = index;
    w->log_requests = cfg->log_requests;
    w->base = event_base_new();
    w->http = w->base ? evhttp_new(w->base) : NULL;
    if (!w->http)
        return -1;
    evhttp_set_max_body_size(w->http, BODY_HARD_CAP);
    evhttp_set_timeout(w->http, IDLE_TIMEOUT_S);
    evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_HEAD |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
    evhttp_set_gencb(w->http, on_request, w);
    int fd = listen_socket(cfg, true);
    w->listener = fd < 0 ? NULL : evhttp_accept_socket_with_handle(w->http, fd);
    w->stop = event_new(w->base, -1, 0, on_stop, w);
    w->store = store_open(cfg->conninfo);
    if (cfg->read_conninfo)
        store_add_reader(w->store, cfg->read_conninfo);
    metrics_set_database(metrics, index, store_connected(w->store), store_connects(w->store));
    w->arena = arena_create();
    RAND_bytes(w->id_seed, sizeof w->id_seed);
    return w->listener && w->stop ? 0 : -1;
}

static void worker_cleanup(struct worker *w)
{
    /* Calls left unanswered when every worker had stopped. */
    while (w->deferred) {
        struct deferred_put *d = w->deferred;
        w->deferred = d->next;
        arena_destroy(d->r.arena);
    }
    if (w->stop)
        event_free(w->stop);
    if (w->http)
        evhttp_free(w->http);
    if (w->base)
        event_base_free(w->base);
    store_close(w->store);
    arena_destroy(w->arena);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    fprintf(stderr, "lineaged: signal %d, stopping\n", (int)sig);
    event_base_loopbreak(arg);
}

int http_serve(const struct service *svc, const struct http_config *cfg)
{
    evthread_use_pthreads();
    signal(SIGPIPE, SIG_IGN);
    /* A plain bind first: SO_REUSEPORT would otherwise quietly share the port
     * with another process of this user already serving on it. */
    int probe = listen_socket(cfg, false);
    if (probe < 0)
        return 1;
    close(probe);
    int n = cfg->workers > 0 ? cfg->workers : 1, started = 0, rc = 0;
    struct worker *workers = calloc((size_t)n, sizeof *workers);
    struct metrics *metrics = metrics_create(svc, n);
    struct event_base *main_base = event_base_new();
    struct event *sigint = evsignal_new(main_base, SIGINT, on_signal, main_base);
    struct event *sigterm = evsignal_new(main_base, SIGTERM, on_signal, main_base);
    evsignal_add(sigint, NULL);
    evsignal_add(sigterm, NULL);
    for (; started < n; started++) {
        if (worker_setup(&workers[started], svc, cfg, metrics, started) != 0 ||
            pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]) != 0) {
            fprintf(stderr, "lineaged: cannot start worker %d\n", started);
            worker_cleanup(&workers[started]);
            rc = 1;
            break;
        }
    }
    if (rc == 0) {
        fprintf(stderr, "lineaged: serving on %s:%d with %d workers\n", cfg->listen, cfg->port, n);
        event_base_dispatch(main_base);
    }
    for (int i = 0; i < started; i++)
        event_active(workers[i].stop, 0, 0);
    /* All stop before any is freed: one may still wake another's calls. */
    for (int i = 0; i < started; i++)
        pthread_join(workers[i].thread, NULL);
    for (int i = 0; i < started; i++)
        worker_cleanup(&workers[i]);
    event_free(sigint);
    event_free(sigterm);
    event_base_free(main_base);
    free(workers);
    metrics_free(metrics);
    libevent_global_shutdown();
    return rc;
}
