@description('Name of the storage account.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Blob container that holds the function app\'s deployment package.')
param deploymentContainerName string

@description('Blob containers of the Functions host (leases, timers, keys), made here so that the app\'s role can be scoped to them.')
param hostContainerNames array = []

@description('Reachable only through private endpoints (network.bicep): no public network access.')
param privateNetworking bool = false

@description('Tables the app uses (it also creates missing ones at start-up).')
param tables array = []

@description('Queues the app uses, poison queues included.')
param queues array = []

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    // Identity only: no account keys, no SAS signed with them.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }

  resource blobServices 'blobServices' = {
    name: 'default'

    resource deployment 'containers' = {
      name: deploymentContainerName
      properties: { publicAccess: 'None' }
    }

    resource host 'containers' = [for containerName in hostContainerNames: {
      name: containerName
      properties: { publicAccess: 'None' }
    }]
  }

  resource tableServices 'tableServices' = {
    name: 'default'

    resource table 'tables' = [for tableName in tables: {
      name: tableName
    }]
  }

  resource queueServices 'queueServices' = {
    name: 'default'

    resource queue 'queues' = [for queueName in queues: {
      name: queueName
    }]
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output tableEndpoint string = storage.properties.primaryEndpoints.table
output queueEndpoint string = storage.properties.primaryEndpoints.queue
