using Auth.Functions.Admin;
using Auth.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Auth.Functions.Tests.Integration;

/// <summary>The admin command run as the executable runs it, against a test app's tables.</summary>
internal static class AdminTestKit
{
    public static async Task<(int Exit, string Output, string Errors)> CliAsync(AuthApp app, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = (await Azurite.Shared).ConnectionString,
            ["Storage:TablePrefix"] = app.TablePrefix,
        }).Build();
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await AdminCli.RunAsync(["admin", .. args], output, errors, configuration);
        return (exit, output.ToString(), errors.ToString());
    }

    /// <summary>A new admin key for the app (<c>admin create-key</c>).</summary>
    public static async Task<string> AdminKeyAsync(AuthApp app, string label = "tests")
    {
        var (exit, output, errors) = await CliAsync(app, "create-key", "--label", label);
        Assert.True(exit == 0, errors);
        return output.Trim();
    }
}
