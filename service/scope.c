/* Account and region from "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...". */
#include "lineaged/scope.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Copies the '/'-terminated field at p into out (size n); returns the end or NULL. */
static const char *scope_field(const char *p, char *out, size_t n)
{
    size_t len = strcspn(p, "/, ");
    if (p[len] != '/' || len == 0 || len >= n)
        return NULL;
    memcpy(out, p, len);
    out[len] = '\0';
    return p + len + 1;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return s[n] == '\0';
}

bool scope_account_valid(const char *s)
{
    return strlen(s) == 12 && all_digits(s, 12);
}

bool scope_region_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof((struct caller_scope *)0)->region)
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
            return false;
    return true;
}

void scope_from_authorization(const char *auth, const char *default_region, struct caller_scope *s)
{
    char region[sizeof s->region];
    snprintf(s->account, sizeof s->account, "%s", LD_DEFAULT_ACCOUNT);
    snprintf(s->region, sizeof s->region, "%s", default_region);
    s->access_key[0] = '\0';
    const char *p = auth ? strstr(auth, "Credential=") : NULL;
    if (!p)
        return;
    p += strlen("Credential=");
    char key[sizeof s->access_key], date[16];
    p = scope_field(p, key, sizeof key);
    if (p)
        p = scope_field(p, date, sizeof date);
    if (p)
        p = scope_field(p, region, sizeof region);
    if (!p || !scope_region_valid(region))
        return;
    snprintf(s->access_key, sizeof s->access_key, "%s", key);
    snprintf(s->region, sizeof s->region, "%s", region);
    if (scope_account_valid(key)) {
        memcpy(s->account, key, 12);
        s->account[12] = '\0';
    }
}
