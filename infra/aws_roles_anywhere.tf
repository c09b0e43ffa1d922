# IAM Roles Anywhere: the private CA (created locally by scripts/bootstrap-roles-anywhere.sh; its key never
# leaves the operator's machine) is the trust anchor; the client certificate and key live in Key Vault.

resource "aws_rolesanywhere_trust_anchor" "replicator" {
  count   = local.roles_anywhere ? 1 : 0
  name    = "${local.base_name}-ca"
  enabled = true

  source {
    source_type = "CERTIFICATE_BUNDLE"
    source_data {
      x509_certificate_data = local.ca_certificate_pem
    }
  }
}

resource "aws_iam_role" "roles_anywhere" {
  count                = local.roles_anywhere ? 1 : 0
  name                 = local.roles_anywhere_role_name
  description          = "KvReplicator via IAM Roles Anywhere: certificate CN ${var.roles_anywhere_certificate_cn} from trust anchor ${local.base_name}-ca only."
  max_session_duration = max(var.session_duration_seconds, 3600)
  assume_role_policy = templatefile("${path.module}/policies/roles-anywhere-trust.json.tftpl", {
    trust_anchor_arn = aws_rolesanywhere_trust_anchor.replicator[0].arn
    certificate_cn   = var.roles_anywhere_certificate_cn
  })
}

resource "aws_rolesanywhere_profile" "replicator" {
  count            = local.roles_anywhere ? 1 : 0
  name             = "${local.base_name}-replicator"
  enabled          = true
  role_arns        = [aws_iam_role.roles_anywhere[0].arn]
  duration_seconds = var.session_duration_seconds
}
