#!/usr/bin/env sh
# Creates the key that encrypts second-factor secrets at rest, once: a vault secret holding 256 random
# bits (base64). Run after provisioning (azd runs it as the postprovision hook); it never replaces an
# existing key. Rotate by adding a new version (az keyvault secret set ... with a new value): the app
# encrypts with the newest and still decrypts with every enabled older one.
# Needs: az signed in as a principal with "Key Vault Secrets Officer" on the vault (the template grants
# it to the deploying principal), and AZURE_KEY_VAULT_NAME and ENCRYPTION_KEY_NAME (the template's outputs).
set -eu
: "${AZURE_KEY_VAULT_NAME:?set AZURE_KEY_VAULT_NAME to the vault the template made}"
name="${ENCRYPTION_KEY_NAME:-secret-encryption-key}"
if az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name "$name" --query id --output none 2>/dev/null; then
  echo "The key '$name' exists in $AZURE_KEY_VAULT_NAME; left as it is."
  exit 0
fi
# The role assignment may take a minute to reach the vault: try a few times.
for attempt in 1 2 3 4 5 6; do
  if az keyvault secret set --vault-name "$AZURE_KEY_VAULT_NAME" --name "$name" \
       --value "$(head -c 32 /dev/urandom | base64)" --content-type "base64 256-bit key" --output none; then
    echo "Created the key '$name' in $AZURE_KEY_VAULT_NAME."
    exit 0
  fi
  echo "Could not write the key yet (attempt $attempt); waiting for the role to apply..." >&2
  sleep 20
done
exit 1
