resource "azurerm_service_plan" "replicator" {
  name                = "asp-${local.base_name}"
  location            = azurerm_resource_group.replicator.location
  resource_group_name = azurerm_resource_group.replicator.name
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = var.tags
}

locals {
  excluded_secret_names = [var.certificate_secret_name, var.private_key_secret_name, var.chain_secret_name]

  # One vault: the single KeyVault section, secrets named <target_prefix><name> as always. Several vaults: one
  # KvReplicator:Vaults entry each (the primary first), secrets named <target_prefix><vault>/<name> so that two
  # vaults' secrets of one name stay apart (the replicator refuses names that could collide), and the Roles
  # Anywhere certificate read from the primary vault.
  several_vaults = length(local.source_key_vaults) > 1
  ordered_vault_keys = concat(
    [local.primary_key_vault_key],
    sort([for key in keys(local.source_key_vaults) : key if key != local.primary_key_vault_key]),
  )
  vault_settings = merge(
    {
      for key, value in {
        "KvReplicator__KeyVault__VaultUri"        = local.primary_key_vault.vault_uri
        "KvReplicator__KeyVault__VaultName"       = local.primary_key_vault.name
        "KvReplicator__Replication__TargetPrefix" = var.target_prefix
      } : key => value if !local.several_vaults
    },
    merge([
      for i, key in local.ordered_vault_keys : {
        "KvReplicator__Vaults__${i}__KeyVault__VaultUri"        = local.source_key_vaults[key].vault_uri
        "KvReplicator__Vaults__${i}__KeyVault__VaultName"       = local.source_key_vaults[key].name
        "KvReplicator__Vaults__${i}__Replication__TargetPrefix" = "${var.target_prefix}${lower(local.source_key_vaults[key].name)}/"
      } if local.several_vaults
    ]...),
  )

  # Both Roles Anywhere signers read the ARNs and the certificate's secret names from the RolesAnywhere section;
  # the signing helper adds where its program is.
  roles_anywhere_settings = local.roles_anywhere ? merge({
    "KvReplicator__Credentials__RolesAnywhere__TrustAnchorArn"        = aws_rolesanywhere_trust_anchor.replicator[0].arn
    "KvReplicator__Credentials__RolesAnywhere__ProfileArn"            = aws_rolesanywhere_profile.replicator[0].arn
    "KvReplicator__Credentials__RolesAnywhere__RoleArn"               = aws_iam_role.roles_anywhere[0].arn
    "KvReplicator__Credentials__RolesAnywhere__Region"                = var.aws_region
    "KvReplicator__Credentials__RolesAnywhere__DurationSeconds"       = tostring(var.session_duration_seconds)
    "KvReplicator__Credentials__RolesAnywhere__CertificateSecretName" = var.certificate_secret_name
    "KvReplicator__Credentials__RolesAnywhere__PrivateKeySecretName"  = var.private_key_secret_name
    "KvReplicator__Credentials__RolesAnywhere__ChainSecretName"       = var.chain_secret_name
    }, local.several_vaults ? {
    "KvReplicator__Credentials__RolesAnywhere__VaultUri" = local.primary_key_vault.vault_uri
    } : {}, var.roles_anywhere_signer == "signing_helper" ? {
    "KvReplicator__Credentials__SigningHelper__Path" = var.signing_helper_path
  } : {}) : {}

  web_identity_settings = local.web_identity ? {
    "KvReplicator__Credentials__WebIdentity__RoleArn"         = local.web_identity_role_arn
    "KvReplicator__Credentials__WebIdentity__Scope"           = "${var.web_identity_audience}/.default"
    "KvReplicator__Credentials__WebIdentity__RoleSessionName" = "kvreplicator"
    "KvReplicator__Credentials__WebIdentity__DurationSeconds" = tostring(var.session_duration_seconds)
  } : {}

  app_settings = merge(
    {
      # Identity-based host storage, no account key anywhere. The empty AzureWebJobsStorage overrides the
      # key-less connection string the azurerm provider injects for identity-based Flex apps
      # (hashicorp/terraform-provider-azurerm#29693); drop it once the provider stops doing so.
      "AzureWebJobsStorage"              = ""
      "AzureWebJobsStorage__accountName" = azurerm_storage_account.host.name
      "AzureWebJobsStorage__credential"  = "managedidentity"

      # The worker's own log filter (host.json filters only the host's logs in OpenTelemetry mode).
      # Setting names stay free of dots, which Linux hosts do not keep.
      "Logging__LogLevel__Default"      = "Warning"
      "Logging__LogLevel__KvReplicator" = "Information"

      "KvReplicator__Ledger__ServiceUri"    = azurerm_storage_account.data.primary_blob_endpoint
      "KvReplicator__Ledger__ContainerName" = azurerm_storage_container.ledger.name

      # Events the replicator rejects (permanent failures it acknowledges, which Event Grid therefore never
      # dead-letters) are written here as rejected/yyyy/MM/dd/HH/<id>.json, for kvrep replay.
      "KvReplicator__DeadLetter__ServiceUri"    = azurerm_storage_account.data.primary_blob_endpoint
      "KvReplicator__DeadLetter__ContainerName" = azurerm_storage_container.dead_letter.name

      "KvReplicator__SecretsManager__Region"              = var.aws_region
      "KvReplicator__SecretsManager__AdoptForeignSecrets" = tostring(var.adopt_foreign_secrets)

      "KvReplicator__Reconcile__Schedule"       = var.reconcile_schedule
      "KvReplicator__Reconcile__DeletionPolicy" = var.deletion_policy

      "KvReplicator__Credentials__Source" = local.credentials_source
    },
    local.vault_settings,
    { for i, name in local.excluded_secret_names : "KvReplicator__Replication__ExcludedSecretNames__${i}" => name },
    { for i, region in var.replica_regions : "KvReplicator__SecretsManager__ReplicaRegions__${i}" => region },
    local.use_customer_managed_key ? { "KvReplicator__SecretsManager__KmsKeyId" = local.kms_key_arn } : {},
    var.secret_resource_policy == null ? {} : { "KvReplicator__SecretsManager__ResourcePolicy" = var.secret_resource_policy },
    local.roles_anywhere_settings,
    local.web_identity_settings,
  )
}

resource "azurerm_function_app_flex_consumption" "replicator" {
  name                = "func-${local.base_name}"
  location            = azurerm_resource_group.replicator.location
  resource_group_name = azurerm_resource_group.replicator.name
  service_plan_id     = azurerm_service_plan.replicator.id

  runtime_name           = "dotnet-isolated"
  runtime_version        = var.dotnet_version
  maximum_instance_count = var.function_maximum_instance_count
  instance_memory_in_mb  = var.function_instance_memory_mb

  # The deployment package is read with the app's own identity (Storage Blob Data Owner on the host account).
  storage_container_type      = "blobContainer"
  storage_container_endpoint  = "${azurerm_storage_account.host.primary_blob_endpoint}${azurerm_storage_container.deployment.name}"
  storage_authentication_type = "SystemAssignedIdentity"

  https_only = true
  # Deployments authenticate with Entra ID (OIDC in CI), never with publishing passwords.
  webdeploy_publish_basic_authentication_enabled = false

  identity {
    type = "SystemAssigned"
  }

  site_config {
    application_insights_connection_string = azurerm_application_insights.replicator.connection_string
    minimum_tls_version                    = "1.2"
  }

  app_settings = local.app_settings
  tags         = var.tags
}
