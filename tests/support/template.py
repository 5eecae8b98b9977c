"""Read template.yaml so tests build AWS resources from the template's own definitions."""

from __future__ import annotations

import copy
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


class _CfnLoader(yaml.SafeLoader):
    """Accepts CloudFormation's short-form intrinsics (!Ref, !Sub, !GetAtt, ...)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@lru_cache(maxsize=1)
def template() -> dict[str, Any]:
    return yaml.load((ROOT / "template.yaml").read_text(), Loader=_CfnLoader)


def translated() -> dict[str, Any]:
    """template.yaml through the SAM translator (offline: no managed-policy lookups), as
    CloudFormation would receive it; a fresh copy each call."""
    return copy.deepcopy(_translated())


@lru_cache(maxsize=1)
def _translated() -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict:
            return {}

    document = copy.deepcopy(template())
    for resource in document["Resources"].values():
        for key in ("CodeUri", "ContentUri", "DefinitionUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = "s3://bucket/key"  # as `sam validate` does
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return transform(document, {}, NoManagedPolicies())


def resource_properties(logical_id: str) -> dict[str, Any]:
    return template()["Resources"][logical_id]["Properties"]


def create_metadata_table(client: Any, table_name: str) -> None:
    """Create the DynamoDB table exactly as template.yaml defines it."""
    props = resource_properties("MetadataTable")
    kwargs = {k: props[k] for k in ("AttributeDefinitions", "KeySchema", "BillingMode")}
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    client.create_table(TableName=table_name, **kwargs)
    if props.get("TimeToLiveSpecification"):
        client.update_time_to_live(TableName=table_name,
                                   TimeToLiveSpecification=props["TimeToLiveSpecification"])


# Placeholder values of the right shape for the state machine's DefinitionSubstitutions, so the
# ASL can be parsed and validated as the deployed definition will be.
ASL_PLACEHOLDERS = {"RunTimeoutSeconds": "86400", "BucketName": "dwsim-data"}


def asl_definition(values: dict[str, str] | None = None) -> str:
    """statemachine/generate.asl.json with its ${...} substitutions filled in."""
    text = (ROOT / "statemachine" / "generate.asl.json").read_text()
    for name, value in {**ASL_PLACEHOLDERS, **(values or {})}.items():
        text = text.replace("${" + name + "}", value)
    return re.sub(r"\$\{(\w+)Arn\}",
                  r"arn:aws:lambda:us-east-1:123456789012:function:\1", text)
