# Source vaults: the one this module creates (create_key_vault, the demo default) and any that already exist
# (existing_key_vaults, by resource id). Every one gets the same read access for the function, Event Grid
# subscription, diagnostic settings and alerts; an existing vault is otherwise left as it is.

# The created vault. RBAC only (no access policies) and purge protection, so a deleted secret or vault can always
# be recovered and nobody can purge the history the replicator mirrors.
resource "azurerm_key_vault" "source" {
  count                      = var.create_key_vault ? 1 : 0
  name                       = "kv-${local.base_name}"
  location                   = azurerm_resource_group.replicator.location
  resource_group_name        = azurerm_resource_group.replicator.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  rbac_authorization_enabled = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 90
  tags                       = var.tags
}

data "azurerm_key_vault" "existing" {
  for_each            = local.existing_key_vaults
  name                = each.value.name
  resource_group_name = each.value.resource_group_name

  lifecycle {
    precondition {
      # The data source reads through the provider's subscription; a vault elsewhere needs its own deployment.
      condition     = lower(split("/", each.value.id)[2]) == lower(data.azurerm_client_config.current.subscription_id)
      error_message = "existing_key_vaults: ${each.value.id} is not in the subscription this module deploys to (${data.azurerm_client_config.current.subscription_id})."
    }
    postcondition {
      condition     = self.tenant_id == data.azurerm_client_config.current.tenant_id
      error_message = "existing_key_vaults: ${each.value.id} belongs to tenant ${self.tenant_id}; the function's managed identity lives in ${data.azurerm_client_config.current.tenant_id}."
    }
  }
}

locals {
  # Key of the created vault in every per-vault map. Not a possible vault name (those have no underscore), so it
  # never collides with an existing vault's key, and static so that moved.tf can name it.
  created_key_vault_key  = "created_vault"
  created_key_vault_keys = var.create_key_vault ? [local.created_key_vault_key] : []

  # Existing vaults keyed by name (known at plan time: it is part of the id the operator wrote).
  existing_key_vaults = {
    for vault in var.existing_key_vaults : lower(split("/", vault.id)[8]) => {
      id                         = vault.id
      name                       = split("/", vault.id)[8]
      resource_group_name        = split("/", vault.id)[4]
      event_grid_system_topic_id = vault.event_grid_system_topic_id
    }
  }

  source_key_vaults = merge(
    {
      for key in local.created_key_vault_keys : key => {
        id                         = azurerm_key_vault.source[0].id
        name                       = azurerm_key_vault.source[0].name
        vault_uri                  = azurerm_key_vault.source[0].vault_uri
        location                   = azurerm_key_vault.source[0].location
        rbac_authorization         = true
        event_grid_system_topic_id = null
      }
    },
    {
      for key, vault in local.existing_key_vaults : key => {
        id                         = data.azurerm_key_vault.existing[key].id
        name                       = data.azurerm_key_vault.existing[key].name
        vault_uri                  = data.azurerm_key_vault.existing[key].vault_uri
        location                   = data.azurerm_key_vault.existing[key].location
        rbac_authorization         = data.azurerm_key_vault.existing[key].enable_rbac_authorization
        event_grid_system_topic_id = vault.event_grid_system_topic_id
      }
    },
  )

  # The vault the function's KvReplicator:KeyVault settings name, and where the Roles Anywhere certificate lives.
  primary_key_vault_key = var.create_key_vault ? local.created_key_vault_key : (length(var.existing_key_vaults) > 0 ? lower(split("/", var.existing_key_vaults[0].id)[8]) : null)
  primary_key_vault     = local.primary_key_vault_key == null ? null : local.source_key_vaults[local.primary_key_vault_key]
}

# Read-only on secret values: the replicator reads exactly the version an event names (and, in the primary vault,
# the Roles Anywhere certificate and key). Key Vault Secrets User is getSecret and readMetadata, nothing else.
resource "azurerm_role_assignment" "function_key_vault_secrets_user" {
  for_each             = { for key, vault in local.source_key_vaults : key => vault if vault.rbac_authorization }
  scope                = each.value.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_function_app_flex_consumption.replicator.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

# An existing vault still on access policies gets the same read-only rights as an access policy.
resource "azurerm_key_vault_access_policy" "function" {
  for_each           = { for key, vault in local.source_key_vaults : key => vault if !vault.rbac_authorization }
  key_vault_id       = each.value.id
  tenant_id          = data.azurerm_client_config.current.tenant_id
  object_id          = azurerm_function_app_flex_consumption.replicator.identity[0].principal_id
  secret_permissions = ["Get", "List"]
}

# Only on the created vault: who writes into an existing vault is its owners' decision, not this module's.
resource "azurerm_role_assignment" "secret_officers" {
  for_each             = var.create_key_vault ? toset(var.key_vault_secret_officer_principal_ids) : toset([])
  scope                = azurerm_key_vault.source[0].id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = each.value
}
