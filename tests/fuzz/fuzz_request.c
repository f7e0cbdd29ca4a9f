/* libFuzzer target: a request body as the service reads it (UTF-8 check, JSON
 * parse, validation against the API model) and the error reply it renders,
 * for any operation of either model; no database is involved. */
#include <stdint.h>
#include <string.h>

#include "dispatch.h"

static struct service svc;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return service_load_models(&svc);
}

/* The operation named by the input's first line ("CreateArtifact\n{...}"),
 * or one picked by the first byte, so that random inputs reach every shape. */
static const struct api_op *pick_op(const uint8_t **data, size_t *size)
{
    const uint8_t *nl = *size ? memchr(*data, '\n', *size < 64 ? *size : 64) : NULL;
    if (nl) {
        char name[64];
        size_t n = (size_t)(nl - *data);
        memcpy(name, *data, n);
        name[n] = '\0';
        const struct api_op *op = model_find_op(svc.sagemaker, name);
        if (!op)
            op = model_find_op(svc.metrics, name);
        if (op) {
            *size -= n + 1;
            *data = nl + 1;
            return op;
        }
    }
    size_t a = model_op_count(svc.sagemaker), b = model_op_count(svc.metrics);
    size_t i = *size ? (*data)[0] % (a + b) : 0;
    return i < a ? model_op_at(svc.sagemaker, i) : model_op_at(svc.metrics, i - a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct arena *arena;
    if (!arena)
        arena = arena_create();
    arena_reset(arena);
    const struct api_op *op = pick_op(&data, &size);
    /* A copy without a terminator, so that reading past the body is caught. */
    char *body = arena_alloc(arena, size ? size : 1);
    memcpy(body, data, size);
    struct request r = {.arena = arena, .id = "fuzz", .account = "123456789012", .region = "us-east-1"};
    cJSON *in = NULL;
    if (dispatch_read_input(&r, op, body, size, &in) != LD_OK) {
        struct reply out = {0};
        reply_error(&r, &out);
        if (out.status < 400 || out.status >= 500 || !out.len)
            __builtin_trap(); /* client input must end in a 4xx with a body */
    }
    return 0;
}
