resource "azurerm_log_analytics_workspace" "replicator" {
  name                = "log-${local.base_name}"
  location            = azurerm_resource_group.replicator.location
  resource_group_name = azurerm_resource_group.replicator.name
  sku                 = "PerGB2018"
  retention_in_days   = 30
  tags                = var.tags
}

resource "azurerm_application_insights" "replicator" {
  name                = "appi-${local.base_name}"
  location            = azurerm_resource_group.replicator.location
  resource_group_name = azurerm_resource_group.replicator.name
  workspace_id        = azurerm_log_analytics_workspace.replicator.id
  application_type    = "web"
  tags                = var.tags
}

# Every source vault's audit log (who read or wrote which secret, and what failed) next to the replicator's
# telemetry, so the workbook can set secret writes beside replications and spot refused reads. AzureDiagnostics
# table; values never appear in Key Vault's logs.
resource "azurerm_monitor_diagnostic_setting" "key_vault" {
  for_each                   = { for key, vault in local.source_key_vaults : key => vault if var.key_vault_diagnostic_settings }
  name                       = "kvreplicator-${local.base_name}"
  target_resource_id         = each.value.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.replicator.id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

# The replicator's dashboard in Azure: deliveries, versions by outcome, dead letters, lag, durations and remote
# calls (from the KvReplicator meter the Functions host exports), and the vaults' audit logs. The JSON is a
# template only to point its queries at this workspace.
resource "azurerm_application_insights_workbook" "replicator" {
  name                = uuidv5("url", "urn:kvreplicator:workbook:${local.base_name}")
  resource_group_name = azurerm_resource_group.replicator.name
  location            = azurerm_resource_group.replicator.location
  display_name        = "KvReplicator (${local.base_name})"
  category            = "workbook"
  # The provider requires the id in lower case.
  source_id = lower(azurerm_log_analytics_workspace.replicator.id)
  data_json = templatefile("${path.module}/monitoring/kvreplicator.workbook.json.tftpl", {
    workspace_id = azurerm_log_analytics_workspace.replicator.id
  })
  tags = var.tags
}
