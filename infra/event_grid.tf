resource "azurerm_eventgrid_system_topic" "key_vault" {
  name                = "evgt-${local.base_name}"
  location            = azurerm_resource_group.replicator.location
  resource_group_name = azurerm_resource_group.replicator.name
  source_resource_id  = azurerm_key_vault.source.id
  topic_type          = "Microsoft.KeyVault.vaults"

  # Writes dead letters into a storage account that refuses shared keys.
  identity {
    type = "SystemAssigned"
  }

  tags = var.tags
}

resource "azurerm_eventgrid_system_topic_event_subscription" "replicate_secret" {
  count               = var.create_event_subscription ? 1 : 0
  name                = "replicate-secret-versions"
  system_topic        = azurerm_eventgrid_system_topic.key_vault.name
  resource_group_name = azurerm_resource_group.replicator.name

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
