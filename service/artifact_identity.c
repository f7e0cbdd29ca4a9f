/* Artifact identity: the set of source types and the ARN id derived from it. */
#include "lineaged/artifact_identity.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void delete_tree(void *p)
{
    cJSON_Delete(p);
}

static const char *member(const cJSON *o, const char *key)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return v ? v : "";
}

static int compare_source_type(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    int c = strcmp(member(x, "SourceIdType"), member(y, "SourceIdType"));
    return c ? c : strcmp(member(x, "Value"), member(y, "Value"));
}

cJSON *artifact_source_type_set(struct arena *a, const cJSON *source)
{
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(source, "SourceTypes");
    int n = cJSON_GetArraySize(types);
    const cJSON **items = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *items);
    int i = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, types) items[i++] = t;
    qsort(items, (size_t)n, sizeof *items, compare_source_type);
    cJSON *out = cJSON_CreateArray();
    arena_defer(a, delete_tree, out);
    for (i = 0; i < n; i++)
        if (i == 0 || compare_source_type(&items[i - 1], &items[i]) != 0)
            cJSON_AddItemToArray(out, cJSON_Duplicate(items[i], 1));
    return out;
}

const char *artifact_id(struct arena *a, const char *uri, const char *type, const cJSON *type_set)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    char *set = cJSON_PrintUnformatted(type_set);
    /* Unit separators keep the parts from running into one another. */
    const char *identity = arena_printf(a, "%s%c%s%c%s", uri, 0x1f, type, 0x1f, set ? set : "[]");
    cJSON_free(set);
    EVP_Digest(identity, strlen(identity), md, &len, EVP_md5(), NULL);
    char *hex = arena_alloc(a, 2 * len + 1);
    for (unsigned i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return hex;
}
