data "azurerm_client_config" "current" {}

data "aws_caller_identity" "current" {}

locals {
  base_name = "${var.name_prefix}-${var.name_suffix}"

  # The function each delivery schema must target (see src/KvReplicator.Functions/ReplicateSecret.cs).
  function_name = var.event_delivery_schema == "CloudEventSchemaV1_0" ? "ReplicateSecretCloudEvent" : "ReplicateSecret"

  roles_anywhere = var.credential_path == "roles_anywhere"
  # CI passes an unset variable as "", so empty and null both mean "no CA".
  ca_certificate_pem = trimspace(var.ca_certificate_pem == null ? "" : var.ca_certificate_pem)
  web_identity       = var.credential_path == "web_identity"

  # KvReplicator:Credentials:Source for each path; the options section of the Roles Anywhere settings
  # follows the source name.
  credentials_source = local.web_identity ? "WebIdentity" : (var.roles_anywhere_signer == "signing_helper" ? "SigningHelper" : "RolesAnywhere")

  # Decided from variables only, so counts that depend on it are known at plan time.
  use_customer_managed_key = var.create_kms_key || var.kms_key_arn != null
  kms_key_arn              = var.create_kms_key ? aws_kms_key.secrets[0].arn : var.kms_key_arn

  # Role ARNs are built from their names, not read from the roles: the web identity role trusts the
  # function's managed identity, and the function's settings name the role, so reading it would be a cycle.
  roles_anywhere_role_name = "${local.base_name}-roles-anywhere"
  web_identity_role_name   = "${local.base_name}-web-identity"
  web_identity_role_arn    = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/${local.web_identity_role_name}"

  entra_issuer_url = var.web_identity_token_version == "v2" ? "https://login.microsoftonline.com/${data.azurerm_client_config.current.tenant_id}/v2.0" : "https://sts.windows.net/${data.azurerm_client_config.current.tenant_id}/"
  # IAM condition keys name the provider by its URL without the scheme, trailing slash included: the v1
  # issuer ends with one and tokens' iss claims must match it exactly.
  entra_issuer_host_path = trimprefix(local.entra_issuer_url, "https://")

  policy_variables = {
    region        = var.aws_region
    account_id    = data.aws_caller_identity.current.account_id
    target_prefix = var.target_prefix
  }
}

# Cross-variable checks, kept out of variable validations so every supported OpenTofu version accepts them.
resource "terraform_data" "input_checks" {
  lifecycle {
    precondition {
      condition     = !(var.create_kms_key && var.kms_key_arn != null)
      error_message = "Set create_kms_key or kms_key_arn, not both."
    }
    precondition {
      condition     = !local.roles_anywhere || local.ca_certificate_pem != ""
      error_message = "credential_path = roles_anywhere needs ca_certificate_pem (run scripts/bootstrap-roles-anywhere.sh)."
    }
    precondition {
      condition     = var.create_key_vault || length(var.existing_key_vaults) > 0
      error_message = "No source vault: set create_key_vault = true or list existing_key_vaults."
    }
  }
}
