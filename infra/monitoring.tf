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
