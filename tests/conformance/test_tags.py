"""Tags on experiments through boto3: AddTags, ListTags, DeleteTags, tags given at
create, the 50-tag limit, and what happens to tags when the experiment goes."""

import unittest

from lineaged_client import (
    LineagedTestCase, body_of, client, experiment_arn, fresh_account, requires_endpoint, tags,
    unique_name)


@requires_endpoint
class TagsTest(LineagedTestCase):
    @classmethod
    def setUpClass(cls):
        cls.account = fresh_account()
        cls.sm = client(cls.account)
        cls.loose = client(cls.account, validate=False)

    def experiment(self, **kwargs):
        name = unique_name("Tagged")
        return self.sm.create_experiment(ExperimentName=name, **kwargs)["ExperimentArn"]

    def listed(self, arn):
        out = self.sm.list_tags(ResourceArn=arn)
        self.assertNotIn("NextToken", out)
        return out["Tags"]

    def test_new_experiment_has_no_tags(self):
        arn = self.experiment()
        self.assertEqual(body_of(self.sm.list_tags(ResourceArn=arn)), {"Tags": []})

    def test_tags_given_at_create_are_listed_in_order(self):
        given = tags(("zeta", "1"), ("alpha", "2"), ("mid", "3"))
        arn = self.experiment(Tags=given)
        self.assertEqual(self.listed(arn), given)

    def test_add_tags_returns_all_tags_of_the_resource(self):
        arn = self.experiment(Tags=tags(("from-create", "c")))
        out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("k1", "v1"), ("k2", "v2")))
        expected = tags(("from-create", "c"), ("k1", "v1"), ("k2", "v2"))
        self.assertEqual(body_of(out), {"Tags": expected})
        out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("k3", "v3")))
        self.assertEqual(out["Tags"], expected + tags(("k3", "v3")))
        self.assertEqual(self.listed(arn), expected + tags(("k3", "v3")))

    def test_adding_a_key_again_replaces_its_value_in_place(self):
        arn = self.experiment()
        self.sm.add_tags(ResourceArn=arn, Tags=tags(("a", "1"), ("b", "2"), ("c", "3")))
        out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("a", "one"), ("d", "4")))
        expected = tags(("a", "one"), ("b", "2"), ("c", "3"), ("d", "4"))
        self.assertEqual(out["Tags"], expected)
        self.assertEqual(self.listed(arn), expected)

    def test_tag_keys_are_case_sensitive(self):
        arn = self.experiment()
        self.sm.add_tags(ResourceArn=arn, Tags=tags(("Env", "A"), ("env", "b")))
        self.assertEqual(self.listed(arn), tags(("Env", "A"), ("env", "b")))

    def test_empty_value_and_unicode_are_kept(self):
        arn = self.experiment()
        given = tags(("empty", ""), ("clé", "naïve café"), ("a:b/c=d+e-f@g_h.i", "x y"))
        self.sm.add_tags(ResourceArn=arn, Tags=given)
        self.assertEqual(self.listed(arn), given)

    def test_delete_tags_returns_empty_and_removes_only_those_keys(self):
        arn = self.experiment(Tags=tags(("a", "1"), ("b", "2"), ("c", "3")))
        out = self.sm.delete_tags(ResourceArn=arn, TagKeys=["b", "c"])
        self.assertEqual(body_of(out), {})
        self.assertEqual(self.listed(arn), tags(("a", "1")))

    def test_deleting_an_absent_key_is_fine(self):
        arn = self.experiment(Tags=tags(("a", "1")))
        self.assertEqual(body_of(self.sm.delete_tags(ResourceArn=arn, TagKeys=["absent"])), {})
        self.assertEqual(self.listed(arn), tags(("a", "1")))

    def test_key_deleted_then_added_again_goes_last(self):
        arn = self.experiment(Tags=tags(("a", "1"), ("b", "2")))
        self.sm.delete_tags(ResourceArn=arn, TagKeys=["a"])
        out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("a", "new")))
        self.assertEqual(out["Tags"], tags(("b", "2"), ("a", "new")))

    def test_fifty_tags_are_listed_on_one_page(self):
        given = tags(*[("key%02d" % i, "value%d" % i) for i in range(50)])
        arn = self.experiment(Tags=given)
        out = self.sm.list_tags(ResourceArn=arn, MaxResults=50)
        self.assertEqual(out["Tags"], given)
        self.assertNotIn("NextToken", out)
        self.assertEqual(self.listed(arn), given)

    def test_list_tags_max_results_has_no_upper_bound(self):
        # ListTagsMaxResults has a minimum and no maximum: the largest integer is a page size too.
        given = tags(("a", "1"), ("b", "2"))
        arn = self.experiment(Tags=given)
        out = self.sm.list_tags(ResourceArn=arn, MaxResults=2**31 - 1)
        self.assertEqual(out["Tags"], given)
        self.assertNotIn("NextToken", out)

    def test_list_tags_paginator(self):
        given = tags(*[("p%02d" % i, str(i)) for i in range(20)])
        arn = self.experiment(Tags=given)
        pages = list(self.sm.get_paginator("list_tags").paginate(ResourceArn=arn))
        self.assertEqual([t for p in pages for t in p["Tags"]], given)

    def test_adding_beyond_fifty_tags_is_a_validation_exception_and_adds_nothing(self):
        """AddTags models no error shapes, so the limit is a ValidationException (not the
        ResourceLimitExceeded that the model gives the creates alone)."""
        given = tags(*[("k%02d" % i, "v") for i in range(48)])
        arn = self.experiment(Tags=given)
        err = self.assertClientError("ValidationException", self.sm.add_tags, ResourceArn=arn,
                                     Tags=tags(("n1", "x"), ("n2", "x"), ("n3", "x")))
        self.assertIn("at most 50 tags", err["Error"]["Message"])
        self.assertEqual(self.listed(arn), given)
        out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("n1", "x"), ("n2", "x")))
        self.assertEqual(len(out["Tags"]), 50)

    def test_at_fifty_tags_existing_keys_can_still_be_replaced(self):
        given = tags(*[("k%02d" % i, "v") for i in range(50)])
        arn = self.experiment(Tags=given)
        out = self.sm.add_tags(ResourceArn=arn, Tags=tags(("k00", "changed"), ("k49", "too")))
        self.assertEqual(len(out["Tags"]), 50)
        self.assertEqual(out["Tags"][0], {"Key": "k00", "Value": "changed"})
        self.assertEqual(out["Tags"][49], {"Key": "k49", "Value": "too"})
        err = self.assertClientError("ValidationException", self.sm.add_tags,
                                     ResourceArn=arn, Tags=tags(("k50", "v")))
        self.assertTrue(err["Error"]["Message"])
        self.assertEqual(len(self.listed(arn)), 50)

    def test_fifty_one_tags_in_one_request_is_a_validation_exception(self):
        arn = self.experiment()
        err = self.assertClientError(
            "ValidationException", self.sm.add_tags, ResourceArn=arn,
            Tags=tags(*[("k%02d" % i, "v") for i in range(51)]))
        self.assertValidationMessage(
            err["Error"]["Message"],
            "at 'tags' failed to satisfy constraint: Member must have length less than or "
            "equal to 50")
        self.assertEqual(self.listed(arn), [])

    def test_invalid_tag_key_is_a_validation_exception(self):
        arn = self.experiment()
        err = self.assertClientError("ValidationException", self.sm.add_tags, ResourceArn=arn,
                                     Tags=tags(("good", "1"), ("bad#key", "2")))
        self.assertValidationMessage(
            err["Error"]["Message"],
            "Value 'bad#key' at 'tags.2.member.key' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: ")
        self.assertEqual(self.listed(arn), [])

    def test_list_tags_max_results_below_fifty_is_a_validation_exception(self):
        arn = self.experiment()
        err = self.assertClientError("ValidationException", self.loose.list_tags,
                                     ResourceArn=arn, MaxResults=10)
        self.assertValidationMessage(
            err["Error"]["Message"],
            "at 'maxResults' failed to satisfy constraint: Member must have value greater than "
            "or equal to 50")

    def test_missing_experiment_arn_is_a_validation_exception(self):
        """AddTags, ListTags and DeleteTags model no error shapes (no ResourceNotFound):
        the real service answers ValidationException for a resource that is gone
        (aws/amazon-sagemaker-feedback#108)."""
        arn = experiment_arn(unique_name("absent"), self.account)
        self.assertClientError("ValidationException", self.sm.list_tags, ResourceArn=arn)
        self.assertClientError("ValidationException", self.sm.add_tags, ResourceArn=arn,
                               Tags=tags(("a", "b")))
        self.assertClientError("ValidationException", self.sm.delete_tags, ResourceArn=arn,
                               TagKeys=["a"])

    def test_missing_resource_names_it_in_the_message(self):
        arn = experiment_arn(unique_name("absent"), self.account)
        err = self.assertClientError("ValidationException", self.sm.list_tags, ResourceArn=arn)
        self.assertIn(arn, err["Error"]["Message"])

    def test_tag_operations_on_a_deleted_experiment_are_validation_exceptions(self):
        name = unique_name("gone")
        arn = self.sm.create_experiment(ExperimentName=name, Tags=tags(("a", "1")))["ExperimentArn"]
        self.sm.delete_experiment(ExperimentName=name)
        self.assertClientError("ValidationException", self.sm.list_tags, ResourceArn=arn)
        self.assertClientError("ValidationException", self.sm.add_tags, ResourceArn=arn,
                               Tags=tags(("b", "2")))

    def test_recreated_experiment_has_none_of_the_old_tags(self):
        name = unique_name("Reborn")
        self.sm.create_experiment(ExperimentName=name, Tags=tags(("old", "1")))
        self.sm.add_tags(ResourceArn=experiment_arn(name, self.account), Tags=tags(("older", "2")))
        self.sm.delete_experiment(ExperimentName=name)
        arn = self.sm.create_experiment(ExperimentName=name)["ExperimentArn"]
        self.assertEqual(self.listed(arn), [])

    def test_tags_of_one_experiment_do_not_leak_to_another(self):
        a = self.experiment(Tags=tags(("only-a", "1")))
        b = self.experiment()
        self.sm.add_tags(ResourceArn=b, Tags=tags(("only-b", "2")))
        self.assertEqual(self.listed(a), tags(("only-a", "1")))
        self.assertEqual(self.listed(b), tags(("only-b", "2")))

    def test_update_and_describe_leave_tags_alone(self):
        name = unique_name("Keep")
        arn = self.sm.create_experiment(ExperimentName=name,
                                        Tags=tags(("t", "1")))["ExperimentArn"]
        self.sm.update_experiment(ExperimentName=name, DisplayName="renamed")
        self.assertNotIn("Tags", self.sm.describe_experiment(ExperimentName=name))
        self.assertEqual(self.listed(arn), tags(("t", "1")))


if __name__ == "__main__":
    unittest.main()
