terraform {
  # OpenTofu is what CI and the deploy workflow run; Terraform of the same era reads this too.
  required_version = ">= 1.8.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # 4.45+ for rbac_authorization_enabled on Key Vault and the Flex Consumption resource's current schema.
      version = ">= 4.45.0, < 5.0.0"
    }
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0.0, < 7.0.0"
    }
  }

  # Partial configuration: the deploy workflow passes storage account, container and key with
  # -backend-config (see README). CI runs `tofu init -backend=false`.
  backend "azurerm" {}
}

provider "azurerm" {
  features {
    key_vault {
      # Purge protection is on: never try to purge a vault or its secrets on destroy.
      purge_soft_delete_on_destroy    = false
      recover_soft_deleted_key_vaults = true
    }
  }
  # The storage accounts disable shared keys, so data-plane calls must use Entra ID.
  storage_use_azuread = true
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = var.tags
  }
}
