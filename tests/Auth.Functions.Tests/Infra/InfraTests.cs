using System.Text.Json.Nodes;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Infra;

/// <summary>infra/ compiles and lints clean, and the compiled ARM template holds what the app needs, and nothing it must not.</summary>
public sealed class InfraTests
{
    private static readonly Lazy<Task<JsonObject>> Compiled = new(async () =>
    {
        var (exit, output, errors) = await BicepCli.RunAsync("build", "main.bicep", "--stdout");
        Assert.True(exit == 0, errors);
        return JsonNode.Parse(output)!.AsObject();
    });

    /// <summary>Every resource, nested module deployments included.</summary>
    private static async Task<List<JsonObject>> ResourcesAsync()
    {
        var all = new List<JsonObject>();
        void Walk(JsonNode? template)
        {
            var resources = template?["resources"];
            var list = resources is JsonArray array ? array.Select(r => r!.AsObject())
                : resources is JsonObject map ? map.Select(p => p.Value!.AsObject())
                : [];
            foreach (var resource in list)
            {
                all.Add(resource);
                Walk(resource["properties"]?["template"]);
            }
        }

        Walk(await Compiled.Value);
        return all;
    }

    private static async Task<List<JsonObject>> OfTypeAsync(string type) =>
        (await ResourcesAsync()).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    [Fact]
    public async Task BicepBuildsWithoutWarnings()
    {
        var (exit, _, errors) = await BicepCli.RunAsync("build", "main.bicep", "--stdout");

        Assert.Equal(0, exit);
        Assert.Equal("", errors.Trim());
    }

    [Fact]
    public async Task BicepLintsClean()
    {
        var (exit, output, errors) = await BicepCli.RunAsync("lint", "main.bicep");

        Assert.True(exit == 0, output + errors);
        Assert.Equal("", (output + errors).Trim());
    }

    [Fact]
    public async Task TheStorageAccountIsIdentityOnlyWithTablesQueuesAndADeploymentContainer()
    {
        var storage = Assert.Single(await OfTypeAsync("Microsoft.Storage/storageAccounts"));
        var properties = storage["properties"]!;

        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        // The deployment package's container, and the host's (a loop over their names).
        Assert.Equal(2, (await OfTypeAsync("Microsoft.Storage/storageAccounts/blobServices/containers")).Count);
        // Exactly the tables and queues the app uses, as the code names them (default prefix), no more.
        var tables = new Auth.Functions.Storage.AuthTables(
            new Azure.Data.Tables.TableServiceClient("UseDevelopmentStorage=true"), new Auth.Functions.Storage.StorageOptions()).All.Select(t => t.Name);
        string[] queues = [Auth.Functions.Recovery.ResetQueue.Name, Auth.Functions.Notifications.AccountEmailQueue.Name];
        var storageModule = (await OfTypeAsync("Microsoft.Resources/deployments")).Single(d => d["properties"]?["parameters"]?["tables"] is not null);
        var parameters = storageModule["properties"]!["parameters"]!;
        Assert.Equal(tables.Order(), parameters["tables"]!["value"]!.AsArray().Select(n => (string)n!).Order());
        Assert.Equal(queues.SelectMany(q => new[] { q, q + Auth.Functions.Storage.IQueueDeclaration.PoisonSuffix }).Order(), parameters["queues"]!["value"]!.AsArray().Select(n => (string)n!).Order());

        Assert.NotEmpty(await OfTypeAsync("Microsoft.Storage/storageAccounts/tableServices/tables"));
        Assert.NotEmpty(await OfTypeAsync("Microsoft.Storage/storageAccounts/queueServices/queues"));
    }

    [Fact]
    public async Task TheFunctionAppRunsTheIsolatedWorkerOnDotNet10OnFlexConsumptionDeployedWithItsIdentity()
    {
        var plan = Assert.Single(await OfTypeAsync("Microsoft.Web/serverfarms"));
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);

        var site = Assert.Single(await OfTypeAsync("Microsoft.Web/sites"));
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        var properties = site["properties"]!;
        Assert.True((bool)properties["httpsOnly"]!);
        var config = properties["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal("blobContainer", (string?)config["deployment"]!["storage"]!["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Contains("maximumInstanceCount", (string?)config["scaleAndConcurrency"]!["maximumInstanceCount"], StringComparison.Ordinal);
        Assert.Contains("instanceMemoryMB", (string?)config["scaleAndConcurrency"]!["instanceMemoryMB"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishingWithBasicCredentialsIsOffForScmAndFtp()
    {
        var policies = await OfTypeAsync("Microsoft.Web/sites/basicPublishingCredentialsPolicies");
        Assert.Equal(["ftp", "scm"], policies.Select(p => System.Text.RegularExpressions.Regex.Match((string)p["name"]!, @"'(\w+)'\)\]$").Groups[1].Value).Order());
        Assert.All(policies, p => Assert.False((bool)p["properties"]!["allow"]!));
    }

    [Fact]
    public async Task AppSettingsAreIdentityBasedAndFlexForbiddenOnesAreAbsent()
    {
        var settings = Assert.Single(await OfTypeAsync("Microsoft.Web/sites/config"));
        Assert.Contains("appsettings", (string?)settings["name"], StringComparison.Ordinal);
        var values = settings["properties"]!.AsObject();

        // One identity-based connection serves the host and the queue trigger, which names it.
        var connection = Assert.Single(Auth.Functions.Hosting.FunctionCatalog.Queue.Select(f => f.Connection).Distinct());
        Assert.Equal("AzureWebJobsStorage", connection);
        Assert.Equal("managedidentity", (string?)values[connection + "__credential"]);
        Assert.NotNull(values[connection + "__accountName"]);
        Assert.Contains("identityClientId", values[connection + "__clientId"]!.ToJsonString(), StringComparison.Ordinal);
        // The worker's telemetry exporter signs in to Application Insights with the same identity.
        var telemetryAuth = values["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]!.ToJsonString();
        Assert.Contains("Authorization=AAD", telemetryAuth, StringComparison.Ordinal);
        Assert.Contains("identityClientId", telemetryAuth, StringComparison.Ordinal);
        Assert.Equal("acs", (string?)values["Email__Provider"]);
        Assert.NotNull(values["Email__Acs__Endpoint"]);
        Assert.NotNull(values["Email__Acs__ClientId"]);
        // The sender address is the linked domain's (communication module output -> this setting).
        Assert.Contains("emailSenderAddress", values["Email__From"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("DoNotReply@", (await Compiled.Value).ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("mailFromSenderDomain", (await Compiled.Value).ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("defaultHostName", values["PublicBaseUrl"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(values["PurgeSchedule"]);
        // Passkeys: the app's own host unless the deployment names the app's domain and origin.
        Assert.Contains("defaultHostName", values["Passkeys__RelyingPartyId"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("passkeyRelyingPartyId", values["Passkeys__RelyingPartyId"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("https://", values["Passkeys__Origins__0"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("passkeyOrigin", values["Passkeys__Origins__0"]!.ToJsonString(), StringComparison.Ordinal);
        // The host takes the client's address from the front end's X-Forwarded-For (the genuine-host tests show why).
        Assert.Equal("true", (string?)values["ASPNETCORE_FORWARDEDHEADERS_ENABLED"]);
        Assert.Null(values["Email__Acs__ConnectionString"]);
        foreach (var forbidden in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_TIME_ZONE", "AzureWebJobsStorage" })
        {
            Assert.False(values.ContainsKey(forbidden), forbidden);
        }
    }

    [Fact]
    public async Task NoSecretOrKeyIsAnywhere()
    {
        var text = (await Compiled.Value).ToJsonString();

        Assert.DoesNotContain("AccountKey=", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("accesskey", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SharedAccessSignature", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheIdentityHoldsExactlyTheLeastPrivilegeRoles()
    {
        Assert.Single(await OfTypeAsync("Microsoft.ManagedIdentity/userAssignedIdentities"));
        var assignments = await OfTypeAsync("Microsoft.Authorization/roleAssignments");
        // roleDefinitionId is "[subscriptionResourceId(..., variables('roles').name)]": resolve the name.
        var rbacTemplate = (await ResourcesAsync()).Select(r => r["properties"]?["template"]).Single(t => t?["variables"]?["roles"] is not null)!;
        var table = rbacTemplate["variables"]!["roles"]!.AsObject();
        string RoleOf(JsonObject assignment)
        {
            var id = (string)assignment["properties"]!["roleDefinitionId"]!;
            var name = System.Text.RegularExpressions.Regex.Match(id, @"variables\('roles'\)\.(\w+)").Groups[1].Value;
            return name.Length > 0 ? (string)table[name]! : id;
        }

        Assert.Equal(8, assignments.Count);
        // The deployer's table role (to mint admin keys) is conditional and named apart from the app's.
        var deployerTables = Assert.Single(assignments, a => ((string?)a["condition"])?.Contains("deployerPrincipalId", StringComparison.Ordinal) == true
            && RoleOf(a) == "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3");
        Assert.Contains("deployerPrincipalId", (string)deployerTables["properties"]!["principalId"]!, StringComparison.Ordinal);
        assignments.Remove(deployerTables);
        var byRole = assignments.ToDictionary(RoleOf);
        // Storage Blob Data Owner, once per container the app needs (a loop), scoped to the container.
        var blob = byRole["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"];
        Assert.NotNull(blob["copy"]);
        Assert.Contains("blobServices/containers", (string)blob["scope"]!, StringComparison.Ordinal);
        var containers = rbacTemplate["parameters"]!["blobContainerNames"];
        Assert.NotNull(containers);
        Assert.Contains("974c5e8b-45b9-4653-ba55-5f855dd0fb88", byRole.Keys); // Storage Queue Data Contributor
        Assert.Contains("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", byRole.Keys); // Storage Table Data Contributor
        Assert.Contains("3913510d-42f4-4e42-8a64-420c390055eb", byRole.Keys); // Monitoring Metrics Publisher
        // Email: a custom role of the three actions sending needs, never "Communication and Email Service Owner" (it reads keys).
        Assert.DoesNotContain(byRole.Keys, r => r.Contains("09976791-48a7-449e-bb21-39d1a415f350", StringComparison.Ordinal));
        var emailRole = Assert.Single(await OfTypeAsync("Microsoft.Authorization/roleDefinitions"));
        Assert.Contains(byRole.Keys, r => r.Contains("auth-functions-email-sender", StringComparison.Ordinal));
        var permissions = Assert.Single(emailRole["properties"]!["permissions"]!.AsArray())!;
        Assert.Equal(
            ["Microsoft.Communication/CommunicationServices/Read", "Microsoft.Communication/CommunicationServices/Write", "Microsoft.Communication/EmailServices/write"],
            permissions["actions"]!.AsArray().Select(a => (string)a!).Order(StringComparer.Ordinal));
        Assert.Empty(permissions["dataActions"]!.AsArray());
        Assert.Equal("[resourceGroup().id]", (string?)Assert.Single(emailRole["properties"]!["assignableScopes"]!.AsArray()));

        // Key Vault: the app reads secrets and nothing more; only the deploying principal (when named) may write them.
        var secretsUser = byRole["4633458b-17de-408a-b874-0445c86b69e6"];
        Assert.Contains("Microsoft.KeyVault/vaults", (string)secretsUser["scope"]!, StringComparison.Ordinal);
        var secretsOfficer = byRole["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"];
        Assert.Contains("deployerPrincipalId", (string)secretsOfficer["condition"]!, StringComparison.Ordinal);
        Assert.Contains("deployerPrincipalId", (string)secretsOfficer["properties"]!["principalId"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(byRole.Keys, r => r is "00482a5a-887f-4fb3-b363-3b7fe8e74483" or "b24988ac-6180-42a0-ab88-20f7382dd24c"); // Key Vault Administrator, Contributor

        Assert.All(assignments, a =>
        {
            Assert.StartsWith("[guid(", (string)a["name"]!, StringComparison.Ordinal);
            if (a != secretsOfficer)
            {
                Assert.Equal("ServicePrincipal", (string?)a["properties"]!["principalType"]);
                Assert.Contains("principalId", (string)a["properties"]!["principalId"]!, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public async Task TheKeyVaultIsRbacOnlyWithPurgeProtectionAndTheAppReadsItsKeyWithItsIdentity()
    {
        var vault = Assert.Single(await OfTypeAsync("Microsoft.KeyVault/vaults"));
        var properties = vault["properties"]!;

        Assert.True((bool)properties["enableRbacAuthorization"]!);
        Assert.True((bool)properties["enablePurgeProtection"]!);
        Assert.True((bool)properties["enableSoftDelete"]!);
        Assert.Equal(90, (int)properties["softDeleteRetentionInDays"]!);
        Assert.Null(properties["accessPolicies"]);
        Assert.False((bool)properties["enabledForTemplateDeployment"]!);
        Assert.Contains("privateNetworking", (string)properties["publicNetworkAccess"]!, StringComparison.Ordinal);

        var values = Assert.Single(await OfTypeAsync("Microsoft.Web/sites/config"))["properties"]!.AsObject();
        Assert.Contains("keyVaultUri", values["SecretKeys__VaultUri"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("managedidentity", (string?)values["SecretKeys__Credential"]);
        Assert.Contains("identityClientId", values["SecretKeys__ClientId"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.False(values.ContainsKey("SecretKeys__File"));
        // The vault secret's name is the one the app reads by default, and the one the post-provision script creates.
        var main = await Compiled.Value;
        var name = (string)main["variables"]!["encryptionKeyName"]!;
        Assert.Equal(new Auth.Functions.Secrets.SecretKeyOptions().SecretName, name);
        Assert.Contains(name, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "infra", "scripts", "ensure-secret-key.sh")), StringComparison.Ordinal);
        // The key is never a template value: the template makes no secret at all.
        Assert.Empty(await OfTypeAsync("Microsoft.KeyVault/vaults/secrets"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ThePostProvisionScriptCreatesTheKeyOnlyWhenTheVaultHasNone(bool exists)
    {
        // A stand-in for the az CLI on PATH: it records its arguments, and says whether the secret exists.
        var bin = Directory.CreateTempSubdirectory("fake-az-").FullName;
        var log = Path.Combine(bin, "calls");
        await File.WriteAllTextAsync(Path.Combine(bin, "az"), $$"""
            #!/bin/sh
            echo "$@" >> '{{log}}'
            case "$2 $3" in
              "secret show") [ "{{(exists ? "yes" : "no")}}" = yes ] ;;
              *) exit 0 ;;
            esac
            """);
        File.SetUnixFileMode(Path.Combine(bin, "az"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var script = LocalProcess.Start("sh", [Path.Combine(RepoPaths.Root, "infra", "scripts", "ensure-secret-key.sh")], new Dictionary<string, string?>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["AZURE_KEY_VAULT_NAME"] = "kv-test",
            ["ENCRYPTION_KEY_NAME"] = "secret-encryption-key",
        });

        Assert.True(await script.WaitForExitAsync(TimeSpan.FromSeconds(30)), script.Output);
        var calls = await File.ReadAllLinesAsync(log);
        Assert.StartsWith("keyvault secret show --vault-name kv-test --name secret-encryption-key", calls[0], StringComparison.Ordinal);
        if (exists)
        {
            Assert.Single(calls); // an existing key is never replaced
            return;
        }

        var set = Assert.Single(calls.Skip(1));
        Assert.StartsWith("keyvault secret set --vault-name kv-test --name secret-encryption-key --value ", set, StringComparison.Ordinal);
        var value = set.Split("--value ")[1].Split(' ')[0];
        Assert.Equal(32, Convert.FromBase64String(value).Length); // what the app's key ring accepts
    }

    [Fact]
    public async Task TheHostsBlobContainersAreMadeUpFrontForTheScopedRole()
    {
        var main = await Compiled.Value;
        var names = main["variables"]!["hostContainerNames"]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal(["azure-webjobs-hosts", "azure-webjobs-secrets"], names);
        var containers = await OfTypeAsync("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Contains(containers, c => c["copy"] is not null && ((string)c["copy"]!["count"]!).Contains("hostContainerNames", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrivateNetworkingIsAParameterOffByDefaultThatClosesStorageToThePublicNetwork()
    {
        var main = await Compiled.Value;
        var parameter = main["parameters"]!["privateNetworking"]!;
        Assert.Equal("bool", (string?)parameter["type"]);
        Assert.False((bool)parameter["defaultValue"]!);

        var network = (await OfTypeAsync("Microsoft.Resources/deployments")).Single(d => (string?)d["name"] == "network");
        Assert.Equal("[parameters('privateNetworking')]", (string?)network["condition"]);
        var vnet = Assert.Single(await OfTypeAsync("Microsoft.Network/virtualNetworks"));
        var subnets = vnet["properties"]!["subnets"]!.AsArray();
        Assert.Contains(subnets, s => s!["properties"]!["delegations"]?[0]?["properties"]?["serviceName"]?.ToString() == "Microsoft.App/environments");
        var endpoints = await OfTypeAsync("Microsoft.Network/privateEndpoints");
        Assert.Equal(2, endpoints.Count); // storage's (a loop over its services) and the vault's
        Assert.Contains(endpoints, e => e["copy"] is { } copy && ((string)copy["count"]!).Contains("storageServices", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!["groupIds"]![0]!.ToString() == "vault");
        var services = network["properties"]!["template"]!["variables"]!["storageServices"]!.AsArray().Select(s => (string)s!);
        Assert.Equal(["blob", "queue", "table"], services);
        Assert.Equal(2, (await OfTypeAsync("Microsoft.Network/privateDnsZones")).Count);
        Assert.Equal(2, (await OfTypeAsync("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")).Count);

        var storage = Assert.Single(await OfTypeAsync("Microsoft.Storage/storageAccounts"));
        Assert.Contains("privateNetworking", (string)storage["properties"]!["publicNetworkAccess"]!, StringComparison.Ordinal);
        Assert.Contains("privateNetworking", (string)storage["properties"]!["networkAcls"]!["defaultAction"]!, StringComparison.Ordinal);
        var site = Assert.Single(await OfTypeAsync("Microsoft.Web/sites"));
        Assert.Contains("virtualNetworkSubnetId", (string)site["properties"]!["virtualNetworkSubnetId"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitoringAndEmailAreProvisionedWithLocalAuthOffAndTrackingOff()
    {
        Assert.Single(await OfTypeAsync("Microsoft.OperationalInsights/workspaces"));
        var insights = Assert.Single(await OfTypeAsync("Microsoft.Insights/components"));
        Assert.True((bool)insights["properties"]!["DisableLocalAuth"]!);

        Assert.Single(await OfTypeAsync("Microsoft.Communication/emailServices"));
        var domain = Assert.Single(await OfTypeAsync("Microsoft.Communication/emailServices/domains"));
        Assert.Equal("AzureManaged", (string?)domain["properties"]!["domainManagement"]);
        Assert.Equal("Disabled", (string?)domain["properties"]!["userEngagementTracking"]);
        var acs = Assert.Single(await OfTypeAsync("Microsoft.Communication/communicationServices"));
        Assert.Single(acs["properties"]!["linkedDomains"]!.AsArray());
        Assert.True((bool)acs["properties"]!["disableLocalAuth"]!); // Entra ID only: no keys to send with
    }

    [Fact]
    public async Task ParametersAreDescribedAndOutputsAreUpperSnakeForAzd()
    {
        var template = await Compiled.Value;
        var parameters = template["parameters"]!.AsObject();
        Assert.All(parameters, p => Assert.False(string.IsNullOrWhiteSpace((string?)p.Value!["metadata"]?["description"]), p.Key));
        Assert.All(template["outputs"]!.AsObject(), o => Assert.Matches("^[A-Z][A-Z0-9_]*$", o.Key));

        var azdParameters = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "infra", "main.parameters.json")))!["parameters"]!.AsObject();
        Assert.Equal(parameters.Select(p => p.Key).Order(), azdParameters.Select(p => p.Key).Order());
        Assert.Contains("${AZURE_ENV_NAME}", azdParameters.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AzdBuildsTheFunctionsProjectItselfAndItsOnlyHookMakesTheEncryptionKeyOnce()
    {
        var azureYaml = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "azure.yaml"));

        Assert.Contains("project: functions/Auth.Functions", azureYaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "functions", "Auth.Functions", "Auth.Functions.csproj")));
        Assert.Contains("language: dotnet", azureYaml, StringComparison.Ordinal);
        Assert.Contains("host: function", azureYaml, StringComparison.Ordinal);
        // No build hook: the one hook runs after provisioning and only creates the vault key if it is missing.
        foreach (var buildHook in new[] { "prepackage", "predeploy", "postpackage", "prebuild" })
        {
            Assert.DoesNotContain(buildHook + ":", azureYaml, StringComparison.Ordinal);
        }

        Assert.Contains("postprovision:", azureYaml, StringComparison.Ordinal);
        Assert.Contains("run: infra/scripts/ensure-secret-key.sh", azureYaml, StringComparison.Ordinal);
        var script = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "infra", "scripts", "ensure-secret-key.sh"));
        Assert.Contains("az keyvault secret show", script, StringComparison.Ordinal);
        Assert.Contains("head -c 32 /dev/urandom | base64", script, StringComparison.Ordinal);
        Assert.DoesNotContain("dist:", azureYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("br/public:", string.Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "infra"), "*.bicep", SearchOption.AllDirectories).Select(File.ReadAllText)), StringComparison.Ordinal);
    }
}
