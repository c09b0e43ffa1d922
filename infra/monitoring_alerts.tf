# The four alerts of docs/operations (issue 12): any dead letter, failure rate, lag p95, and no replication while
# deliveries arrive. Queries live in monitoring/alerts/*.kql, where tests/KvReplicator.Tests/Infra checks every
# metric they name against the replicator's telemetry names. deploy/helm/kvreplicator has the same four as a
# PrometheusRule for kvrep serve.

resource "azurerm_monitor_action_group" "replicator" {
  count               = length(var.alert_email_addresses) > 0 ? 1 : 0
  name                = "ag-${local.base_name}"
  resource_group_name = azurerm_resource_group.replicator.name
  short_name          = "kvrep"

  dynamic "email_receiver" {
    for_each = var.alert_email_addresses
    content {
      name                    = "email-${email_receiver.key}"
      email_address           = email_receiver.value
      use_common_alert_schema = true
    }
  }

  tags = var.tags
}

locals {
  alert_action_group_ids = concat(azurerm_monitor_action_group.replicator[*].id, var.alert_action_group_ids)

  log_alerts = {
    dead-letters = {
      description = "The replicator rejected a delivery and wrote it to the dead-letter container. Fix the cause, then re-drive it with kvrep replay (docs/operator-guide.md, runbook: dead letters)."
      severity    = 2
      frequency   = "PT5M"
      window      = "PT15M"
      aggregation = "Total"
      column      = "DeadLetters"
      threshold   = 0
    }
    failure-rate = {
      description = "More than ${var.alert_failure_rate_threshold * 100}% of deliveries failed (permanently or transiently) over 15 minutes. kvrep doctor names the broken setting or store."
      severity    = 2
      frequency   = "PT5M"
      window      = "PT15M"
      aggregation = "Maximum"
      column      = "FailureRate"
      threshold   = var.alert_failure_rate_threshold
    }
    lag-p95 = {
      description = "Replication lag p95 (Key Vault version creation to AWS write) is above ${var.alert_lag_p95_seconds} s over 15 minutes. Look for throttling (kvrep.remote_call.duration by service) and Event Grid retries."
      severity    = 3
      frequency   = "PT5M"
      window      = "PT15M"
      aggregation = "Maximum"
      column      = "LagP95Seconds"
      threshold   = var.alert_lag_p95_seconds
    }
    no-replication = {
      description = "Deliveries arrived for ${var.alert_no_replication_hours} h but no version was replicated, already done or skipped: every one ends in retry_later or rejected. Run kvrep doctor with the function's settings."
      severity    = 1
      frequency   = var.alert_no_replication_hours > 6 ? "PT1H" : "PT15M"
      window      = var.alert_no_replication_hours == 24 ? "P1D" : (var.alert_no_replication_hours == 48 ? "P2D" : "PT${var.alert_no_replication_hours}H")
      aggregation = "Maximum"
      column      = "Stalled"
      threshold   = 0
    }
  }
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "replicator" {
  for_each             = local.log_alerts
  name                 = "kvrep-${local.base_name}-${each.key}"
  display_name         = "KvReplicator ${each.key} (${local.base_name})"
  description          = each.value.description
  resource_group_name  = azurerm_resource_group.replicator.name
  location             = azurerm_resource_group.replicator.location
  scopes               = [azurerm_log_analytics_workspace.replicator.id]
  severity             = each.value.severity
  evaluation_frequency = each.value.frequency
  window_duration      = each.value.window

  criteria {
    query                   = file("${path.module}/monitoring/alerts/${each.key}.kql")
    time_aggregation_method = each.value.aggregation
    metric_measure_column   = each.value.column
    operator                = "GreaterThan"
    threshold               = each.value.threshold

    failing_periods {
      minimum_failing_periods_to_trigger_alert = 1
      number_of_evaluation_periods             = 1
    }
  }

  auto_mitigation_enabled = true

  dynamic "action" {
    for_each = length(local.alert_action_group_ids) > 0 ? [local.alert_action_group_ids] : []
    content {
      action_groups = action.value
    }
  }

  tags = var.tags
}

# Event Grid's own dead letters: deliveries it gave up on after event_max_delivery_attempts or
# event_time_to_live_minutes (the replicator answered 503, or was unreachable). One alert per system topic, since
# a metric alert spans resources of one region only.
resource "azurerm_monitor_metric_alert" "event_grid_dead_letters" {
  for_each            = local.event_grid_system_topics
  name                = "kvrep-${local.base_name}-eventgrid-dead-letters-${replace(each.key, "_", "-")}"
  resource_group_name = azurerm_resource_group.replicator.name
  scopes              = [each.value.id]
  description         = "Event Grid dead-lettered deliveries of ${local.source_key_vaults[each.key].name} into the dead-letter container. Re-drive them with kvrep replay once the replicator is healthy."
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"

  criteria {
    metric_namespace = "Microsoft.EventGrid/systemTopics"
    metric_name      = "DeadLetteredCount"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 0
  }

  dynamic "action" {
    for_each = local.alert_action_group_ids
    content {
      action_group_id = action.value
    }
  }

  tags = var.tags
}
