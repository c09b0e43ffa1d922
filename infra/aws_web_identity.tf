# Entra ID workload identity federation: AWS trusts the tenant's issuer, and the role trusts only the
# function's managed identity (sub = its object id) asking for the configured audience. No certificate exists
# to issue, store or roll.

resource "aws_iam_openid_connect_provider" "entra" {
  count          = local.web_identity ? 1 : 0
  url            = local.entra_issuer_url
  client_id_list = [var.web_identity_audience]
}

resource "aws_iam_role" "web_identity" {
  count                = local.web_identity ? 1 : 0
  name                 = local.web_identity_role_name
  description          = "KvReplicator via AssumeRoleWithWebIdentity: the managed identity of func-${local.base_name} only."
  max_session_duration = max(var.session_duration_seconds, 3600)
  assume_role_policy = templatefile("${path.module}/policies/web-identity-trust.json.tftpl", {
    oidc_provider_arn = aws_iam_openid_connect_provider.entra[0].arn
    issuer_host_path  = local.entra_issuer_host_path
    audience          = var.web_identity_audience
    principal_id      = azurerm_function_app_flex_consumption.replicator.identity[0].principal_id
  })
}
