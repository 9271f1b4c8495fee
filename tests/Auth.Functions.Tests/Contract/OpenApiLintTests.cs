using System.Diagnostics;
using System.Text.Json.Nodes;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Contract;

/// <summary>The served OpenAPI document under Redocly CLI's recommended rules (redocly.yaml), with the pinned CLI.</summary>
public sealed class OpenApiLintTests
{
    [Fact]
    public async Task TheServedDocumentLintsWithNoErrorAndNoWarning()
    {
        await using var app = await AuthApp.StartAsync();
        var document = await (await app.Api().GetAsync("/api/openapi.json")).Content.ReadAsStringAsync();
        // Where .redocly.lint-ignore.yaml expects it: its entries name this path.
        var path = Path.Combine(RepoPaths.Root, "artifacts", "openapi", "openapi.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, document);

        var info = new ProcessStartInfo(RepoPaths.NodeBin("redocly"))
        {
            ArgumentList = { "lint", Path.GetRelativePath(RepoPaths.Root, path), "--format=json" },
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Offline: no telemetry, no update check.
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        var report = JsonNode.Parse(await output)!;
        var problems = string.Join("\n", report["problems"]!.AsArray()
            .Where(p => (bool?)p!["ignored"] != true)
            .Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}"));
        Assert.True(process.ExitCode == 0, $"redocly lint exited {process.ExitCode}:\n{problems}\n{await errors}");
        Assert.Equal(0, (int)report["totals"]!["errors"]!);
        Assert.True((int)report["totals"]!["warnings"]! == 0, problems);
        // The suppressed warnings are the six the ignore file names, with their reasons, and no more.
        Assert.Equal(6, (int)report["totals"]!["ignored"]!);
    }
}
