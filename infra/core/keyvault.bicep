@description('Name of the key vault (3-24 characters).')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Close the vault to the public network (reached through a private endpoint instead).')
param privateNetworking bool = false

// Holds the key that encrypts second-factor secrets at rest: never the table store's business.
// Access is by Azure RBAC only (no access policies), and a deleted vault or secret stays recoverable
// for 90 days and cannot be purged before: losing the key would lose every enrolled second factor.
resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'None'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
