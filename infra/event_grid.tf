# One Event Grid system topic per source vault. Azure allows a single system topic per source, so a vault that
# already has one (existing_key_vaults[*].event_grid_system_topic_id) keeps it and only gets our subscription;
# the others get a topic here, in the vault's region.

data "azurerm_eventgrid_system_topic" "existing" {
  for_each            = { for key, vault in local.existing_key_vaults : key => vault if vault.event_grid_system_topic_id != null }
  name                = split("/", each.value.event_grid_system_topic_id)[8]
  resource_group_name = split("/", each.value.event_grid_system_topic_id)[4]

  lifecycle {
    postcondition {
      condition     = lower(self.source_resource_id) == lower(each.value.id)
      error_message = "existing_key_vaults: the system topic ${each.value.event_grid_system_topic_id} publishes events of ${self.source_resource_id}, not of ${each.value.id}."
    }
    postcondition {
      # Event Grid writes dead letters with the topic's system-assigned identity: the storage accepts no keys.
      condition     = length(self.identity) > 0 && strcontains(self.identity[0].type, "SystemAssigned")
      error_message = "existing_key_vaults: the system topic ${each.value.event_grid_system_topic_id} has no system-assigned identity, which dead-lettering into key-less storage needs. Enable it: az eventgrid system-topic update --ids ${each.value.event_grid_system_topic_id} --identity systemassigned"
    }
  }
}

resource "azurerm_eventgrid_system_topic" "key_vault" {
  for_each = { for key, vault in local.source_key_vaults : key => vault if vault.event_grid_system_topic_id == null }
  # The created vault's topic keeps the name it always had.
  name                = each.key == local.created_key_vault_key ? "evgt-${local.base_name}" : "evgt-${local.base_name}-${each.value.name}"
  location            = each.value.location
  resource_group_name = azurerm_resource_group.replicator.name
  source_resource_id  = each.value.id
  topic_type          = "Microsoft.KeyVault.vaults"

  # Writes dead letters into a storage account that refuses shared keys.
  identity {
    type = "SystemAssigned"
  }

  tags = var.tags
}

locals {
  # Every source vault's topic, created or reused, in one shape.
  event_grid_system_topics = merge(
    {
      for key, topic in azurerm_eventgrid_system_topic.key_vault : key => {
        id                  = topic.id
        name                = topic.name
        resource_group_name = topic.resource_group_name
        principal_id        = topic.identity[0].principal_id
      }
    },
    {
      for key, topic in data.azurerm_eventgrid_system_topic.existing : key => {
        id                  = topic.id
        name                = topic.name
        resource_group_name = topic.resource_group_name
        principal_id        = topic.identity[0].principal_id
      }
    },
  )
}

resource "azurerm_eventgrid_system_topic_event_subscription" "replicate_secret" {
  for_each = { for key, vault in local.source_key_vaults : key => vault if var.create_event_subscription }
  # A reused topic may carry other subscriptions (another deployment's too): name ours after this deployment.
  name                = each.key == local.created_key_vault_key ? "replicate-secret-versions" : "replicate-${local.base_name}"
  system_topic        = local.event_grid_system_topics[each.key].name
  resource_group_name = local.event_grid_system_topics[each.key].resource_group_name

  # Only new versions. Key Vault has no "SecretUpdated" event; attribute changes carry no value to copy.
  included_event_types = ["Microsoft.KeyVault.SecretNewVersionCreated"]

  # Must match the function's binding: ReplicateSecret binds EventGridEvent, ReplicateSecretCloudEvent binds CloudEvent.
  event_delivery_schema = var.event_delivery_schema

  azure_function_endpoint {
    function_id                       = "${azurerm_function_app_flex_consumption.replicator.id}/functions/${local.function_name}"
    max_events_per_batch              = 1
    preferred_batch_size_in_kilobytes = 64
  }

  # A throw from the function (transient failure) is retried with back-off until one of these runs out,
  # then the event is dead-lettered: nothing is dropped silently.
  retry_policy {
    max_delivery_attempts = var.event_max_delivery_attempts
    event_time_to_live    = var.event_time_to_live_minutes
  }

  storage_blob_dead_letter_destination {
    storage_account_id          = azurerm_storage_account.data.id
    storage_blob_container_name = azurerm_storage_container.dead_letter.name
  }

  dead_letter_identity {
    type = "SystemAssigned"
  }

  depends_on = [azurerm_role_assignment.event_grid_dead_letter]
}
