/* libFuzzer target: the caller's scope from an Authorization header. Any
 * header must give a 12-digit account and a region of [a-z0-9-], never more
 * than the fields hold. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lineaged/scope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so that reading past the header is caught. */
    char *auth = malloc(size + 1);
    if (!auth)
        return 0;
    memcpy(auth, data, size);
    auth[size] = '\0';
    struct caller_scope s;
    scope_from_authorization(auth, "us-east-1", &s);
    free(auth);
    if (strlen(s.account) != 12 || strspn(s.account, "0123456789") != 12)
        __builtin_trap();
    if (!s.region[0] || strspn(s.region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(s.region))
        __builtin_trap();
    return 0;
}
