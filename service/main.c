/* lineaged: the SageMaker lineage and experiments API over PostgreSQL. */
#include <getopt.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch.h"
#include "http.h"
#include "json_io.h"
#include "lineaged/sigv4.h"
#include "lineaged/store.h"
#include "vertex_cache.h"

static void usage(FILE *out)
{
    fputs("usage: lineaged [options]\n"
          "  --listen ADDR     IPv4 address to serve on (default 127.0.0.1)\n"
          "  --port N          TCP port (default 8080)\n"
          "  --db CONNINFO     PostgreSQL conninfo or URL (default: dbname=lineaged)\n"
          "  --db-read CONNINFO  a streaming replica of --db that serves read-only operations; a caller\n"
          "                    whose last write it has not replayed yet reads from --db instead\n"
          "  --workers N       worker threads, each with its own connection (default: four per core,\n"
          "                    so some wait on the database while others compute)\n"
          "  --region NAME     region for unsigned requests (default us-east-1)\n"
          "  --max-KIND N      cap on manually created entities per account and region, where KIND is\n"
          "                    experiments, trials, trial-components, artifacts, actions, contexts or\n"
          "                    associations; ResourceLimitExceeded past it (default: no cap)\n"
          "  --auth MODE       none (default: the access key id names the account, nothing is checked)\n"
          "                    or sigv4 (every API request must carry a valid SigV4 signature)\n"
          "  --credentials F   with --auth sigv4: an AWS shared-credentials file of the keys accepted\n"
          "  --log-requests    log one key=value line per request (request id, operation, status,\n"
          "                    duration) to stderr; 5xx replies are logged regardless\n"
          "  --vertex-cache MB memory for the lineage vertices' ARNs and Types, which never change, so\n"
          "                    that walks read only ids from the database (default 128, some 1.5 million\n"
          "                    vertices; 0: none)\n"
          "  --migrate-only    apply the schema migrations and exit\n"
          "  --help            this text\n",
          out);
}

int main(int argc, char **argv)
{
    json_hooks_install();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct http_config cfg = {.listen = "127.0.0.1",
                              .port = 8080,
                              .workers = cores > 0 ? 4 * (int)cores : 8,
                              .conninfo = "dbname=lineaged"};
    struct service svc = {.default_region = "us-east-1"};
    int migrate_only = 0;
    long vertex_cache_mb = 128;
    const char *auth = "none", *credentials = NULL;
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},
        {"db", required_argument, NULL, 'd'},
        {"db-read", required_argument, NULL, 'D'},
        {"workers", required_argument, NULL, 'w'},
        {"region", required_argument, NULL, 'r'},
        {"migrate-only", no_argument, NULL, 'm'},
        {"auth", required_argument, NULL, 'a'},
        {"credentials", required_argument, NULL, 'c'},
        {"log-requests", no_argument, NULL, 'q'},
        {"vertex-cache", required_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"max-experiments", required_argument, NULL, 0x100 + KIND_EXPERIMENT},
        {"max-trials", required_argument, NULL, 0x100 + KIND_TRIAL},
        {"max-trial-components", required_argument, NULL, 0x100 + KIND_TRIAL_COMPONENT},
        {"max-artifacts", required_argument, NULL, 0x100 + KIND_ARTIFACT},
        {"max-actions", required_argument, NULL, 0x100 + KIND_ACTION},
        {"max-contexts", required_argument, NULL, 0x100 + KIND_CONTEXT},
        {"max-associations", required_argument, NULL, 0x200},
        {NULL, 0, NULL, 0},
    };
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        switch (c) {
        case 'l':
            cfg.listen = optarg;
            break;
        case 'p':
            cfg.port = atoi(optarg);
            break;
        case 'd':
            cfg.conninfo = optarg;
            break;
        case 'D':
            cfg.read_conninfo = optarg;
            break;
        case 'w':
            cfg.workers = atoi(optarg);
            break;
        case 'r':
            svc.default_region = optarg;
            break;
        case 'm':
            migrate_only = 1;
            break;
        case 'a':
            auth = optarg;
            break;
        case 'c':
            credentials = optarg;
            break;
        case 'q':
            cfg.log_requests = true;
            break;
        case 'v':
            vertex_cache_mb = atol(optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 0x200:
            svc.limits.associations = atol(optarg);
            break;
        case 0x100 + KIND_EXPERIMENT:
        case 0x100 + KIND_TRIAL:
        case 0x100 + KIND_TRIAL_COMPONENT:
        case 0x100 + KIND_ARTIFACT:
        case 0x100 + KIND_ACTION:
        case 0x100 + KIND_CONTEXT:
            svc.limits.per_kind[c - 0x100] = atol(optarg);
            break;
        default:
            usage(stderr);
            return 2;
        }
    }
    bool sigv4 = strcmp(auth, "sigv4") == 0;
    if (cfg.port <= 0 || cfg.port > 65535 || cfg.workers <= 0 || cfg.workers > 256 || vertex_cache_mb < 0 ||
        vertex_cache_mb > 65536 || (!sigv4 && strcmp(auth, "none") != 0) || sigv4 != (credentials != NULL)) {
        usage(stderr);
        return 2;
    }
    char *err = NULL;
    if (store_migrate(cfg.conninfo, &err) != 0 ||
        (!migrate_only && store_load_token_key(cfg.conninfo, &err) != 0)) {
        fprintf(stderr, "lineaged: database set-up failed: %s\n", err ? err : "unknown error");
        free(err);
        return 1;
    }
    if (migrate_only)
        return 0;
    /* Request bodies of up to 6 MiB come and go in every worker: a fixed
     * threshold keeps such buffers in mmap (given back when freed), where
     * glibc's sliding one would move them into the workers' heaps for good. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    struct sigv4_keys *keys = NULL;
    char why[256];
    if (sigv4 && !(keys = sigv4_keys_load(credentials, why, sizeof why))) {
        fprintf(stderr, "lineaged: --credentials: %s\n", why);
        return 1;
    }
    svc.keys = keys;
    int rc = 1;
    vertex_cache_setup((size_t)vertex_cache_mb << 20);
    if (service_load_models(&svc) == 0)
        rc = http_serve(&svc, &cfg);
    vertex_cache_cleanup();
    service_free_models(&svc);
    sigv4_keys_free(keys);
    return rc;
}
