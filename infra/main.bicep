targetScope = 'subscription'

metadata description = 'Auth.Functions: the function app (Flex Consumption, .NET isolated worker), its storage, identity, monitoring and email.'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region of the resources (one that offers Flex Consumption).')
param location string

@description('Resource group to create; empty means rg-<environmentName>.')
param resourceGroupName string = ''

@description('Where Communication Services keeps email data at rest.')
@allowed([
  'Africa'
  'Asia Pacific'
  'Australia'
  'Brazil'
  'Canada'
  'Europe'
  'France'
  'Germany'
  'India'
  'Japan'
  'Korea'
  'Norway'
  'Switzerland'
  'UAE'
  'UK'
  'United States'
])
param emailDataLocation string = 'United States'

@description('Largest number of instances the function app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each function app instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('NCRONTAB schedule (UTC) of PurgeExpiredTokens; hourly by default.')
param purgeSchedule string = '0 0 * * * *'

@description('Object id of the principal that deploys (azd sets AZURE_PRINCIPAL_ID): it gets "Key Vault Secrets Officer" on the vault to create the encryption key once, and "Storage Table Data Contributor" on the storage account to mint admin keys. Empty: no role for the deployer.')
param deployerPrincipalId string = ''

@description('Kind of the deploying principal: User for a person, ServicePrincipal for a pipeline.')
@allowed([
  'User'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

@description('Keep the storage account (password hashes, keys) off the public network: a virtual network, the app integrated into it, and private endpoints with private DNS for blob, queue and table. Off by default.')
param privateNetworking bool = false

@description('Relying party id of passkeys: the registrable domain of the pages that run passkey ceremonies (example.com). Empty: the function app\'s own host name, so its hosted /passkeys page works. Changing it later orphans every passkey made before.')
param passkeyRelyingPartyId string = ''

@description('The origin (https://app.example.com) whose pages may run passkey ceremonies; its host must be the relying party id or under it. Empty: https://<the function app\'s host>. More origins: the app settings Passkeys__Origins__1, __2, ...')
param passkeyOrigin string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}'
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var communicationServiceName = '${abbrs.communicationServices}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'
// The vault secret whose versions are the keys that encrypt second-factor secrets (made by infra/scripts/ensure-secret-key.sh).
var encryptionKeyName = 'secret-encryption-key'
// The Functions host's own containers (leases and timers, keys): made up front so the app's blob role can be scoped to them.
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? '${abbrs.resourcesResourceGroups}${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    hostContainerNames: hostContainerNames
    privateNetworking: privateNetworking
    tables: [
      'authusers'
      'authemails'
      'auththrottles'
      'authexpiry'
    ]
    queues: [
      'password-reset'
      'password-reset-poison'
      'account-email'
      'account-email-poison'
    ]
  }
}

module keyVault 'core/keyvault.bicep' = {
  name: 'keyvault'
  scope: resourceGroup
  params: {
    name: keyVaultName
    location: location
    tags: tags
    privateNetworking: privateNetworking
  }
}

module network 'core/network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: resourceGroup
  params: {
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
  }
  dependsOn: [
    storage
    keyVault
  ]
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module communication 'core/communication.bicep' = {
  name: 'communication'
  scope: resourceGroup
  params: {
    communicationServiceName: communicationServiceName
    emailServiceName: '${abbrs.emailServices}${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
  }
}

module rbac 'core/rbac.bicep' = {
  name: 'rbac'
  scope: resourceGroup
  params: {
    storageAccountName: storageAccountName
    blobContainerNames: concat([deploymentContainerName], hostContainerNames)
    communicationServiceName: communicationServiceName
    applicationInsightsName: applicationInsightsName
    identityName: identityName
    keyVaultName: keyVaultName
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
  // Names are known up front (what-if can predict them); the resources must exist first.
  dependsOn: [
    identity
    storage
    monitoring
    communication
    keyVault
  ]
}

module functionApp 'app/functionapp.bicep' = {
  name: 'functionapp'
  scope: resourceGroup
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    communicationEndpoint: communication.outputs.endpoint
    emailSenderAddress: communication.outputs.senderAddress
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    purgeSchedule: purgeSchedule
    keyVaultUri: keyVault.outputs.uri
    encryptionKeyName: encryptionKeyName
    virtualNetworkSubnetId: privateNetworking ? network!.outputs.appSubnetId : ''
    passkeyRelyingPartyId: passkeyRelyingPartyId
    passkeyOrigin: passkeyOrigin
  }
  // The app reads storage and sends mail from its first start: its roles come first.
  dependsOn: [
    rbac
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output EMAIL_SENDER_ADDRESS string = communication.outputs.senderAddress
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output ENCRYPTION_KEY_NAME string = encryptionKeyName
