# Two accounts on purpose. The Functions host needs Storage Blob Data Owner on its own account (keys, leases,
# the deployment package); if the ledger lived there too, that account-wide role would cover it. On the data
# account the function's rights stop at the ledger and dead-letter containers.
# Neither account accepts shared keys: every caller authenticates with Entra ID.

resource "azurerm_storage_account" "host" {
  name                            = "st${var.name_prefix}${var.name_suffix}h"
  resource_group_name             = azurerm_resource_group.replicator.name
  location                        = azurerm_resource_group.replicator.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  allow_nested_items_to_be_public = false
  tags                            = var.tags
}

resource "azurerm_storage_container" "deployment" {
  name                  = "app-package"
  storage_account_id    = azurerm_storage_account.host.id
  container_access_type = "private"
}

resource "azurerm_storage_account" "data" {
  name                            = "st${var.name_prefix}${var.name_suffix}d"
  resource_group_name             = azurerm_resource_group.replicator.name
  location                        = azurerm_resource_group.replicator.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  allow_nested_items_to_be_public = false
  tags                            = var.tags
}

resource "azurerm_storage_container" "ledger" {
  name                  = var.ledger_container_name
  storage_account_id    = azurerm_storage_account.data.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "dead_letter" {
  name                  = var.dead_letter_container_name
  storage_account_id    = azurerm_storage_account.data.id
  container_access_type = "private"
}

# Markers only answer "was this version already written?" for redeliveries, which stop after a day; old ones
# only cost money. A marker deleted too early costs one idempotent rewrite, never a lost version.
resource "azurerm_storage_management_policy" "data" {
  storage_account_id = azurerm_storage_account.data.id

  rule {
    name    = "age-out-ledger-markers"
    enabled = true
    filters {
      blob_types   = ["blockBlob"]
      prefix_match = ["${azurerm_storage_container.ledger.name}/"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = var.ledger_marker_retention_days
      }
    }
  }

  rule {
    name    = "age-out-dead-letters"
    enabled = true
    filters {
      blob_types   = ["blockBlob"]
      prefix_match = ["${azurerm_storage_container.dead_letter.name}/"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = var.dead_letter_retention_days
      }
    }
  }
}

locals {
  # Role assignment scopes of single containers (ARM ids, whatever id format the provider reports).
  ledger_container_scope      = "${azurerm_storage_account.data.id}/blobServices/default/containers/${azurerm_storage_container.ledger.name}"
  dead_letter_container_scope = "${azurerm_storage_account.data.id}/blobServices/default/containers/${azurerm_storage_container.dead_letter.name}"
}

resource "azurerm_role_assignment" "function_host_storage" {
  scope                = azurerm_storage_account.host.id
  role_definition_name = "Storage Blob Data Owner"
  principal_id         = azurerm_function_app_flex_consumption.replicator.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "function_ledger" {
  scope                = local.ledger_container_scope
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_function_app_flex_consumption.replicator.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

# Lets the function dead-letter the events it rejects, and the replicator (kvrep replay) read and clear
# what it and Event Grid dead-lettered.
resource "azurerm_role_assignment" "function_dead_letter" {
  scope                = local.dead_letter_container_scope
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_function_app_flex_consumption.replicator.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

# Event Grid writes dead letters with each system topic's identity: the account accepts no keys.
resource "azurerm_role_assignment" "event_grid_dead_letter" {
  for_each             = local.event_grid_system_topics
  scope                = local.dead_letter_container_scope
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = each.value.principal_id
  principal_type       = "ServicePrincipal"
}
