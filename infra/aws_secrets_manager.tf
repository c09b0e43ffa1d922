# Optional customer-managed key. No key policy is given, so AWS applies its default one, which delegates to
# IAM: the replicator's roles then get exactly what kms-via-secrets-manager.json.tftpl grants.
resource "aws_kms_key" "secrets" {
  count                   = var.create_kms_key ? 1 : 0
  description             = "Encrypts the Secrets Manager secrets KvReplicator writes under ${var.target_prefix}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "secrets" {
  count         = var.create_kms_key ? 1 : 0
  name          = "alias/${local.base_name}-secrets"
  target_key_id = aws_kms_key.secrets[0].key_id
}

# What the replicator may do in Secrets Manager, whichever credential path is deployed. Every policy is a
# JSON template in policies/ so tests/KvReplicator.Tests/Infra can check it for wildcards.
resource "aws_iam_policy" "secrets_manager" {
  name        = "${local.base_name}-secrets-manager"
  description = "KvReplicator: replicate into Secrets Manager secrets under ${var.target_prefix} only."
  policy      = templatefile("${path.module}/policies/secrets-manager-access.json.tftpl", local.policy_variables)
}

resource "aws_iam_policy" "secrets_manager_replication" {
  count       = length(var.replica_regions) > 0 ? 1 : 0
  name        = "${local.base_name}-secrets-manager-replication"
  description = "KvReplicator: replicate secrets under ${var.target_prefix} to the configured regions."
  policy      = templatefile("${path.module}/policies/secrets-manager-replication.json.tftpl", local.policy_variables)
}

resource "aws_iam_policy" "secrets_manager_resource_policy" {
  count       = var.secret_resource_policy == null ? 0 : 1
  name        = "${local.base_name}-secrets-manager-resource-policy"
  description = "KvReplicator: put the configured resource policy on secrets under ${var.target_prefix}."
  policy      = templatefile("${path.module}/policies/secrets-manager-resource-policy.json.tftpl", local.policy_variables)
}

resource "aws_iam_policy" "kms" {
  count       = local.use_customer_managed_key ? 1 : 0
  name        = "${local.base_name}-kms-via-secrets-manager"
  description = "KvReplicator: use the secrets' KMS key only through Secrets Manager."
  policy = templatefile("${path.module}/policies/kms-via-secrets-manager.json.tftpl", merge(local.policy_variables, {
    kms_key_arn = local.kms_key_arn
  }))
}

locals {
  replicator_policy_arns = concat(
    [aws_iam_policy.secrets_manager.arn],
    aws_iam_policy.secrets_manager_replication[*].arn,
    aws_iam_policy.secrets_manager_resource_policy[*].arn,
    aws_iam_policy.kms[*].arn,
  )
}

resource "aws_iam_role_policy_attachment" "replicator" {
  count      = length(local.replicator_policy_arns)
  role       = local.roles_anywhere ? aws_iam_role.roles_anywhere[0].name : aws_iam_role.web_identity[0].name
  policy_arn = local.replicator_policy_arns[count.index]
}
