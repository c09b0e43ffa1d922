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
  description = "Source Key Vault; pass it to scripts/bootstrap-roles-anywhere.sh."
  value       = azurerm_key_vault.source.name
}

output "key_vault_uri" {
  description = "Source Key Vault URI (KvReplicator:KeyVault:VaultUri)."
  value       = azurerm_key_vault.source.vault_uri
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
