/* Who is calling: the account and region read from a SigV4 Authorization header. */
#ifndef LINEAGED_SCOPE_H
#define LINEAGED_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#define LD_DEFAULT_ACCOUNT "123456789012"

struct caller_scope {
    char account[13];
    char region[64];
    char access_key[129];
};

/* Whether `s` is an account id: 12 digits. */
bool scope_account_valid(const char *s);

/* Whether `s` can name a region: 1 to 63 lower-case letters, digits and hyphens. */
bool scope_region_valid(const char *s);

/* Fills `s` from the Authorization header value `auth` (NULL when absent):
 * the credential scope's region, and the access key id as account when it is
 * 12 digits, else the default account. Unsigned or unreadable headers get the
 * default account and `default_region`. */
void scope_from_authorization(const char *auth, const char *default_region, struct caller_scope *s);

#endif
