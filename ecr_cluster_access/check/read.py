"""Reading a deployed account with boto3 into an :class:`AccountState` (and nothing else).

boto3's default credential chain (profiles, roles, ``AWS_ENDPOINT_URL``), explicit connect
and read timeouts and the standard retry mode with two attempts, so a silent endpoint fails
within a known bound. ``sts:GetCallerIdentity`` comes first: credentials for another account
stop here with one line. Repositories are described in one paginated pass; per-repository and
per-role reads run concurrently.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .. import documents, naming
from ..extras import require
from ..params import Parameters
from .access import RoleState
from .compare import load_document

#: Default number of concurrent API calls.
DEFAULT_CONCURRENCY = 16
#: Default seconds the whole read may take (``--timeout``): a deadline, not a per-call limit.
DEFAULT_TIMEOUT = 120.0
#: Attempts per call, in botocore's ``standard`` retry mode: a throttled call backs off
#: (exponentially, with jitter) and :class:`Pace` slows the operation's later calls; the
#: deadline bounds the whole run whatever the attempts add up to.
ATTEMPTS = 10
#: The longest one call may wait for a connection or an answer, within the deadline.
CALL_TIMEOUT = 20.0


#: The error codes AWS throttles with (botocore's standard retry mode's list).
THROTTLE_CODES = frozenset((
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException"))


class Pace:
    """Client-side rate limiting shared by every client and thread of one run.

    API rate quotas are per account and per API, and shared with every other client of the
    account, so the pace adapts per operation: none at first; after a throttled answer, the
    operation's rate becomes :attr:`DECREASE` times what it was sending in the last second
    (at least :attr:`FLOOR` a second), and each answer that is not throttled adds
    :attr:`INCREASE` a second (additive increase, multiplicative decrease, as TCP does).
    ``max_rate`` caps all calls together. botocore's own ``adaptive`` mode does the same per
    client, but lowers its rate on every throttle without regard to how many calls succeed,
    so a steady share of throttles (as a busy account gives) brings it to a crawl.
    """

    FLOOR = 2.0
    INCREASE = 5.0
    DECREASE = 0.75

    def __init__(self, max_rate: float | None) -> None:
        import threading

        self.max_rate = max_rate
        self._lock = threading.Lock()
        self._rate: dict[str, float] = {}
        self._next: dict[str, float] = {}
        self._sent: dict[str, list[float]] = {}

    def wait(self, operation: str) -> None:
        """Block until ``operation`` may send its next attempt."""
        import time

        with self._lock:
            now = time.monotonic()
            start = now
            rate = self._rate.get(operation)
            if rate:
                start = max(start, self._next.get(operation, 0.0))
            if self.max_rate:
                start = max(start, self._next.get("", 0.0))
                self._next[""] = start + 1.0 / self.max_rate
            if rate:
                self._next[operation] = start + 1.0 / rate
            sent = self._sent.setdefault(operation, [])
            sent.append(start)
            if len(sent) > 4096:
                del sent[:2048]
        if start > now:
            time.sleep(start - now)

    def answered(self, operation: str, code: str | None) -> None:
        """Adapt ``operation``'s rate to one answer (``code``: its error code, if any)."""
        import time

        with self._lock:
            if code in THROTTLE_CODES:
                now = time.monotonic()
                recent = sum(1 for t in self._sent.get(operation, ()) if now - 1.0 <= t <= now)
                current = self._rate.get(operation) or float(max(recent, 1))
                self._rate[operation] = max(self.FLOOR, min(current, max(recent, 1)) *
                                            self.DECREASE)
            elif operation in self._rate:
                self._rate[operation] += self.INCREASE

    def rate(self, operation: str) -> float | None:
        """The operation's current rate a second, or ``None`` while it has no limit."""
        return self._rate.get(operation)


def template_prefixes(params: Parameters) -> tuple[str, ...]:
    """The prefixes (``<prefix>/``) under which repositories come from creation templates,
    not from the parameters' list: create-on-push and each pull-through cache."""
    prefixes = [params.create_on_push_prefix,
                *(rule.prefix for rule in params.pull_through_cache)]
    return tuple(f"{p}/" for p in prefixes if p)


class AccessError(RuntimeError):
    """AWS could not be reached, or refused the credentials; the message is one line."""


@dataclass
class RepositoryState:
    """One repository as read: its description, policy text and lifecycle policy text."""

    description: dict[str, Any]
    policy: str | None = None
    lifecycle: str | None = None
    #: Its tags (``ListTagsForResource``), or ``None`` when not read.
    tags: dict[str, str] | None = None


@dataclass
class AccountState:
    """Everything ``check`` compares, read from one account and region."""

    repositories: dict[str, RepositoryState] = field(default_factory=dict)
    roles: dict[str, RoleState] = field(default_factory=dict)
    registry_policy: str | None = None
    replication: dict[str, Any] | None = None
    creation_template: dict[str, Any] | None = None
    #: The developers' managed policy: its document and the names attached, or ``None``.
    developer_policy: dict[str, Any] | None = None
    #: The registry scanning configuration (read whether or not the parameters set one).
    registry_scanning: dict[str, Any] | None = None
    #: Each replica that exists, by ``<name> in <region>`` (as :mod:`.access` labels them).
    replicas: dict[str, RepositoryState] = field(default_factory=dict)
    #: Repositories outside the parameters and outside any creation template's prefix, with
    #: their policy (and tags, when the parameters set tags): candidates for "kept, not
    #: managed" (a repository removed from the parameters keeps its grants).
    others: dict[str, RepositoryState] = field(default_factory=dict)
    #: The registry's pull-through cache rules (read only with ``pullThroughCache``).
    pull_through_cache: list[dict[str, Any]] = field(default_factory=list)
    #: The creation template of each pull-through cache prefix, or ``None`` when missing.
    cache_templates: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    #: Each member account read (``--member-role``): its node policy and the roles it is on.
    members: dict[str, MemberState] = field(default_factory=dict)


@dataclass
class MemberState:
    """A member account's side of the organization grant, as read."""

    #: The node roles' managed policy document, or ``None`` when it does not exist.
    policy: Any = None
    #: The roles it is attached to.
    roles: tuple[str, ...] = ()


def client_config(concurrency: int, timeout: float) -> Any:
    """botocore's Config: standard retries with bounded attempts (the pace is :class:`Pace`'s),
    and call timeouts within the run's deadline ``timeout``."""
    from botocore.config import Config

    call = min(timeout, CALL_TIMEOUT)
    return Config(connect_timeout=call, read_timeout=call,
                  retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
                  max_pool_connections=max(concurrency, 10))


class DeadlineExceeded(AccessError):
    """The whole read took longer than ``--timeout``; the message is one line."""


class _Stopped(Exception):
    """Raised in a call that would start after the deadline."""



class Reader:
    """Reads an :class:`AccountState` for :class:`Parameters`."""

    def __init__(self, params: Parameters, *, session: Any = None,
                 concurrency: int = DEFAULT_CONCURRENCY, timeout: float = DEFAULT_TIMEOUT,
                 max_rate: float | None = None, member_role: str | None = None) -> None:
        require("check")
        import threading

        import boto3

        self.params = params
        #: The role ``check`` assumes in each member account (``--member-role``), or ``None``.
        self.member_role = member_role
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.pace = Pace(max_rate)
        self.stopped = threading.Event()
        #: HTTP attempts sent, and the error code of the last refused one.
        self.sent = 0
        self.last_error: str | None = None
        try:  # a missing profile or bad config fails here, before any call
            session = session or boto3.session.Session()
            self._session = session
            config = client_config(self.concurrency, timeout)
            self._config = config
            self.ecr = session.client("ecr", region_name=params.region, config=config)
            self.iam = session.client("iam", region_name=params.region, config=config)
            self.sts = session.client("sts", region_name=params.region, config=config)
            self._regional = {region: session.client("ecr", region_name=region, config=config)
                              for region in params.replication_regions}
        except Exception as error:  # botocore raises many unrelated types; name them once
            raise AccessError(describe_error(error)) from None
        for client in (self.ecr, self.iam, self.sts, *self._regional.values()):
            client.meta.events.register("before-send", self._before_send)
            client.meta.events.register("needs-retry", self._answered)

    def _before_send(self, event_name: str = "", **_: Any) -> None:
        """Each HTTP attempt (``before-send.<service>.<Operation>``): stop once the deadline
        has passed, else keep the pace."""
        if self.stopped.is_set():
            raise _Stopped()
        self.pace.wait(event_name.rsplit(".", 1)[-1])
        self.sent += 1

    def _answered(self, response: Any = None, operation: Any = None,
                  caught_exception: Any = None, **_: Any) -> None:
        """Each attempt's answer (botocore's ``needs-retry``; deciding nothing here)."""
        parsed = response[1] if isinstance(response, tuple) and len(response) == 2 else None
        error = parsed.get("Error") if isinstance(parsed, dict) else None
        code = str(error["Code"]) if isinstance(error, dict) and error.get("Code") else None
        if code:
            self.last_error = f"refused with {code}"
        elif isinstance(caught_exception, Exception) and not isinstance(caught_exception,
                                                                         _Stopped):
            self.last_error = f"failed: {describe_error(caught_exception)}"
        self.pace.answered(getattr(operation, "name", "?"), code)

    def regional(self, region: str) -> Any:
        """The ECR client of a replication region."""
        return self._regional[region]

    def caller_account(self) -> str:
        """The account the credentials belong to."""
        account: str = self.sts.get_caller_identity()["Account"]
        return account

    def read(self) -> AccountState:
        """Read everything within ``timeout`` seconds; raise :class:`AccessError` on
        credential or connection problems, :class:`DeadlineExceeded` past the deadline (calls
        still in flight are then abandoned: no new attempt starts)."""
        import threading

        outcome: list[Any] = []
        worker = threading.Thread(target=lambda: outcome.append(self._guarded()), daemon=True,
                                  name="ecr-cluster-access-check")
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            self.stopped.set()
            refused = f", the last {self.last_error}" if self.last_error else ""
            raise DeadlineExceeded(
                f"AWS did not answer every call within {self.timeout:g} s (--timeout): "
                f"{self.sent} HTTP attempts sent{refused}; nothing was decided")
        (result,) = outcome
        if isinstance(result, AccessError):
            raise result
        state: AccountState = result
        return state

    def _guarded(self) -> AccountState | AccessError:
        """:meth:`_read`, with every failure as an :class:`AccessError` (returned)."""
        try:
            return self._checked_read()
        except AccessError as error:
            return error

    def _checked_read(self) -> AccountState:
        try:
            account = self.caller_account()
            if account != self.params.account:
                raise AccessError(f"the credentials belong to account {account}, the parameters "
                                  f"say {self.params.account}: use credentials for "
                                  f"{self.params.account}")
            return self._read()
        except AccessError:
            raise
        except Exception as error:  # botocore raises many unrelated types; name them once
            raise AccessError(describe_error(error)) from None

    def _read(self) -> AccountState:
        params = self.params
        state = AccountState()
        described = self._describe_repositories()
        present = [n for n in params.repositories if n in described]
        role_arns = [*params.same_account_worker_role_arns,
                     *[a for a in (params.builder_role_arn, params.refresher_role_arn,
                                   params.assumed_role_arn) if a is not None]]
        users = [params.refresher_user_arn] if params.refresher_user_arn else []
        others = [n for n in described if n not in set(params.repositories)
                  and not n.startswith(template_prefixes(params))]
        replica_found = [(region, described_there[name])
                         for region in params.replication_regions
                         for described_there in [self._describe_repositories(
                             self.regional(region))]
                         for name in params.repositories if name in described_there]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            policies = pool.map(self._repository_policy, present)
            lifecycles = pool.map(self._lifecycle_policy, present)
            tags = pool.map(self._tags, [described[n] for n in present])
            replicas = pool.map(lambda found: self._replica(*found), replica_found)
            other_policies = pool.map(self._repository_policy, others)
            other_tags = pool.map(self._tags, [described[n] for n in others]
                                  if params.tags else [])
            roles = [*pool.map(self._role, dict.fromkeys(role_arns)),
                     *pool.map(self._user, users)]
            registry = pool.submit(self._registry)
            template = pool.submit(self._creation_template)
            developer = pool.submit(self._developer_policy)
            scanning = pool.submit(self._registry_scanning)
            caches = pool.submit(self._pull_through_cache)
            cache_templates = {rule.prefix: pool.submit(self._template, rule.prefix)
                               for rule in params.pull_through_cache}
            for name, policy, lifecycle, tagged in zip(present, policies, lifecycles, tags,
                                                       strict=False):
                state.repositories[name] = RepositoryState(described[name], policy, lifecycle,
                                                           tagged)
            for (region, description), replica in zip(replica_found, replicas, strict=False):
                state.replicas[f"{description['repositoryName']} in {region}"] = replica
            other_tag_list = list(other_tags)
            for index, (name, policy) in enumerate(zip(others, other_policies, strict=False)):
                state.others[name] = RepositoryState(
                    described[name], policy,
                    tags=other_tag_list[index] if other_tag_list else None)
            for role in roles:
                state.roles[role.arn] = role
            state.registry_policy, state.replication = registry.result()
            state.creation_template = template.result()
            state.developer_policy = developer.result()
            state.registry_scanning = scanning.result()
            state.pull_through_cache = caches.result()
            state.cache_templates = {p: f.result() for p, f in cache_templates.items()}
        organization = params.worker_organization
        if organization is not None and self.member_role is not None:
            for member in organization.member_accounts:
                state.members[member.account] = self._member(member.account)
        return state

    def _member(self, account: str) -> MemberState:
        """One member account's node policy, read through ``--member-role`` there."""
        params = self.params
        role = naming.role_arn(account, params.region, str(self.member_role))
        try:
            credentials = self.sts.assume_role(
                RoleArn=role, RoleSessionName="ecr-cluster-access-check")["Credentials"]
        except Exception as error:  # botocore raises many unrelated types; name them once
            raise AccessError(f"member account {account}: cannot assume {role} "
                              f"(--member-role): {describe_error(error)}") from None
        iam = self._session.client(
            "iam", region_name=params.region, config=self._config,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"])
        iam.meta.events.register("before-send", self._before_send)
        iam.meta.events.register("needs-retry", self._answered)
        arn = (f"arn:{naming.partition_for_region(params.region)}:iam::{account}:policy/"
               f"{documents.member_policy_name(params)}")
        try:
            version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        except iam.exceptions.NoSuchEntityException:
            return MemberState()
        document = load_document(iam.get_policy_version(
            PolicyArn=arn, VersionId=version)["PolicyVersion"].get("Document"))
        roles = [r["RoleName"] for page in iam.get_paginator("list_entities_for_policy")
                 .paginate(PolicyArn=arn, EntityFilter="Role") for r in page["PolicyRoles"]]
        return MemberState(document, tuple(sorted(roles)))

    def _describe_repositories(self, ecr: Any = None) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        paginator = (ecr or self.ecr).get_paginator("describe_repositories")
        for page in paginator.paginate(registryId=self.params.account,
                                       PaginationConfig={"PageSize": 1000}):
            for repository in page.get("repositories", []):
                if isinstance(repository, dict) and "repositoryName" in repository:
                    out[repository["repositoryName"]] = repository
        return out

    def _optional(self, call: Callable[[], Any], not_found: str) -> Any:
        """``call()``, or ``None`` when AWS answers ``not_found``."""
        try:
            return call()
        except getattr(self.ecr.exceptions, not_found, ()) as error:
            del error
            return None
        except self.iam.exceptions.NoSuchEntityException:
            return None

    def _repository_policy(self, name: str, ecr: Any = None) -> str | None:
        client = ecr or self.ecr
        response = self._optional(lambda: client.get_repository_policy(
            registryId=self.params.account, repositoryName=name),
            "RepositoryPolicyNotFoundException")
        return None if response is None else response.get("policyText")

    def _lifecycle_policy(self, name: str, ecr: Any = None) -> str | None:
        client = ecr or self.ecr
        response = self._optional(lambda: client.get_lifecycle_policy(
            registryId=self.params.account, repositoryName=name),
            "LifecyclePolicyNotFoundException")
        return None if response is None else response.get("lifecyclePolicyText")

    def _tags(self, description: dict[str, Any]) -> dict[str, str]:
        """A repository's tags, by key."""
        arn = description.get("repositoryArn") or naming.repository_arn(
            self.params.account, self.params.region, description["repositoryName"])
        response = self.ecr.list_tags_for_resource(resourceArn=arn)
        return {str(t.get("Key")): str(t.get("Value")) for t in response.get("tags", [])
                if isinstance(t, dict)}

    def _replica(self, region: str, description: dict[str, Any]) -> RepositoryState:
        """A replica (ECR makes one on the first push after the rule) with its policy and
        lifecycle policy."""
        ecr, name = self.regional(region), description["repositoryName"]
        return RepositoryState(description, self._repository_policy(name, ecr),
                               self._lifecycle_policy(name, ecr))

    def _registry(self) -> tuple[str | None, dict[str, Any] | None]:
        response = self._optional(self.ecr.get_registry_policy,
                                  "RegistryPolicyNotFoundException")
        policy = None if response is None else response.get("policyText")
        # read even without replication regions: a rule someone added copies images away
        replication = self.ecr.describe_registry().get("replicationConfiguration")
        return policy, replication

    def _registry_scanning(self) -> dict[str, Any] | None:
        # read even without registryScanning: ENHANCED overrides every repository's flag
        found: dict[str, Any] | None = self.ecr.get_registry_scanning_configuration().get(
            "scanningConfiguration")
        return found

    def _pull_through_cache(self) -> list[dict[str, Any]]:
        if not self.params.pull_through_cache:
            return []  # the stack manages no cache rule
        pages = self.ecr.get_paginator("describe_pull_through_cache_rules").paginate(
            registryId=self.params.account)
        return [rule for page in pages for rule in page.get("pullThroughCacheRules", [])
                if isinstance(rule, dict)]

    def _creation_template(self) -> dict[str, Any] | None:
        prefix = self.params.create_on_push_prefix
        if prefix is None:
            return None
        return self._template(prefix)

    def _template(self, prefix: str) -> dict[str, Any] | None:
        """The repository creation template of ``prefix``, or ``None``."""

        def find() -> dict[str, Any] | None:
            pages = self.ecr.get_paginator("describe_repository_creation_templates").paginate(
                prefixes=[prefix])
            for page in pages:
                for template in page.get("repositoryCreationTemplates", []):
                    if isinstance(template, dict) and template.get("prefix") == prefix:
                        return template
            return None

        found: dict[str, Any] | None = self._optional(find, "TemplateNotFoundException")
        return found

    def _managed_document(self, arn: str) -> Any:
        policy = self.iam.get_policy(PolicyArn=arn)["Policy"]
        version = self.iam.get_policy_version(PolicyArn=arn,
                                              VersionId=policy["DefaultVersionId"])
        return load_document(version["PolicyVersion"].get("Document"))

    def _policies(self, kind: str, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The inline (name to document) and attached (ARN to document) policies of IAM
        ``kind`` (``role``, ``user`` or ``group``) ``name``: the same four calls for each."""
        key = {f"{kind.capitalize()}Name": name}
        inline: dict[str, Any] = {}
        attached: dict[str, Any] = {}
        for page in self.iam.get_paginator(f"list_{kind}_policies").paginate(**key):
            for policy_name in page.get("PolicyNames", []):
                response = getattr(self.iam, f"get_{kind}_policy")(**key, PolicyName=policy_name)
                inline[policy_name] = load_document(response.get("PolicyDocument"))
        for page in self.iam.get_paginator(f"list_attached_{kind}_policies").paginate(**key):
            for policy in page.get("AttachedPolicies", []):
                attached[policy["PolicyArn"]] = self._managed_document(policy["PolicyArn"])
        return inline, attached

    def _principal(self, kind: str, arn: str) -> tuple[RoleState, dict[str, Any]]:
        """A role or user: its state (policies and boundary), and what ``get_<kind>`` said;
        ``exists`` is false when it is missing or has another path than ``arn``."""
        name = naming.role_name_of_arn(arn)
        try:
            found = getattr(self.iam, f"get_{kind}")(**{f"{kind.capitalize()}Name": name})[
                kind.capitalize()]
        except self.iam.exceptions.NoSuchEntityException:
            return RoleState(arn, exists=False), {}
        state = RoleState(arn)
        if found.get("Arn") not in (None, arn):
            state.exists = False  # same name, other path: not the one the parameters name
            return state, found
        state.inline, state.attached = self._policies(kind, name)
        boundary = found.get("PermissionsBoundary") or {}
        if boundary.get("PermissionsBoundaryArn"):
            state.boundary_arn = boundary["PermissionsBoundaryArn"]
            state.boundary = self._managed_document(state.boundary_arn)
        return state, found

    def _role(self, arn: str) -> RoleState:
        state, found = self._principal("role", arn)
        if found:
            state.trust = load_document(found.get("AssumeRolePolicyDocument"))
        return state

    def _user(self, arn: str) -> RoleState:
        """An IAM user (the refresher's), read like a role, plus its console password and
        each of its groups' policies (a group can widen a user)."""
        state, _ = self._principal("user", arn)
        if not state.exists:
            return state
        name = naming.role_name_of_arn(arn)
        state.console_access = self._optional(
            lambda: self.iam.get_login_profile(UserName=name), "NoSuchEntityException"
        ) is not None
        for page in self.iam.get_paginator("list_groups_for_user").paginate(UserName=name):
            for group in page.get("Groups", []):
                inline, attached = self._policies("group", group["GroupName"])
                state.groups[group["GroupName"]] = {
                    **{f"inline policy {k}": v for k, v in inline.items()},
                    **{f"attached policy {k}": v for k, v in attached.items()}}
        return state

    def _developer_policy(self) -> dict[str, Any] | None:
        params = self.params
        if not params.developer_principal_arns:
            return None
        arn = (f"arn:{params.partition}:iam::{params.account}:policy/"
               f"{documents.developer_policy_name(params)}")
        try:
            document = self._managed_document(arn)
        except self.iam.exceptions.NoSuchEntityException:
            return None
        attached: dict[str, list[str]] = {"roles": [], "users": [], "groups": []}
        for page in self.iam.get_paginator("list_entities_for_policy").paginate(PolicyArn=arn):
            attached["roles"] += [r["RoleName"] for r in page.get("PolicyRoles", [])]
            attached["users"] += [u["UserName"] for u in page.get("PolicyUsers", [])]
            attached["groups"] += [g["GroupName"] for g in page.get("PolicyGroups", [])]
        return {"document": document, "attached": attached}


def describe_error(error: Exception) -> str:
    """One line for a botocore error: what failed and why, no traceback."""
    from botocore.exceptions import (
        ClientError,
        ConnectionError,
        HTTPClientError,
        NoCredentialsError,
        NoRegionError,
        ProfileNotFound,
    )

    if isinstance(error, ProfileNotFound):
        return f"{error}: check AWS_PROFILE and ~/.aws/config"
    if isinstance(error, NoCredentialsError):
        return ("no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or run where a role is available")
    if isinstance(error, NoRegionError):
        return "no AWS region: set AWS_REGION"
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        operation = getattr(error, "operation_name", "")
        return f"AWS refused {operation}: {code}: {message}".replace("\n", " ")
    if isinstance(error, (ConnectionError, HTTPClientError)):
        return f"cannot reach AWS: {type(error).__name__}: {error}".replace("\n", " ")
    return (f"unexpected response from AWS: {type(error).__name__}: {error}"
            ).replace("\n", " ")[:400]
