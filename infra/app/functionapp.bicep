@description('Name of the function app.')
param name string

@description('Name of its Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('Client id of that identity (for identity-based connections).')
param identityClientId string

@description('Storage account of the app (AzureWebJobsStorage, tables, queues, deployment package).')
param storageAccountName string

@description('Blob endpoint of that storage account.')
param storageBlobEndpoint string

@description('Container holding the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (not a secret: local auth is disabled).')
param applicationInsightsConnectionString string

@description('Endpoint of the Communication Services resource that sends email.')
param communicationEndpoint string

@description('Sender address of the reset emails.')
param emailSenderAddress string

@description('Largest number of instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('NCRONTAB schedule of PurgeExpiredTokens (UTC).')
param purgeSchedule string

@description('URI of the key vault holding the key that encrypts second-factor secrets.')
param keyVaultUri string

@description('Name of the vault secret whose versions are that key.')
param encryptionKeyName string

@description('Relying party id of passkeys; empty: the app\'s own host name.')
param passkeyRelyingPartyId string = ''

@description('The origin whose pages may run passkey ceremonies; empty: https://<the app\'s host>.')
param passkeyOrigin string = ''

@description('Subnet the app is integrated into (private networking); empty: none.')
param virtualNetworkSubnetId string = ''

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd deploys the service named 'api' to the resource carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // With private networking the app reaches storage through the virtual network's private endpoints.
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // The app is an isolated-worker .NET app (functions.metadata and worker.config.json in the zip).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // Settings live in their own resource so that PublicBaseUrl can use the app's real host name.
  // Flex Consumption forbids FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
  // WEBSITE_RUN_FROM_PACKAGE and WEBSITE_TIME_ZONE here; none of them is set.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      PublicBaseUrl: 'https://${functionApp.properties.defaultHostName}'
      PurgeSchedule: purgeSchedule
      // The Functions host replaces X-Forwarded-For with its own view of the caller before the request
      // reaches the app. With this, that view is the address the platform's front end appended (the
      // client's), not the front end's own: the app's per-address limits and security log need it.
      ASPNETCORE_FORWARDEDHEADERS_ENABLED: 'true'

      // Second-factor secrets are sealed under the versions of this vault secret, read with the identity.
      SecretKeys__VaultUri: keyVaultUri
      SecretKeys__SecretName: encryptionKeyName
      SecretKeys__Credential: 'managedidentity'
      SecretKeys__ClientId: identityClientId

      // Passkeys belong to this relying party, and pages of this origin may run their ceremonies. By
      // default the app's own host: its hosted /passkeys page works as deployed.
      Passkeys__RelyingPartyId: empty(passkeyRelyingPartyId) ? functionApp.properties.defaultHostName : passkeyRelyingPartyId
      Passkeys__Origins__0: empty(passkeyOrigin) ? 'https://${functionApp.properties.defaultHostName}' : passkeyOrigin

      Email__Provider: 'acs'
      Email__Acs__Endpoint: communicationEndpoint
      Email__Acs__ClientId: identityClientId
      Email__From: emailSenderAddress
    }
  }

  // No publishing with a user name and password: deploys go through the identity (azd, the
  // deployment container). Both basic-auth endpoints are switched off, SCM and FTP.
  resource scmBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }

  resource ftpBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
