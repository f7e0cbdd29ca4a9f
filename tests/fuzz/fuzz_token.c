/* libFuzzer target: the NextToken codec. Arbitrary text must decode to
 * nothing or to fields; fields encoded and decoded again must come back
 * unchanged, and never under another query. */
#include <stdint.h>
#include <string.h>

#include "lineaged/token.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const unsigned char key[32] = {7, 1, 7, 1};
    (void)argc;
    (void)argv;
    token_set_key(key, sizeof key);
    return 0;
}

enum { FIELDS = 3 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct arena *a;
    if (!a)
        a = arena_create();
    arena_reset(a);
    /* As a client token: any text, decoded for a fixed query. */
    char *text = arena_strndup(a, (const char *)data, size);
    const char *out[FIELDS];
    for (size_t n = 0; n <= FIELDS; n++)
        token_decode(a, text, "ListArtifacts|q", out, n);

    /* As position fields: the input split at NUL and U+001F, which the
     * codec's contract excludes from fields, into up to three fields. */
    const char *fields[FIELDS];
    size_t n = 0;
    char *copy = arena_alloc(a, size + 1);
    memcpy(copy, data, size);
    for (char *p = copy; n < FIELDS && p <= copy + size; p += strcspn(p, "\x1f") + 1) {
        fields[n++] = p;
        p[strcspn(p, "\x1f")] = '\0';
    }
    char *token = token_encode(a, "ListArtifacts|q", fields, n);
    if (!token_decode(a, token, "ListArtifacts|q", out, n))
        __builtin_trap();
    for (size_t i = 0; i < n; i++)
        if (strcmp(out[i], fields[i]) != 0)
            __builtin_trap();
    if (token_decode(a, token, "ListArtifacts|r", out, n))
        __builtin_trap();
    return 0;
}
