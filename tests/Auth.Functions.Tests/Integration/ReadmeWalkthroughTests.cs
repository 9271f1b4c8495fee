using System.Text.RegularExpressions;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Integration;

/// <summary>
/// The README's curl walk-through, run as written (bash, curl, jq and oathtool, which ./test.sh
/// installs) against the app on a real socket, with its mail in <c>.data/mail</c> of the working
/// directory as under ./run.sh: a newcomer following it gets what it says.
/// </summary>
public sealed partial class ReadmeWalkthroughTests
{
    [Fact]
    public async Task TheWalkThroughWorksAsWrittenSecondFactorAndAdminApiIncluded()
    {
        var blocks = WalkThroughBlocks();
        Assert.Equal(3, blocks.Count);
        Assert.Contains("oathtool --totp", blocks[1], StringComparison.Ordinal);
        Assert.Contains("./admin.sh create-key", blocks[2], StringComparison.Ordinal);

        var work = Directory.CreateTempSubdirectory("walkthrough-").FullName;
        var mail = Path.Combine(work, ".data", "mail");
        Directory.CreateDirectory(mail);
        var port = LocalProcess.FreePort();
        await using var app = await AuthApp.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Accounts:RequireVerifiedEmail"] = "true", // the service's default, which the walk-through shows
                ["Email:Provider"] = "pickup",
                ["Email:PickupDirectory"] = mail,
            },
            emailSender: AuthApp.ConfiguredSender,
            kestrelPort: port);

        // Only the base URL changes: the app listens on a free port instead of 7071.
        var script = string.Join("\n", blocks).Replace("B=http://localhost:7071", $"B=http://127.0.0.1:{port}", StringComparison.Ordinal);
        Assert.Contains($"B=http://127.0.0.1:{port}", script, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(work, "walkthrough.sh"), script);
        // ./admin.sh as the README runs it from the repository, against the test app's storage.
        File.CreateSymbolicLink(Path.Combine(work, "admin.sh"), Path.Combine(RepoPaths.Root, "admin.sh"));
        await using var run = LocalProcess.Start("bash", [Path.Combine(work, "walkthrough.sh")], new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = (await Azurite.Shared).ConnectionString,
            ["Storage__TablePrefix"] = app.TablePrefix,
        }, workingDirectory: work);

        Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(2)), run.Output);
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("null", StringComparison.Ordinal)); // jq found every field it picked
        Assert.Contains(lines, l => l.Contains("\"emailVerified\":false", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(" password_changed", StringComparison.Ordinal));
        // The second factor: ten recovery codes, then a session from the ticket and the next step's code.
        Assert.Equal(10, lines.Count(l => RecoveryCode().IsMatch(l)));
        Assert.Contains(lines, l => l.StartsWith("afs_sess_", StringComparison.Ordinal));
        // The admin part: the disabled login, then the audit log's lines (newest first).
        Assert.Contains("account_disabled", lines);
        Assert.Contains(lines, l => l.Contains(" disable 204 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" delete 204 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" list-users 200", StringComparison.Ordinal));
        Assert.StartsWith("<svg", (await File.ReadAllTextAsync(Path.Combine(work, "qr.svg"))).TrimStart(), StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("invalid_mfa_code", StringComparison.Ordinal) || l.Contains("\"status\":5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheExternalSignInTryItWorksAsWrittenAgainstTheDevProvider()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("## External sign-in", StringComparison.Ordinal);
        var block = BashBlock().Match(readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)]).Groups[1].Value;
        Assert.Contains("/api/auth/external/dev?", block, StringComparison.Ordinal);

        // ./dev-idp.sh's provider (the same class) on a free port, and the app configured as ./run.sh does it.
        await using var provider = await TestOidcProvider.StartAsync();
        provider.Person = new TestPerson("dev-user", "dev-user@example.com", EmailVerified: true);
        var port = LocalProcess.FreePort();
        var runSh = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "run.sh"));
        Assert.Contains("ExternalLogin__Providers__dev__ClientId:-" + TestOidcProvider.ClientId, runSh, StringComparison.Ordinal);
        Assert.Contains("ExternalLogin__Providers__dev__ClientSecret:-" + TestOidcProvider.ClientSecret, runSh, StringComparison.Ordinal);
        await using var app = await AuthApp.StartAsync(kestrelPort: port, settings: new Dictionary<string, string?>
        {
            ["ExternalLogin:RedirectUris:0"] = $"http://127.0.0.1:{port}/signed-in",
            ["ExternalLogin:Providers:dev:Authority"] = provider.Issuer,
            ["ExternalLogin:Providers:dev:ClientId"] = TestOidcProvider.ClientId,
            ["ExternalLogin:Providers:dev:ClientSecret"] = TestOidcProvider.ClientSecret,
            ["ExternalLogin:Providers:dev:RequireHttpsMetadata"] = "false",
        });

        var work = Directory.CreateTempSubdirectory("external-walkthrough-").FullName;
        var script = block.Replace("B=http://localhost:7071", $"B=http://127.0.0.1:{port}", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(work, "external.sh"), script);
        await using var run = LocalProcess.Start("bash", [Path.Combine(work, "external.sh")], new Dictionary<string, string?>(), workingDirectory: work);

        Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(1)), run.Output);
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"http://127.0.0.1:{port}/signed-in?code=afs_xcode_", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("{\"created\":true,\"email\":\"dev-user@example.com\",\"hasPassword\":false,\"key\":\"afs_sess_", StringComparison.Ordinal));
    }

    /// <summary>The bash blocks of the README's "Walk-through with curl" section, in order.</summary>
    private static List<string> WalkThroughBlocks()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("## Walk-through with curl", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return [.. BashBlock().Matches(readme[start..end]).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex("^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")]
    private static partial Regex RecoveryCode();
}
