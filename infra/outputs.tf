output "resource_group_name" {
  description = "Resource group holding every Azure resource."
  value       = azurerm_resource_group.replicator.name
}

output "function_app_name" {
  description = "Flex Consumption Function App to publish src/KvReplicator.Functions to."
  value       = azurerm_function_app_flex_consumption.replicator.name
}

output "function_name" {
  description = "The function the Event Grid subscription targets (depends on event_delivery_schema)."
  value       = local.function_name
}

output "function_principal_id" {
  description = "Object id of the function's system-assigned managed identity (the sub of its tokens)."
  value       = azurerm_function_app_flex_consumption.replicator.identity[0].principal_id
}

output "key_vault_name" {
  description = "The primary source vault (the created one, else the first existing one): KvReplicator:KeyVault:VaultName, and where scripts/bootstrap-roles-anywhere.sh stores the certificate."
  value       = local.primary_key_vault.name
}

output "key_vault_uri" {
  description = "The primary source vault's URI (KvReplicator:KeyVault:VaultUri)."
  value       = local.primary_key_vault.vault_uri
}

output "source_key_vaults" {
  description = "Every source vault, created or existing: name => URI."
  value       = { for vault in local.source_key_vaults : vault.name => vault.vault_uri }
}

output "event_grid_system_topics" {
  description = "The system topic of each source vault (created here, or reused): vault name => topic id."
  value       = { for key, topic in local.event_grid_system_topics : local.source_key_vaults[key].name => topic.id }
}

output "ledger_blob_endpoint" {
  description = "Blob endpoint of the ledger account (KvReplicator:Ledger:ServiceUri)."
  value       = azurerm_storage_account.data.primary_blob_endpoint
}

output "dead_letter_container" {
  description = "Where Event Grid dead-letters deliveries, as account/container."
  value       = "${azurerm_storage_account.data.name}/${azurerm_storage_container.dead_letter.name}"
}

output "credentials_source" {
  description = "The KvReplicator:Credentials:Source the function runs with."
  value       = local.credentials_source
}

output "aws_role_arn" {
  description = "IAM role the function assumes."
  value       = local.roles_anywhere ? aws_iam_role.roles_anywhere[0].arn : aws_iam_role.web_identity[0].arn
}

output "roles_anywhere_trust_anchor_arn" {
  description = "Roles Anywhere trust anchor (null with web_identity)."
  value       = local.roles_anywhere ? aws_rolesanywhere_trust_anchor.replicator[0].arn : null
}

output "roles_anywhere_profile_arn" {
  description = "Roles Anywhere profile (null with web_identity)."
  value       = local.roles_anywhere ? aws_rolesanywhere_profile.replicator[0].arn : null
}

output "kms_key_arn" {
  description = "Customer-managed key of the replicated secrets, if any."
  value       = local.kms_key_arn
}
