# The single vault of earlier versions became the "created_vault" entry of per-vault resources; these keep an
# existing deployment's vault, topic, subscription and role assignments in place instead of replacing them.

moved {
  from = azurerm_key_vault.source
  to   = azurerm_key_vault.source[0]
}

moved {
  from = azurerm_eventgrid_system_topic.key_vault
  to   = azurerm_eventgrid_system_topic.key_vault["created_vault"]
}

moved {
  from = azurerm_eventgrid_system_topic_event_subscription.replicate_secret[0]
  to   = azurerm_eventgrid_system_topic_event_subscription.replicate_secret["created_vault"]
}

moved {
  from = azurerm_role_assignment.function_key_vault_secrets_user
  to   = azurerm_role_assignment.function_key_vault_secrets_user["created_vault"]
}

moved {
  from = azurerm_role_assignment.event_grid_dead_letter
  to   = azurerm_role_assignment.event_grid_dead_letter["created_vault"]
}
