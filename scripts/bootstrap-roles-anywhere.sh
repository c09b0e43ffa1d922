#!/usr/bin/env bash
# Creates (once) the private CA that IAM Roles Anywhere trusts, issues the replicator's client certificate, and
# stores certificate and key in Key Vault. Run it again to roll the certificate: the CA is reused, a new key and
# certificate become new secret versions, and the replicator picks them up at its next credential refresh.
#
#   scripts/bootstrap-roles-anywhere.sh --ca-only                      # before the first `tofu apply`
#   scripts/bootstrap-roles-anywhere.sh --vault <key-vault-name> [options]   # after it, and to roll
#
# Where things go:
#   CA key and database   --ca-dir (default ~/.kvreplicator/ca), 0700/0600, refused inside the repository.
#                         Back it up offline; AWS only ever gets the CA *certificate*.
#   client key            a private temporary directory, then Key Vault (az keyvault secret set --file),
#                         then shredded. It is never printed and never written anywhere else.
#   CA certificate        printed path; feed it to OpenTofu as ca_certificate_pem.
set -euo pipefail

vault=""
common_name="kvreplicator"
ca_dir="${HOME}/.kvreplicator/ca"
ca_days=3650
cert_days=365
key_type="ec"
cert_secret="kvrep-roles-anywhere-certificate"
key_secret="kvrep-roles-anywhere-private-key"
chain_secret="kvrep-roles-anywhere-chain"
chain_file=""
ca_only=false

usage() {
  cat >&2 <<USAGE
usage: $0 --ca-only [--ca-dir DIR] [--ca-days N]
       $0 --vault NAME [--cn NAME] [--ca-dir DIR] [--days N] [--ca-days N] [--key-type ec|rsa]
          [--certificate-secret NAME] [--private-key-secret NAME] [--chain-secret NAME] [--chain FILE]
  --ca-only             only create the CA (if missing) and print its certificate path; OpenTofu needs it
                        before the vault exists
  --vault               Key Vault that receives certificate and key (Key Vault Secrets Officer needed)
  --cn                  certificate subject CN; must equal roles_anywhere_certificate_cn (default: $common_name)
  --ca-dir              where the CA key and database live, outside the repository (default: $ca_dir)
  --days                client certificate lifetime in days (default: $cert_days)
  --ca-days             CA lifetime in days, used only when the CA is created (default: $ca_days)
  --key-type            ec (P-256, default) or rsa (3072 bits)
  --chain               PEM of intermediate CA certificates, when the issuing CA is not the trust anchor
  --*-secret            Key Vault secret names; must match the replicator's settings (defaults shown in --help source)
USAGE
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --ca-only) ca_only=true; shift ;;
    --vault) vault="$2"; shift 2 ;;
    --cn) common_name="$2"; shift 2 ;;
    --ca-dir) ca_dir="$2"; shift 2 ;;
    --days) cert_days="$2"; shift 2 ;;
    --ca-days) ca_days="$2"; shift 2 ;;
    --key-type) key_type="$2"; shift 2 ;;
    --certificate-secret) cert_secret="$2"; shift 2 ;;
    --private-key-secret) key_secret="$2"; shift 2 ;;
    --chain-secret) chain_secret="$2"; shift 2 ;;
    --chain) chain_file="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done

[ "$ca_only" = true ] || [ -n "$vault" ] || usage
[[ "$common_name" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || { echo "--cn must be 1-64 letters, digits, . _ -" >&2; exit 2; }
[[ "$cert_days" =~ ^[0-9]+$ && "$ca_days" =~ ^[0-9]+$ ]] || { echo "--days and --ca-days must be numbers" >&2; exit 2; }
case "$key_type" in ec|rsa) ;; *) echo "--key-type must be ec or rsa" >&2; exit 2 ;; esac
[ -z "$chain_file" ] || [ -r "$chain_file" ] || { echo "cannot read --chain $chain_file" >&2; exit 2; }
required_tools="openssl"
[ "$ca_only" = true ] || required_tools="openssl az"
for tool in $required_tools; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required" >&2; exit 1; }
done

umask 077
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ca_dir="$(realpath -m "$ca_dir")"
case "$ca_dir/" in
  "$repo_root"/*) echo "refusing --ca-dir inside the repository ($repo_root): the CA key must never be committed" >&2; exit 1 ;;
esac
mkdir -p "$ca_dir"
chmod 700 "$ca_dir"

new_key() {
  if [ "$key_type" = rsa ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1"
  else
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
  fi
  chmod 600 "$1"
}

# An `openssl ca` database, so issued certificates can later be revoked and a CRL imported into Roles Anywhere.
if [ ! -f "$ca_dir/ca.key" ]; then
  echo "Creating the private CA in $ca_dir" >&2
  mkdir -p "$ca_dir/issued"
  : > "$ca_dir/index.txt"
  openssl rand -hex 16 > "$ca_dir/serial"
  echo 1000 > "$ca_dir/crlnumber"
  cat > "$ca_dir/openssl.cnf" <<CNF
[ ca ]
default_ca = kvreplicator_ca

[ kvreplicator_ca ]
dir               = $ca_dir
database          = \$dir/index.txt
serial            = \$dir/serial
crlnumber         = \$dir/crlnumber
new_certs_dir     = \$dir/issued
certificate       = \$dir/ca.pem
private_key       = \$dir/ca.key
default_md        = sha256
default_crl_days  = 30
policy            = policy_cn_only
unique_subject    = no
copy_extensions   = none

[ policy_cn_only ]
commonName = supplied

[ ca_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ client_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer
CNF
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$ca_dir/ca.key"
  chmod 600 "$ca_dir/ca.key"
  openssl req -new -x509 -sha384 -key "$ca_dir/ca.key" -subj "/CN=KvReplicator Roles Anywhere CA" \
    -days "$ca_days" -config "$ca_dir/openssl.cnf" -extensions ca_ext -out "$ca_dir/ca.pem"
fi

if [ "$ca_only" = true ]; then
  echo "CA certificate for OpenTofu (ca_certificate_pem):" >&2
  echo "$ca_dir/ca.pem"
  exit 0
fi

# The client key exists only here until Key Vault has it; prefer memory-backed storage.
work_parent="${XDG_RUNTIME_DIR:-}"
[ -n "$work_parent" ] && [ -d "$work_parent" ] || work_parent="$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")"
work="$(mktemp -d "$work_parent/kvrep-bootstrap.XXXXXX")"
cleanup() {
  if [ -f "$work/client.key" ]; then
    shred -u "$work/client.key" 2>/dev/null || rm -f "$work/client.key"
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

new_key "$work/client.key"
openssl req -new -key "$work/client.key" -subj "/CN=$common_name" -out "$work/client.csr"
openssl ca -batch -notext -config "$ca_dir/openssl.cnf" -extensions client_ext -days "$cert_days" \
  -in "$work/client.csr" -out "$work/client.pem" 2> "$work/ca.log" || { cat "$work/ca.log" >&2; exit 1; }
serial="$(openssl x509 -in "$work/client.pem" -noout -serial | cut -d= -f2)"

echo "Storing certificate (serial $serial) and private key in Key Vault $vault" >&2
az keyvault secret set --vault-name "$vault" --name "$cert_secret" --file "$work/client.pem" \
  --content-type application/x-pem-file --tags "serial=$serial" --output none
az keyvault secret set --vault-name "$vault" --name "$key_secret" --file "$work/client.key" \
  --content-type application/x-pem-file --tags "serial=$serial" --output none
if [ -n "$chain_file" ]; then
  az keyvault secret set --vault-name "$vault" --name "$chain_secret" --file "$chain_file" \
    --content-type application/x-pem-file --output none
fi

echo "Done. Certificate serial $serial, valid $cert_days days, CN=$common_name." >&2
echo "CA certificate for OpenTofu (ca_certificate_pem):" >&2
echo "$ca_dir/ca.pem"
