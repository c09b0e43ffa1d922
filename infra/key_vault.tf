# The source vault. RBAC only (no access policies) and purge protection, so a deleted secret or vault can always
# be recovered and nobody can purge the history the replicator mirrors.
resource "azurerm_key_vault" "source" {
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

# Read-only on secret values: the replicator reads exactly the version an event names, and the Roles Anywhere
# certificate and key.
resource "azurerm_role_assignment" "function_key_vault_secrets_user" {
  scope                = azurerm_key_vault.source.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_function_app_flex_consumption.replicator.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "secret_officers" {
  for_each             = toset(var.key_vault_secret_officer_principal_ids)
  scope                = azurerm_key_vault.source.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = each.value
}
