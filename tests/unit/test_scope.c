/* Account and region from the SigV4 credential scope. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lineaged/scope.h"

static const char *signed_by(const char *key_and_scope)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=host;x-amz-date, Signature=abcdef",
             key_and_scope);
    return buf;
}

Test(scope, twelve_digit_key_is_the_account)
{
    struct caller_scope s;
    scope_from_authorization(signed_by("111122223333/20240101/eu-west-1/sagemaker/aws4_request"), "us-east-1",
                             &s);
    cr_assert_str_eq(s.account, "111122223333");
    cr_assert_str_eq(s.region, "eu-west-1");
    cr_assert_str_eq(s.access_key, "111122223333");
}

Test(scope, other_keys_use_the_default_account)
{
    struct caller_scope s;
    scope_from_authorization(signed_by("AKIDEXAMPLE/20240101/us-west-2/sagemaker/aws4_request"), "us-east-1",
                             &s);
    cr_assert_str_eq(s.account, LD_DEFAULT_ACCOUNT);
    cr_assert_str_eq(s.region, "us-west-2");
    scope_from_authorization(signed_by("1234567890123/20240101/us-west-2/sagemaker/aws4_request"),
                             "us-east-1", &s);
    cr_assert_str_eq(s.account, LD_DEFAULT_ACCOUNT);
}

Test(scope, unsigned_or_unreadable_gets_defaults)
{
    struct caller_scope s;
    scope_from_authorization(NULL, "us-east-1", &s);
    cr_assert_str_eq(s.account, LD_DEFAULT_ACCOUNT);
    cr_assert_str_eq(s.region, "us-east-1");
    scope_from_authorization("Bearer xyz", "ap-south-1", &s);
    cr_assert_str_eq(s.region, "ap-south-1");
    scope_from_authorization(signed_by("111122223333/2024"), "us-east-1", &s);
    cr_assert_str_eq(s.account, LD_DEFAULT_ACCOUNT);
    scope_from_authorization(signed_by("111122223333/20240101/US EAST/sagemaker/aws4_request"), "us-east-1",
                             &s);
    cr_assert_str_eq(s.region, "us-east-1");
}

Test(scope, account_and_region_checks)
{
    cr_assert(scope_account_valid("111122223333"));
    cr_assert(!scope_account_valid("11112222333"));
    cr_assert(!scope_account_valid("1111222233334"));
    cr_assert(!scope_account_valid("11112222333a"));
    cr_assert(scope_region_valid("eu-west-1"));
    cr_assert(!scope_region_valid(""));
    cr_assert(!scope_region_valid("EU-west-1"));
    cr_assert(!scope_region_valid("eu west"));
    char longest[65];
    memset(longest, 'a', 64);
    longest[64] = '\0';
    cr_assert(!scope_region_valid(longest));
    longest[63] = '\0';
    cr_assert(scope_region_valid(longest));
}
