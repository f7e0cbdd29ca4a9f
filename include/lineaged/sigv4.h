/* AWS Signature Version 4 verification for the optional `--auth sigv4` mode:
 * a key store read from a credentials file, and the check of one request. */
#ifndef LINEAGED_SIGV4_H
#define LINEAGED_SIGV4_H

#include <stddef.h>
#include <time.h>

struct sigv4_keys;

/* What a check found; each maps to the error AWS answers with. */
enum sigv4_outcome {
    SIGV4_OK,
    SIGV4_MISSING,       /* no Authorization header */
    SIGV4_INCOMPLETE,    /* the header lacks Credential, SignedHeaders or Signature, or X-Amz-Date */
    SIGV4_UNKNOWN_KEY,   /* the access key id is not in the key store */
    SIGV4_EXPIRED,       /* X-Amz-Date more than 15 minutes from now */
    SIGV4_BAD_SIGNATURE, /* the signature is not the one the secret gives */
};

/* Reads an AWS shared-credentials file: `[profile]` sections with
 * `aws_access_key_id` and `aws_secret_access_key`. Returns the store (free
 * with sigv4_keys_free), or NULL with a reason in `why` (size n). */
struct sigv4_keys *sigv4_keys_load(const char *path, char *why, size_t n);
void sigv4_keys_free(struct sigv4_keys *k);

/* One request as received: `header` looks a header up by name (any case) and
 * returns its value or NULL; `path` and `query` are as sent, still encoded. */
struct sigv4_request {
    const char *method;
    const char *path;
    const char *query; /* without '?', or NULL */
    const char *(*header)(void *ctx, const char *name);
    void *ctx;
    const void *body;
    size_t body_len;
};

/* Checks the request's Authorization header against the store at time `now`.
 * On failure writes the message AWS sends for the outcome into `msg` (size n). */
enum sigv4_outcome sigv4_verify(const struct sigv4_keys *k, const struct sigv4_request *req, time_t now,
                                char *msg, size_t n);

#endif
