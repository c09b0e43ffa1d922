# Shared by scripts/*.sh: checks of infra/ that run without cloud access or provider downloads.
# Source it and call check_infra_format; it prints one result line and returns non-zero on failure.

# `fmt -check` needs no providers. OpenTofu is preferred (it is what CI and the deploy workflow run);
# Terraform formats HCL the same way and is what this machine has. Without either, the check is reported as
# not run rather than passed.
check_infra_format() {
  local root="${1:-$root}"
  local tool
  if command -v tofu >/dev/null 2>&1; then
    tool=tofu
  elif command -v terraform >/dev/null 2>&1; then
    tool=terraform
  else
    # Not a failure of the code under test: the infra job of .github/workflows/ci.yml runs `tofu fmt -check`
    # wherever this machine has neither tool.
    echo "infra format: skipped (neither tofu nor terraform on PATH)" >&2
    return 0
  fi

  local unformatted
  if unformatted="$("$tool" fmt -check -recursive -list=true "$root/infra" 2>/dev/null)"; then
    echo "infra format: ok ($tool fmt -check -recursive infra)"
    return 0
  fi

  echo "infra format: FAILED ($tool fmt -check -recursive infra); run '$tool fmt -recursive infra'. Files:" >&2
  [ -n "$unformatted" ] && printf '  %s\n' $unformatted >&2
  return 1
}
