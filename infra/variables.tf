# ---------------------------------------------------------------------------------------------------------------
# Naming and placement
# ---------------------------------------------------------------------------------------------------------------

variable "name_prefix" {
  description = "Short lowercase prefix for every resource name (2-8 letters or digits, starting with a letter). Storage account names allow nothing else."
  type        = string
  default     = "kvrep"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,7}$", var.name_prefix))
    error_message = "name_prefix must be 2-8 lowercase letters or digits and start with a letter."
  }
}

variable "name_suffix" {
  description = "Lowercase suffix that makes the globally unique names (Key Vault, storage, Function App) unique, e.g. an environment and a short random string: \"prod7q2\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{3,8}$", var.name_suffix))
    error_message = "name_suffix must be 3-8 lowercase letters or digits."
  }
}

variable "azure_location" {
  description = "Azure region for every Azure resource. It must offer the Flex Consumption plan."
  type        = string
  default     = "westeurope"
}

variable "tags" {
  description = "Tags applied to every Azure resource and, as default tags, every AWS resource."
  type        = map(string)
  default = {
    application = "kvreplicator"
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Key Vault, ledger and dead-letter storage
# ---------------------------------------------------------------------------------------------------------------

variable "create_key_vault" {
  description = "Create a new source vault (kv-<name_prefix>-<name_suffix>, RBAC, purge protection). The default, for a first try; set false to replicate only existing_key_vaults."
  type        = bool
  default     = true
}

variable "existing_key_vaults" {
  description = <<-EOT
    Vaults that already exist, to replicate from, by resource id. Each gets read access for the function (Key
    Vault Secrets User, or a Get/List access policy on a vault still using access policies), an Event Grid
    subscription, diagnostic settings and alerts; nothing else of the vault changes. Azure allows one Event Grid
    system topic per vault: give the id of the vault's topic if it has one (find it with
    `az eventgrid system-topic list --query "[?source=='<vault id>'].id"`), otherwise one is created.
  EOT
  type = list(object({
    id                         = string
    event_grid_system_topic_id = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for vault in var.existing_key_vaults : can(regex("(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/Microsoft\\.KeyVault/vaults/[a-z0-9-]{3,24}$", vault.id))])
    error_message = "existing_key_vaults[*].id must be a vault resource id: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>."
  }

  validation {
    condition = alltrue([for vault in var.existing_key_vaults : vault.event_grid_system_topic_id == null || can(regex(
      "(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/Microsoft\\.EventGrid/systemTopics/[a-z0-9-]{3,128}$", vault.event_grid_system_topic_id
    ))])
    error_message = "existing_key_vaults[*].event_grid_system_topic_id must be a system topic resource id: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.EventGrid/systemTopics/<name>."
  }

  validation {
    condition     = length(distinct([for vault in var.existing_key_vaults : try(lower(split("/", vault.id)[8]), vault.id)])) == length(var.existing_key_vaults)
    error_message = "existing_key_vaults lists a vault twice."
  }
}

variable "key_vault_secret_officer_principal_ids" {
  description = "Entra ID object ids (users, groups, the CI principal) granted Key Vault Secrets Officer on the created vault, e.g. to run scripts/bootstrap-roles-anywhere.sh. Existing vaults keep the access their owners gave. The function itself only ever gets Key Vault Secrets User."
  type        = list(string)
  default     = []
}

variable "ledger_container_name" {
  description = "Blob container holding the replication ledger markers (KvReplicator:Ledger:ContainerName)."
  type        = string
  default     = "kvreplicator-ledger"

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$", var.ledger_container_name))
    error_message = "ledger_container_name must be a valid blob container name (3-63 lowercase letters, digits, single hyphens)."
  }
}

variable "dead_letter_container_name" {
  description = "Blob container where Event Grid dead-letters deliveries that exhausted their retries."
  type        = string
  default     = "kvreplicator-deadletter"

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$", var.dead_letter_container_name))
    error_message = "dead_letter_container_name must be a valid blob container name (3-63 lowercase letters, digits, single hyphens)."
  }
}

variable "ledger_marker_retention_days" {
  description = "Days after its last write that a ledger marker is deleted by the lifecycle rule. It must outlive every redelivery (Event Grid retries for at most event_time_to_live_minutes, one day at most); a marker that is gone only costs an idempotent rewrite."
  type        = number
  default     = 90

  validation {
    condition     = var.ledger_marker_retention_days >= 2 && var.ledger_marker_retention_days <= 3650
    error_message = "ledger_marker_retention_days must be between 2 (longer than Event Grid's one-day retry window) and 3650."
  }
}

variable "dead_letter_retention_days" {
  description = "Days a dead-lettered delivery is kept for inspection and replay before the lifecycle rule deletes it."
  type        = number
  default     = 30

  validation {
    condition     = var.dead_letter_retention_days >= 1 && var.dead_letter_retention_days <= 3650
    error_message = "dead_letter_retention_days must be between 1 and 3650."
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Function App and Event Grid
# ---------------------------------------------------------------------------------------------------------------

variable "dotnet_version" {
  description = "dotnet-isolated runtime version of the Flex Consumption app; must match the TargetFramework of src/KvReplicator.Functions."
  type        = string
  default     = "10.0"

  validation {
    condition     = can(regex("^[0-9]+\\.0$", var.dotnet_version))
    error_message = "dotnet_version looks like \"10.0\"."
  }
}

variable "function_maximum_instance_count" {
  description = "Upper bound of Flex Consumption scale-out. Each instance opens its own AWS and Key Vault connections."
  type        = number
  default     = 40

  validation {
    condition     = var.function_maximum_instance_count >= 1 && var.function_maximum_instance_count <= 1000
    error_message = "function_maximum_instance_count must be between 1 and 1000."
  }
}

variable "function_instance_memory_mb" {
  description = "Instance memory of the Flex Consumption app."
  type        = number
  default     = 2048

  validation {
    condition     = contains([512, 2048, 4096], var.function_instance_memory_mb)
    error_message = "function_instance_memory_mb must be 512, 2048 or 4096."
  }
}

variable "event_delivery_schema" {
  description = "Schema Event Grid delivers in. Each schema has its own function (ReplicateSecret / ReplicateSecretCloudEvent) because the worker binds exactly one."
  type        = string
  default     = "EventGridSchema"

  validation {
    condition     = contains(["EventGridSchema", "CloudEventSchemaV1_0"], var.event_delivery_schema)
    error_message = "event_delivery_schema must be EventGridSchema or CloudEventSchemaV1_0."
  }
}

variable "event_max_delivery_attempts" {
  description = "Event Grid delivery attempts before dead-lettering (retries back off up to hours)."
  type        = number
  default     = 30

  validation {
    condition     = var.event_max_delivery_attempts >= 1 && var.event_max_delivery_attempts <= 30
    error_message = "event_max_delivery_attempts must be between 1 and 30."
  }
}

variable "event_time_to_live_minutes" {
  description = "Minutes Event Grid keeps retrying one event before dead-lettering it."
  type        = number
  default     = 1440

  validation {
    condition     = var.event_time_to_live_minutes >= 1 && var.event_time_to_live_minutes <= 1440
    error_message = "event_time_to_live_minutes must be between 1 and 1440."
  }
}

variable "create_event_subscription" {
  description = "Create the Event Grid subscription. Azure checks that the target function exists, so the first deployment applies with false, publishes the code, then applies with true (the deploy workflow does exactly that)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------------------
# AWS Secrets Manager target
# ---------------------------------------------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region of the Secrets Manager target (KvReplicator:SecretsManager:Region) and of the Roles Anywhere resources."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region looks like \"eu-west-1\"."
  }
}

variable "target_prefix" {
  description = "Prefix of every replicated Secrets Manager name (KvReplicator:Replication:TargetPrefix). The IAM policy grants access to this prefix only, so it must not be empty."
  type        = string
  default     = "kvrep/"

  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]{1,128}$", var.target_prefix))
    error_message = "target_prefix must be 1-128 characters Secrets Manager allows in names (letters, digits, / _ + = . @ -). An empty prefix would grant access to every secret of the account."
  }
}

variable "adopt_foreign_secrets" {
  description = "Let the replicator take over existing secrets under the prefix that it did not create (KvReplicator:SecretsManager:AdoptForeignSecrets)."
  type        = bool
  default     = false
}

variable "reconcile_schedule" {
  description = "NCRONTAB schedule (six fields, seconds first) of the Reconcile timer function, which repairs drift no event announces (KvReplicator:Reconcile:Schedule)."
  type        = string
  default     = "0 0 */6 * * *"

  validation {
    condition     = length(split(" ", trimspace(var.reconcile_schedule))) == 6
    error_message = "reconcile_schedule must be an NCRONTAB expression with six fields, e.g. \"0 0 */6 * * *\"."
  }
}

variable "deletion_policy" {
  description = "What the Reconcile timer does in AWS to a replicated secret deleted in Key Vault: Retain (default) or Delete with a 30-day recovery window (KvReplicator:Reconcile:DeletionPolicy)."
  type        = string
  default     = "Retain"

  validation {
    condition     = contains(["Retain", "Delete"], var.deletion_policy)
    error_message = "deletion_policy must be Retain or Delete."
  }
}

variable "create_kms_key" {
  description = "Create a customer-managed KMS key for the replicated secrets. With neither this nor kms_key_arn, Secrets Manager uses the AWS-managed key aws/secretsmanager."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of an existing customer-managed KMS key for the replicated secrets. Mutually exclusive with create_kms_key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<uuid>), not an alias."
  }
}

variable "replica_regions" {
  description = "Extra AWS regions Secrets Manager replicates every secret to (KvReplicator:SecretsManager:ReplicaRegions)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.replica_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "replica_regions must be AWS region names such as \"eu-central-1\"."
  }
}

variable "secret_resource_policy" {
  description = "A resource policy (JSON) put on every replicated secret, with Block Public Policy (KvReplicator:SecretsManager:ResourcePolicy); null puts none."
  type        = string
  default     = null

  validation {
    condition     = var.secret_resource_policy == null || can(jsondecode(var.secret_resource_policy))
    error_message = "secret_resource_policy must be a JSON policy document."
  }
}

# ---------------------------------------------------------------------------------------------------------------
# AWS credentials of the function: which path is deployed
# ---------------------------------------------------------------------------------------------------------------

variable "credential_path" {
  description = "How the function gets short-lived AWS credentials: roles_anywhere (X.509 certificate kept in Key Vault, IAM Roles Anywhere) or web_identity (the function's managed identity token exchanged with STS AssumeRoleWithWebIdentity; nothing to issue or roll)."
  type        = string
  default     = "roles_anywhere"

  validation {
    condition     = contains(["roles_anywhere", "web_identity"], var.credential_path)
    error_message = "credential_path must be roles_anywhere or web_identity."
  }
}

variable "roles_anywhere_signer" {
  description = "With roles_anywhere: native (the replicator signs CreateSession itself; nothing to ship) or signing_helper (runs aws_signing_helper, which must then be shipped with the package)."
  type        = string
  default     = "native"

  validation {
    condition     = contains(["native", "signing_helper"], var.roles_anywhere_signer)
    error_message = "roles_anywhere_signer must be native or signing_helper."
  }
}

variable "signing_helper_path" {
  description = "Where the Function App finds aws_signing_helper when roles_anywhere_signer = \"signing_helper\" (ship the binary in the deployment package). KvReplicator:Credentials:SigningHelper:Path."
  type        = string
  default     = "aws_signing_helper"
  nullable    = false
}

variable "ca_certificate_pem" {
  description = "PEM of the private CA that issued the replicator's client certificate (printed by scripts/bootstrap-roles-anywhere.sh). Public material, required with credential_path = roles_anywhere."
  type        = string
  default     = null

  validation {
    condition     = var.ca_certificate_pem == null || trimspace(coalesce(var.ca_certificate_pem, " ")) == "" || can(regex("-----BEGIN CERTIFICATE-----", var.ca_certificate_pem))
    error_message = "ca_certificate_pem must be a PEM certificate (or empty with credential_path = web_identity)."
  }
}

variable "roles_anywhere_certificate_cn" {
  description = "Common name the client certificate must carry; the role's trust policy requires it (aws:PrincipalTag/x509Subject/CN)."
  type        = string
  default     = "kvreplicator"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,64}$", var.roles_anywhere_certificate_cn))
    error_message = "roles_anywhere_certificate_cn must be 1-64 letters, digits, dots, underscores or hyphens."
  }
}

variable "session_duration_seconds" {
  description = "Lifetime of the AWS sessions the function obtains (Roles Anywhere profile and role maximum, and the web identity session)."
  type        = number
  default     = 3600

  validation {
    condition     = var.session_duration_seconds >= 900 && var.session_duration_seconds <= 43200
    error_message = "session_duration_seconds must be between 900 and 43200."
  }
}

variable "certificate_secret_name" {
  description = "Key Vault secret holding the client certificate PEM. Excluded from replication."
  type        = string
  default     = "kvrep-roles-anywhere-certificate"
}

variable "private_key_secret_name" {
  description = "Key Vault secret holding the client private key PEM. Excluded from replication: copying it to AWS would hand out the key that grants access to AWS."
  type        = string
  default     = "kvrep-roles-anywhere-private-key"
}

variable "chain_secret_name" {
  description = "Key Vault secret holding the intermediate chain PEM, if any. Excluded from replication."
  type        = string
  default     = "kvrep-roles-anywhere-chain"
}

variable "web_identity_audience" {
  description = "Audience the function requests its managed identity token for (KvReplicator:Credentials:WebIdentity:Scope is this plus /.default) and that the AWS OIDC provider and role accept."
  type        = string
  default     = "api://AzureADTokenExchange"
}

variable "web_identity_token_version" {
  description = "Which Entra ID issuer signs the managed identity token: v2 (https://login.microsoftonline.com/<tenant>/v2.0; tokens for api://AzureADTokenExchange) or v1 (https://sts.windows.net/<tenant>/; tokens for an app registration that accepts v1 tokens). Decode one token and compare its iss claim if unsure."
  type        = string
  default     = "v2"

  validation {
    condition     = contains(["v1", "v2"], var.web_identity_token_version)
    error_message = "web_identity_token_version must be v1 or v2."
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Monitoring: Key Vault diagnostics, alerts, workbook
# ---------------------------------------------------------------------------------------------------------------

variable "key_vault_diagnostic_settings" {
  description = "Send every source vault's audit logs and metrics to the deployment's Log Analytics workspace (the workbook compares secret writes with replications). Turn off for an existing vault whose diagnostic settings are managed elsewhere (Azure allows five per resource)."
  type        = bool
  default     = true
}

variable "alert_email_addresses" {
  description = "Who the alerts notify by email (an action group is created for them). Empty: alerts fire into the portal only, plus alert_action_group_ids."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alert_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+$", address))])
    error_message = "alert_email_addresses must be email addresses."
  }
}

variable "alert_action_group_ids" {
  description = "Existing action groups (resource ids) the alerts also notify: paging, chat, ITSM."
  type        = list(string)
  default     = []
}

variable "alert_failure_rate_threshold" {
  description = "Fraction of deliveries (kvrep.deliveries) answered with a permanent or transient failure over 15 minutes above which the failure-rate alert fires."
  type        = number
  default     = 0.05

  validation {
    condition     = var.alert_failure_rate_threshold > 0 && var.alert_failure_rate_threshold < 1
    error_message = "alert_failure_rate_threshold must be between 0 and 1 (exclusive)."
  }
}

variable "alert_lag_p95_seconds" {
  description = "Replication lag (kvrep.replication.lag: AWS write time minus Key Vault version creation) p95 over 15 minutes, in seconds, above which the lag alert fires."
  type        = number
  default     = 60

  validation {
    condition     = var.alert_lag_p95_seconds > 0
    error_message = "alert_lag_p95_seconds must be positive."
  }
}

variable "alert_no_replication_hours" {
  description = "Hours with deliveries arriving but no version replicated, already done or skipped, after which the no-replication alert fires: 1-6, 24 or 48."
  type        = number
  default     = 6

  validation {
    condition     = contains([1, 2, 3, 4, 5, 6, 24, 48], var.alert_no_replication_hours)
    error_message = "alert_no_replication_hours must be 1-6, 24 or 48: the windows an Azure Monitor log alert accepts."
  }
}
