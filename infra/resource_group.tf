resource "azurerm_resource_group" "replicator" {
  name     = "rg-${local.base_name}"
  location = var.azure_location
  tags     = var.tags
}
