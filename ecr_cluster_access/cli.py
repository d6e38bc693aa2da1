"""The ``ecr-cluster-access`` command: what the CDK and cdk8s CLIs cannot do.

Every command reads the parameters through :func:`~ecr_cluster_access.params.load_parameters`,
the loader both halves use (``--config`` or ``$ECR_CLUSTER_ACCESS_CONFIG``, else CDK
context, else ``cdk.json``'s context; see :mod:`ecr_cluster_access.params.io`).
Exit status: 0 on success, 1 when ``check`` finds drift, 2 on usage, parameter or credential
problems (one line each on stderr).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import documents
from ._version import __version__
from .extras import MissingExtra
from .params import CONFIG_ENV, ParameterError, Parameters, exit_on_error, load_parameters

PROG = "ecr-cluster-access"


def _load(args: argparse.Namespace) -> Parameters:
    try:
        return load_parameters(args.project_dir, config=args.config)
    except ParameterError as error:
        exit_on_error(error, PROG)


def _print_json(document: object) -> None:
    print(json.dumps(document, indent=2))


def _plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the parameters and print a one-line summary, or with --format json the
    parameters as the loader read them (every default filled in) and the names derived from
    them. Problems are one line each on stderr, exit 2, in either format."""
    params = _load(args)
    if args.format == "json":
        _print_json({"valid": True, "parameters": params.to_mapping(),
                     "registryHosts": list(params.registry_hosts),
                     "repositoryUris": list(params.repository_uris),
                     "builderRoleArn": params.builder_role_arn})
        return 0
    print(f"ok: {_plural(len(params.repositories), 'repository', 'repositories')} in "
          f"{params.account}/{params.region}, "
          f"{_plural(len(params.worker_role_arns), 'worker role')}, "
          f"Secret {params.namespace}/{params.secret_name}")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Print the stacks app.py synthesizes for the parameters (one stack, or the registry
    stack and one stack per shard): each stack's name, repositories, resources and template
    bytes, as the CDK CLI writes the template. The same parameters always give the same
    layout; --format json prints it as one document."""
    from .params import MAX_TEMPLATE_BYTES
    from .params.template_size import plan

    params = _load(args)
    stacks = plan(params)
    if args.format == "json":
        _print_json({"shards": params.shards, "stacks": [
            {"stackName": s.stack_name, "part": s.part, "repositories": s.repositories,
             "resources": s.resources, "templateBytes": s.template_bytes} for s in stacks]})
        return 0
    print(f"{'stack':<40} {'repositories':>12} {'resources':>9} {'template bytes':>14}")
    for s in stacks:
        print(f"{s.stack_name:<40} {s.repositories:>12} {s.resources:>9} "
              f"{s.template_bytes:>14,}")
    print(f"{_plural(len(stacks), 'stack')}, "
          f"{_plural(len(params.repositories), 'repository', 'repositories')}, shards "
          f"{params.shards}; the largest template is "
          f"{max(s.template_bytes for s in stacks):,} bytes (CloudFormation takes "
          f"{MAX_TEMPLATE_BYTES:,})")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema (draft 2020-12) of a parameters file, or with --cdk-json of a
    cdk.json whose context holds the parameters block (point an editor at it), or with
    --check-output of what check --format json prints."""
    if args.check_output:
        from importlib.resources import files

        sys.stdout.write(files("ecr_cluster_access.check").joinpath(
            "check-output.schema.json").read_text(encoding="utf-8"))
        return 0
    from .params.schema import schema_text

    sys.stdout.write(schema_text(cdk_json=args.cdk_json))
    return 0


def cmd_identity_policy(args: argparse.Namespace) -> int:
    """Print the identity policy a cross-account worker role's own account must attach."""
    params = _load(args)
    _print_json(documents.cross_account_identity_policy(params))
    return 0


def cmd_repository_policy(args: argparse.Namespace) -> int:
    """Print the repository policy every repository carries."""
    _print_json(documents.repository_policy(_load(args)))
    return 0


def cmd_import_mapping(args: argparse.Namespace) -> int:
    """Print the file `cdk import --resource-mapping FILE` needs to take over repositories
    that already exist (kept by an earlier `cdk destroy`, or made by hand): each repository's
    logical ID in app.py's stack and its RepositoryName, read from the stack synthesized in
    memory. With --repository NAME (repeat), only those: list the ones that exist. With
    shards, cdk import takes one stack at a time: --stack names it (ecr-cluster-access plan
    lists them), or every --repository is in one stack."""
    from . import layout

    params = _load(args)
    unknown = [name for name in args.repository if name not in params.repositories]
    if unknown:
        exit_on_error(ParameterError([
            f"--repository: {name!r} is not one of the parameters' repositories: use one of "
            f"{', '.join(params.repositories)}" for name in unknown]), PROG)
    part = _import_part(params, args.stack, args.repository)
    wanted = args.repository or list(layout.repositories_of(params, part))
    import tempfile

    from .extras import quiet_node20_banner
    from .stack import EcrClusterAccessStack  # needs the [cdk] extra: MissingExtra says so

    quiet_node20_banner()
    import aws_cdk as cdk

    with tempfile.TemporaryDirectory(prefix="ecr-cluster-access-") as outdir:
        app = cdk.App(outdir=outdir)
        stack = EcrClusterAccessStack(app, params=params, part=part)
        template = app.synth().get_stack_by_name(stack.stack_name).template
    by_name = {resource["Properties"]["RepositoryName"]: logical
               for logical, resource in template["Resources"].items()
               if resource["Type"] == "AWS::ECR::Repository"}
    _print_json({by_name[name]: {"RepositoryName": name} for name in wanted})
    return 0


def _import_part(params: Parameters, stack: str | None, repositories: list[str]) -> Any:
    """The part of the layout whose stack import-mapping is for (exits 2 with one line when
    --stack names no stack of repositories, or the repositories are in several)."""
    from . import layout, naming

    stacks = {layout.stack_name(params, p): p for p in layout.parts(params)
              if p != layout.REGISTRY}
    shown = ", ".join(list(stacks)[:5]) + (", ..." if len(stacks) > 5 else "")
    if stack is not None:
        if stack not in stacks:
            exit_on_error(ParameterError([
                f"--stack: {stack!r} holds none of the repositories: use one of {shown}"]), PROG)
        part = stacks[stack]
        elsewhere = [n for n in repositories if n not in layout.repositories_of(params, part)]
        if elsewhere:
            exit_on_error(ParameterError([
                f"--repository: {elsewhere[0]!r} is not in stack {stack!r}"]), PROG)
        return part
    if params.shards == 1:
        return None
    held = sorted({naming.shard_of(n, params.shards) for n in repositories})
    if len(held) != 1:
        exit_on_error(ParameterError([
            f"--stack: with shards, cdk import takes one stack at a time: give --stack (one of "
            f"{shown}), or repositories of one stack"]), PROG)
    return held[0]


BUILD_MODES = ("cluster-buildkit", "kaniko")


def registry_namespace(params: Parameters) -> str:
    """Return the first path segment every repository name shares, or raise ParameterError.

    In-cluster builders push ``<hostname>/<namespace>/<image>``, so the repositories they push
    to are named ``<namespace>/<image>``. With create-on-push, the prefix is that namespace:
    new image names then get their repositories on first push.
    """
    if params.create_on_push_prefix is not None:
        return params.create_on_push_prefix
    firsts = {name.split("/", 1)[0] for name in params.repositories if "/" in name}
    if len(firsts) == 1 and all("/" in name for name in params.repositories):
        return firsts.pop()
    raise ParameterError([
        f"deploymentRegistry.namespace: repositories {list(params.repositories)[:3]!r} share no "
        "first path segment: pass --registry-namespace NAME, and name the repositories "
        "NAME/<image>"
    ])


#: What ``context`` says until ``--context`` names the kubectl context: Garden requires one.
CONTEXT_PLACEHOLDER = "REPLACE-WITH-YOUR-KUBECTL-CONTEXT"
#: The tag Garden's cluster-buildkit pushes its layer cache to, overwritten on every build
#: (garden-io/garden, core/src/plugins/kubernetes/config.ts: the default clusterBuildkit.cache
#: is ``[{type: registry, mode: auto, tag: _buildcache, export: true}]``).
GARDEN_CACHE_TAG = "_buildcache"
#: What Garden accepts as a Secret's name in ``imagePullSecrets`` (``joiIdentifier``,
#: garden-io/garden core/src/config/common.ts): a DNS label, not only digits.
GARDEN_IDENTIFIER = re.compile(r"(?![0-9]+$)(?!.*-$)(?!-)[a-z0-9-]{1,63}")


def garden_problems(params: Parameters) -> list[str]:
    """Names Garden's provider schema would refuse in ``imagePullSecrets``."""
    names = [("secretName", params.secret_name)]
    if params.pull_secret is not None:
        names.append(("pullSecret.name", params.pull_secret.name))
    return [f"{field}: {name!r} cannot be named in Garden's imagePullSecrets: Garden accepts a "
            "DNS label there (at most 63 lowercase letters, digits and '-', not only digits); "
            "rename the Secret" for field, name in names if not GARDEN_IDENTIFIER.fullmatch(name)]


def builder_configuration(params: Parameters, namespace: str, build_mode: str,
                          context: str = CONTEXT_PLACEHOLDER) -> dict[str, Any]:
    """Return what the in-cluster builder must be told: its ``kubernetes`` provider block, as
    Garden's provider schema takes it (``context`` is required there).

    ``imagePullSecrets`` are ``ecr-config`` (the builder's credHelpers config) and, with
    ``pullSecret``, the refreshed ``auths`` pull secret. With an IRSA builder identity the
    build mode's section carries the ServiceAccount annotations (``clusterBuildkit`` or
    ``kaniko`` ``serviceAccountAnnotations``), which Garden puts on its
    ``garden-in-cluster-builder``.
    """
    secrets = [{"name": params.secret_name, "namespace": params.namespace}]
    if params.pull_secret is not None and params.namespace in params.pull_secret_namespaces:
        secrets.append({"name": params.pull_secret.name, "namespace": params.namespace})
    elif params.pull_secret is not None:
        secrets.append({"name": params.pull_secret.name,
                        "namespace": params.pull_secret_namespaces[0]})
    provider: dict[str, Any] = {
        "name": "kubernetes",
        "context": context,
        "imagePullSecrets": secrets,
        "deploymentRegistry": {"hostname": params.registry_host, "namespace": namespace},
        "buildMode": build_mode,
    }
    annotations = params.builder_annotations
    if annotations:
        section = "clusterBuildkit" if build_mode == "cluster-buildkit" else "kaniko"
        provider[section] = {"serviceAccountAnnotations": annotations}
    return provider


def _tag_excluded(tag: str, filters: Sequence[str]) -> bool:
    """Whether an ECR tag-mutability exclusion filter (``*`` a wildcard) matches ``tag``."""
    return any(re.fullmatch(".*".join(map(re.escape, f.split("*"))), tag) for f in filters)


def builder_warnings(params: Parameters, build_mode: str, context: str) -> list[str]:
    """What the provider block cannot say itself: a context still to fill in, and tag
    immutability that refuses Garden's cache tag."""
    out = []
    if context == CONTEXT_PLACEHOLDER:
        out.append("context: set it to your cluster's kubectl context (kubectl config "
                   "current-context), or pass --context")
    if (build_mode == "cluster-buildkit" and params.image_tag_mutability == "IMMUTABLE"
            and not _tag_excluded(GARDEN_CACHE_TAG,
                                  params.image_tag_mutability_exclusion_filters)):
        out.append(f"imageTagMutability IMMUTABLE: Garden's cluster-buildkit overwrites its "
                   f"cache tag {GARDEN_CACHE_TAG} on every build and ECR will refuse that "
                   f"push; add '{GARDEN_CACHE_TAG}*' to imageTagMutabilityExclusionFilters")
    return out


def cmd_builder_config(args: argparse.Namespace) -> int:
    """Print the builder's configuration: the guide's "make note of" values.

    The default form is the ``kubernetes`` provider block of the guide's builder (YAML,
    under ``providers:``), after comment lines saying which principals may push and which may
    only pull; ``--format json`` prints a plain JSON object for other tools (``access`` holds
    the same two lists).
    """
    params = _load(args)
    try:
        if args.registry_namespace is not None:
            from .params.rules import REPOSITORY_RULE
            from .params.spec import show

            reason = REPOSITORY_RULE.reason(args.registry_namespace)
            if reason:  # it is the first part of every image name the builder pushes
                raise ParameterError([f"--registry-namespace: {show(args.registry_namespace)} "
                                      f"{reason}"])
        if not args.context or len(args.context) > 253 or any(
                ord(c) < 32 or ord(c) == 127 for c in args.context):
            from .params.spec import show

            raise ParameterError([f"--context: {show(args.context)} is not a kubectl context "
                                  "name: use 1-253 printable characters"])
        namespace = args.registry_namespace or registry_namespace(params)
        problems = garden_problems(params)
        if problems:
            raise ParameterError(problems)
    except ParameterError as error:
        exit_on_error(error, PROG)
    provider = builder_configuration(params, namespace, args.build_mode, args.context)
    if args.format == "json":
        _print_json({
            "registryHost": params.registry_host,
            "registryHosts": list(params.registry_hosts),
            "repositoryUris": list(params.repository_uris),
            "secretName": params.secret_name,
            "secretNamespace": params.namespace,
            "deploymentRegistry": provider["deploymentRegistry"],
            "imagePullSecrets": provider["imagePullSecrets"],
            "buildMode": provider["buildMode"],
            "context": provider["context"],
            "warnings": builder_warnings(params, args.build_mode, args.context),
            "access": documents.access_summary(params),
            "pullThroughCache": [
                {"upstream": rule.upstream, "upstreamRegistryUrl": api["upstreamRegistryUrl"],
                 "imagePrefix": f"{params.registry_host}/{rule.prefix}/",
                 "example": f"{params.registry_host}/{rule.prefix}/"
                            f"{documents.CACHED_IMAGE_EXAMPLES[rule.upstream]}"}
                for rule, api in zip(params.pull_through_cache,
                                     documents.pull_through_cache_rules(params), strict=True)],
            "builderServiceAccount": None if params.builder_identity is None else {
                "name": params.builder_service_account,
                "for": params.builder_identity.for_,
                "namespace": params.builder_namespace,
                "roleArn": params.builder_role_arn,
                "mode": params.builder_identity.mode,
                "annotations": params.builder_annotations,
            },
        })
    else:
        import yaml

        access = documents.access_summary(params)
        for heading, who in (("may push", access["push"]),
                             ("may only pull", access["pullOnly"])):
            for line in who:
                print(f"# {heading}: {line}")
        for rule, api in zip(params.pull_through_cache,
                             documents.pull_through_cache_rules(params), strict=True):
            print(f"# pull through the cache: {api['upstreamRegistryUrl']}/<image> as "
                  f"{params.registry_host}/{rule.prefix}/<image>, for example "
                  f"{params.registry_host}/{rule.prefix}/"
                  f"{documents.CACHED_IMAGE_EXAMPLES[rule.upstream]}")
        for line in builder_warnings(params, args.build_mode, args.context):
            print(f"# {line}")
        sys.stdout.write(yaml.safe_dump({"providers": [provider]}, sort_keys=False))
    return 0


def cmd_docker_config(args: argparse.Namespace) -> int:
    """Print the config.json the Secret carries, byte for byte."""
    sys.stdout.write(documents.docker_config_bytes(_load(args)).decode())
    return 0


class CheckFailed(Exception):
    """``check`` cannot run: the one-line reasons, each printed on stderr (and with
    ``--format json`` in the document on stdout too)."""

    def __init__(self, problems: Sequence[str], params: Parameters | None = None, *,
                 abandon: bool = False) -> None:
        super().__init__(problems[0])
        self.problems, self.params = list(problems), params
        #: Calls are still in flight (past the deadline): end the process, not wait for them.
        self.abandon = abandon


def check_report(params: Parameters | None, findings: Sequence[Any] = (),
                 errors: Sequence[str] = ()) -> dict[str, Any]:
    """The ``--format json`` document of ``check`` (``check/check-output.schema.json``)."""
    from .check.findings import CANNOT_VERIFY, NOTE

    notes = [f for f in findings if f.kind == NOTE]
    findings = [f for f in findings if f.kind != NOTE]
    if errors:
        status, code = "error", 2
    elif not findings:
        status, code = "in-sync", 0
    else:
        status = ("cannot-verify" if all(f.kind == CANNOT_VERIFY for f in findings)
                  else "drift")
        code = 1
    region = params.region if params is not None else None
    return {"status": status, "exitCode": code, "inSync": code == 0,
            "account": params.account if params is not None else None, "region": region,
            "findings": [f.to_json(region or "") for f in findings],
            "notes": [f.to_json(region or "") for f in notes], "errors": list(errors),
            "crossAccountWorkerRoles": list(params.cross_account_worker_role_arns)
            if params is not None else []}


def cmd_check(args: argparse.Namespace) -> int:
    """Compare the live AWS account with the parameters (boto3's default credentials).

    Compares every document the stack manages with what the parameters render, and decides
    what each worker and builder role can actually do (identity policies, permissions
    boundary, repository policy). Prints one line per difference ("drift: ...") or per point
    it cannot decide ("cannot verify: ..."), and exits 1 on either; prints a summary and exits
    0 only when everything was decided and matches; exits 2 on parameter, credential or
    connection problems (one line). --format json prints one JSON document on every exit,
    exit 2 included (its reasons in ``errors``).
    """
    try:
        return _check(args)
    except (CheckFailed, MissingExtra) as error:
        failed = error if isinstance(error, CheckFailed) else CheckFailed([str(error)])
        encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
        for problem in failed.problems:
            line = f"{PROG}: error: {problem}"
            print(line.encode(encoding, "backslashreplace").decode(encoding), file=sys.stderr)
        if args.format == "json":
            _print_json(check_report(failed.params, errors=failed.problems))
        if failed.abandon:  # threads blocked in calls past the deadline would hold the exit
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(2)
        return 2


def _check(args: argparse.Namespace) -> int:
    """:func:`cmd_check`'s work; what stops it is :class:`CheckFailed`."""
    try:
        params = load_parameters(args.project_dir, config=args.config)
    except ParameterError as error:
        raise CheckFailed(error.problems) from None
    if args.worker_role:
        import dataclasses

        try:
            params = dataclasses.replace(params, worker_role_arns=(
                *params.worker_role_arns, *args.worker_role))
        except ParameterError as error:
            raise CheckFailed([p.replace("workerRoleArns", "--worker-role", 1)
                               for p in error.problems], params) from None
    if not params.worker_role_arns and params.worker_organization is None:
        from .params.rules import stack_problems

        raise CheckFailed([f"{stack_problems(params)[0]}; for check, pass --worker-role ARN "
                           "for each role the app attached"], params)
    from .check import CANNOT_VERIFY, NOTE, AccessError, DeadlineExceeded, check

    try:
        findings = check(params, concurrency=args.concurrency, timeout=args.timeout,
                         max_rate=args.max_rate, member_role=args.member_role)
    except DeadlineExceeded as error:
        raise CheckFailed([str(error)], params, abandon=True) from None
    except (AccessError, MissingExtra) as error:
        raise CheckFailed([str(error)], params) from None
    others = params.cross_account_worker_role_arns
    scope = (f"; {_plural(len(others), 'worker role')} in other accounts checked on this "
             "account's side only" if others else "")
    organization = params.worker_organization
    if organization is not None:
        scope += (f"; organization {organization.organization_id}'s grant, and "
                  f"{_plural(len(organization.member_accounts), 'member account')}")
    if args.format == "json":
        report = check_report(params, findings)
        _print_json(report)
        return int(report["exitCode"])
    for finding in findings:
        label = {CANNOT_VERIFY: "cannot verify", NOTE: "note"}.get(finding.kind, "drift")
        print(f"{label}: {finding}")
    findings = [f for f in findings if f.kind != NOTE]
    if findings:
        unknown = sum(f.kind == CANNOT_VERIFY for f in findings)
        print(f"{_plural(len(findings) - unknown, 'difference')} from the parameters, "
              f"{_plural(unknown, 'point')} that cannot be verified", file=sys.stderr)
        return 1
    print(f"in sync: {_plural(len(params.repositories), 'repository', 'repositories')} and "
          f"{_plural(len(params.worker_role_arns), 'worker role')} in "
          f"{params.account}/{params.region}{scope}")
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 1 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{value:g} is not accepted: use 1 to 3600 seconds")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of calls a second"
                                         ) from None
    if not 1 <= value <= 10000:
        raise argparse.ArgumentTypeError(f"{value:g} is not accepted: use 1 to 10000 calls a "
                                         "second")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"{value} is not accepted: use 1 to 256")
    return value


def _describe(func: Any) -> str:
    """A command's docstring as --help shows it: reST literals as plain quotes."""
    return re.sub(r"``([^`]+)``", r"'\1'", inspect.cleandoc(func.__doc__ or ""))


class UsageError(Exception):
    """A command line argparse refuses (already reported on stderr, as argparse does)."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors return to :func:`main` instead of exiting, so
    ``check --format json`` prints its document for them too."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise UsageError(message)


def _asks_for_check_json(argv: Sequence[str]) -> bool:
    """Whether the command line is ``check`` with ``--format json``, as far as it can be read."""
    words = list(argv)
    return "check" in words and ("--format=json" in words or any(
        a == "--format" and b == "json" for a, b in zip(words, words[1:], strict=False)))


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``ecr-cluster-access`` command."""
    parser = _Parser(
        prog=PROG,
        description="Check and print what ecr-cluster-access derives from its parameters.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # --config and --project-dir work before or after the command: the command's copies
    # default to SUPPRESS so they do not overwrite a value given before it.
    for target, default in ((parser, None), (common := _Parser(add_help=False),
                                             argparse.SUPPRESS)):
        target.add_argument(
            "--config", metavar="FILE", default=default,
            help=f"parameters file (JSON or YAML); default ${CONFIG_ENV}, else CDK context, "
            "else cdk.json's context")
        target.add_argument(
            "--project-dir", metavar="DIR", default="." if default is None else default,
            help="directory holding cdk.json (default: the current directory)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, func, help_ in (
        ("validate", cmd_validate, "validate the parameters"),
        ("plan", cmd_plan, "print the stacks app.py makes: repositories, resources, bytes"),
        ("repository-policy", cmd_repository_policy,
         "print the repository policy every repository carries"),
        ("identity-policy", cmd_identity_policy,
         "print the identity policy a cross-account worker role's account must attach"),
    ):
        command = sub.add_parser(name, parents=[common], help=help_,
                                 description=_describe(func))
        command.set_defaults(func=func)
        if func is cmd_validate:
            command.add_argument("--format", choices=("text", "json"), default="text",
                                 help="text: a one-line summary (default); json: the "
                                 "parameters with every default, and the derived names")
        if func is cmd_plan:
            command.add_argument("--format", choices=("text", "json"), default="text",
                                 help="text: a table (default); json: one document")

    schema = sub.add_parser("schema", description=_describe(cmd_schema),
                            help="print the JSON Schema of the parameters (for editors)")
    which = schema.add_mutually_exclusive_group()
    which.add_argument("--cdk-json", action="store_true",
                       help="the schema of a cdk.json holding the parameters block")
    which.add_argument("--check-output", action="store_true",
                       help="the schema of what check --format json prints")
    schema.set_defaults(func=cmd_schema)

    builder = sub.add_parser(
        "builder-config", parents=[common], description=_describe(cmd_builder_config),
        help="print the in-cluster builder's configuration (secret, registry, build mode)")
    builder.add_argument("--format", choices=("yaml", "json"), default="yaml",
                         help="yaml: the builder's kubernetes provider block (default); "
                         "json: a plain object for other tools")
    builder.add_argument("--build-mode", choices=BUILD_MODES, default="cluster-buildkit",
                         help="the builder's buildMode (default: cluster-buildkit)")
    builder.add_argument("--context", metavar="NAME", default=CONTEXT_PLACEHOLDER,
                         help="the provider's kubectl context (Garden requires one; default: "
                         "a placeholder to replace)")
    builder.add_argument("--registry-namespace", metavar="NAME",
                         help="deploymentRegistry.namespace (default: the first path segment "
                         "all repository names share)")
    builder.set_defaults(func=cmd_builder_config)

    importer = sub.add_parser(
        "import-mapping", parents=[common], description=_describe(cmd_import_mapping),
        help="print cdk import's --resource-mapping for repositories that already exist")
    importer.add_argument("--repository", action="append", default=[], metavar="NAME",
                          help="only this repository (repeat for each); default: all")
    importer.add_argument("--stack", metavar="NAME",
                          help="with shards: the stack to import into (ecr-cluster-access plan "
                          "lists them); default: the stack of the --repository names")
    importer.set_defaults(func=cmd_import_mapping)

    docker = sub.add_parser("docker-config", parents=[common],
                            description=_describe(cmd_docker_config),
                            help="print the config.json the ecr-config Secret carries")
    docker.set_defaults(func=cmd_docker_config)

    checker = sub.add_parser("check", parents=[common], description=_describe(cmd_check),
                             help="compare the live AWS account with the parameters")
    checker.add_argument("--worker-role", action="append", default=[], metavar="ARN",
                         help="a worker role the app passed to the construct as an IRole "
                         "(repeat for each); added to workerRoleArns")
    checker.add_argument("--timeout", type=_seconds, default=120.0, metavar="SECONDS",
                         help="deadline of the whole run: past it, exit 2 (default 120)")
    checker.add_argument("--max-rate", type=_rate, default=None, metavar="N",
                         help="at most N API calls a second (default: as fast as AWS "
                         "accepts, backing off when it throttles)")
    checker.add_argument("--member-role", metavar="NAME",
                         help="a role check assumes in each member account of "
                         "workerOrganization.memberAccounts to read its side (for example "
                         "OrganizationAccountAccessRole); without it they cannot be verified")
    checker.add_argument("--format", choices=("text", "json"), default="text",
                         help="text: one line per finding (default); json: one object")
    checker.add_argument("--concurrency", type=_positive, default=16, metavar="N",
                         help="concurrent API calls (default 16)")
    checker.set_defaults(func=cmd_check)
    return parser


#: The status of a process ended by SIGPIPE, as a shell reports it: what ``| head`` gives.
SIGPIPE_STATUS = 128 + 13


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Output to a closed pipe (``| head``) ends quietly with :data:`SIGPIPE_STATUS`; a closed
    standard output (``>&-``) is one line on stderr and status 2. Never a traceback."""
    if sys.stdout is None or sys.stdout.closed:
        if sys.stderr is not None and not sys.stderr.closed:
            print(f"{PROG}: error: standard output is closed: nothing can be printed",
                  file=sys.stderr)
        return 2
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        if _asks_for_check_json(sys.argv[1:] if argv is None else argv):
            _print_json(check_report(None, errors=[str(error)]))
        return 2
    try:
        status: int = args.func(args)
        sys.stdout.flush()
    except MissingExtra as error:  # e.g. check without boto3: one line, what to install
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away: stop writing, and let Python's exit flush write nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return SIGPIPE_STATUS
    return status


if __name__ == "__main__":
    sys.exit(main())
