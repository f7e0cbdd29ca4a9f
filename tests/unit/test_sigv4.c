/* SigV4 verification against the published AWS test-suite vectors, and the
 * outcomes for a wrong key, a stale date and a missing header. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lineaged/sigv4.h"

#define SUITE_DATE "20150830T123600Z"
#define SUITE_SCOPE "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"

static struct sigv4_keys *keys;
static char path_of_keys[64];

static void setup(void)
{
    snprintf(path_of_keys, sizeof path_of_keys, "/tmp/lineaged-sigv4-XXXXXX");
    int fd = mkstemp(path_of_keys);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# the AWS test suite's key\n[default]\naws_access_key_id = AKIDEXAMPLE\n"
          "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n",
          f);
    fclose(f);
    char why[128];
    keys = sigv4_keys_load(path_of_keys, why, sizeof why);
    cr_assert_not_null(keys, "%s", why);
}

static void teardown(void)
{
    sigv4_keys_free(keys);
    unlink(path_of_keys);
}

struct headers {
    const char *authorization, *date;
};

static const char *lookup(void *ctx, const char *name)
{
    const struct headers *h = ctx;
    if (strcasecmp(name, "Host") == 0)
        return "example.amazonaws.com";
    if (strcasecmp(name, "X-Amz-Date") == 0)
        return h->date;
    if (strcasecmp(name, "Authorization") == 0)
        return h->authorization;
    return NULL;
}

/* 12:36:00 on 2015-08-30, the suite's moment. */
static const time_t suite_now = 1440938160;

static enum sigv4_outcome check(const char *query, const char *signature, time_t now, char *msg, size_t n)
{
    char auth[256];
    snprintf(auth, sizeof auth,
             "AWS4-HMAC-SHA256 Credential=" SUITE_SCOPE ", SignedHeaders=host;x-amz-date, Signature=%s",
             signature);
    struct headers h = {auth, SUITE_DATE};
    struct sigv4_request req = {"GET", "/", query, lookup, &h, "", 0};
    return sigv4_verify(keys, &req, now, msg, n);
}

TestSuite(sigv4, .init = setup, .fini = teardown);

Test(sigv4, get_vanilla_vector_verifies)
{
    char msg[256];
    cr_assert_eq(check(NULL, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", suite_now, msg,
                       sizeof msg),
                 SIGV4_OK, "%s", msg);
}

Test(sigv4, query_pairs_are_sorted_before_signing)
{
    char msg[256];
    cr_assert_eq(check("Param2=value2&Param1=value1",
                       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", suite_now, msg,
                       sizeof msg),
                 SIGV4_OK, "%s", msg);
}

Test(sigv4, one_changed_digit_is_a_bad_signature)
{
    char msg[256];
    cr_assert_eq(check(NULL, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30", suite_now, msg,
                       sizeof msg),
                 SIGV4_BAD_SIGNATURE);
    cr_assert(strstr(msg, "does not match the signature you provided"));
}

Test(sigv4, sixteen_minutes_late_is_expired)
{
    char msg[256];
    cr_assert_eq(check(NULL, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                       suite_now + 16 * 60, msg, sizeof msg),
                 SIGV4_EXPIRED);
    cr_assert_str_eq(msg, "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z.");
}

Test(sigv4, missing_header_and_unknown_key)
{
    char msg[256];
    struct headers h = {NULL, SUITE_DATE};
    struct sigv4_request req = {"GET", "/", NULL, lookup, &h, "", 0};
    cr_assert_eq(sigv4_verify(keys, &req, suite_now, msg, sizeof msg), SIGV4_MISSING);
    h.authorization = "AWS4-HMAC-SHA256 Credential=AKIDOTHER/20150830/us-east-1/service/aws4_request, "
                      "SignedHeaders=host;x-amz-date, Signature=00";
    cr_assert_eq(sigv4_verify(keys, &req, suite_now, msg, sizeof msg), SIGV4_UNKNOWN_KEY);
    h.authorization = "AWS4-HMAC-SHA256 Credential=" SUITE_SCOPE ", SignedHeaders=host;x-amz-date";
    cr_assert_eq(sigv4_verify(keys, &req, suite_now, msg, sizeof msg), SIGV4_INCOMPLETE);
}

Test(sigv4, file_without_keys_is_refused)
{
    char path[] = "/tmp/lineaged-sigv4-empty-XXXXXX", why[128];
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_null(sigv4_keys_load(path, why, sizeof why));
    cr_assert(strstr(why, "no aws_access_key_id"));
    unlink(path);
}
